"""Two-time tab."""

from .._model import TabSpec
from .controller import TwotimeController

TAB = TabSpec("twotime", "Two-time", TwotimeController, "xpcsviewer.gui.tabs.twotime.view:TwotimeView")
