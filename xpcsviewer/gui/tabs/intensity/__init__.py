"""Intensity tab."""

from .._model import TabSpec
from .controller import IntensityController

TAB = TabSpec("intensity", "Intensity", IntensityController, "xpcsviewer.gui.tabs.intensity.view:IntensityView")
