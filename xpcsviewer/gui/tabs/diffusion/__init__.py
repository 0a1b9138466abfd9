"""Diffusion: tau(q) from the g2 tab's current fits, its power law, and parameters vs q."""

from .._model import TabSpec
from .controller import DiffusionController

TAB = TabSpec("diffusion", "Diffusion", DiffusionController, "xpcsviewer.gui.tabs.diffusion.view:DiffusionView")
