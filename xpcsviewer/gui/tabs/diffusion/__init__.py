"""Diffusion: tau(q) from the g2 tab's current fits, its power law, and parameters vs q."""

from .._base import TabSpec
from .controller import DiffusionController
from .view import DiffusionView

TAB = TabSpec("diffusion", "Diffusion", DiffusionController, DiffusionView)
