"""Average tab."""

from .._model import TabSpec
from .controller import AverageController

TAB = TabSpec("average", "Average", AverageController, "xpcsviewer.gui.tabs.average.view:AverageView")
