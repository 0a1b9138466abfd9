"""Stability tab."""

from .._base import TabSpec
from .controller import StabilityController
from .view import StabilityView

TAB = TabSpec("stability", "Stability", StabilityController, StabilityView)
