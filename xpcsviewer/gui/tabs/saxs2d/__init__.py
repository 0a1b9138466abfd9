"""SAXS-2D: the time-averaged detector image with mask, beam centre and q/phi readout."""

from .._model import TabSpec
from .controller import Saxs2dController

TAB = TabSpec("saxs_2d", "SAXS-2D", Saxs2dController, "xpcsviewer.gui.tabs.saxs2d.view:Saxs2dView")
