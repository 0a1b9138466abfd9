"""g2: one panel per dynamic bin, overlay of the selected files, a g2(q, t) map, and fits
(batched least squares for all bins, NUTS for one) on request."""

from .._model import TabSpec
from .controller import G2Controller

TAB = TabSpec("g2", "g2", G2Controller, "xpcsviewer.gui.tabs.g2.view:G2View")
