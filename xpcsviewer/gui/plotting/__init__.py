"""The one place that knows pyqtgraph's API (pinned to 0.14.0) and matplotlib's.

Views build their plots from these helpers. Every array reaching pyqtgraph goes through
:data:`ADAPTER` (a ``PyQtGraphAdapter``) and every array reaching matplotlib through a
``MatplotlibAdapter``, so the status panel's counters see them all.
"""

from __future__ import annotations

import pyqtgraph as pg

from ..theme import active
from ._colormaps import COLORMAPS, DEFAULT_COLORMAP, colormap
from ._curves import Curve, CurvePanel
from ._export import export_curves_figure
from ._export_panels import LinesFigure, MapFigure, export_panels_figure
from ._image import ImagePanel
from ._lines import INK, ColorScale, Line, LinePanel
from ._map import MapPanel, on_pixel_click
from ._notes import blank_panels, escape, note_label, shown_notes, tooltip, visible_panels
from ._shared import ADAPTER

# Background and ink come from the theme (gui/theme.py: light by default, like the exports).
pg.setConfigOptions(background=active().background, foreground=active().foreground,
                    antialias=True, imageAxisOrder="row-major")

__all__ = [
    "ADAPTER",
    "COLORMAPS",
    "ColorScale",
    "INK",
    "DEFAULT_COLORMAP",
    "Curve",
    "CurvePanel",
    "ImagePanel",
    "Line",
    "LinePanel",
    "LinesFigure",
    "MapFigure",
    "MapPanel",
    "colormap",
    "export_curves_figure",
    "blank_panels",
    "escape",
    "export_panels_figure",
    "note_label",
    "on_pixel_click",
    "shown_notes",
    "tooltip",
    "visible_panels",
]
