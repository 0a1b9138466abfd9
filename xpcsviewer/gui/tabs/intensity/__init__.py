"""Intensity tab."""

from .._base import TabSpec
from .controller import IntensityController
from .view import IntensityView

TAB = TabSpec("intensity", "Intensity", IntensityController, IntensityView)
