"""Mask: draw a mask, set the geometry, preview the (q, φ) partition and save a qmap file."""

from .._model import TabSpec
from .controller import MaskController

TAB = TabSpec("mask", "Mask", MaskController, "xpcsviewer.gui.tabs.mask.view:MaskView")
