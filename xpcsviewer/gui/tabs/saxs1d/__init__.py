"""SAXS-1D: I(q) of the selected files overlaid, with phi slices, q range and CSV export."""

from .._model import TabSpec
from .controller import Saxs1dController

TAB = TabSpec("saxs_1d", "SAXS-1D", Saxs1dController, "xpcsviewer.gui.tabs.saxs1d.view:Saxs1dView")
