"""Stability tab."""

from .._model import TabSpec
from .controller import StabilityController

TAB = TabSpec("stability", "Stability", StabilityController, "xpcsviewer.gui.tabs.stability.view:StabilityView")
