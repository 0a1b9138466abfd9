"""The one place that knows pyqtgraph's API (pinned to 0.14.0) and matplotlib's.

Views build their plots from these helpers: every line plot is a :class:`LinePanel` of
:class:`~xpcsviewer.gui.line.Line` objects (the g2 grid a :class:`PanelGrid` of the same
lines), every image an :class:`ImagePanel` (``_image``: detector pixels, C2 maps, the
g2(q, t) map), every figure export goes through ``_export``. Every array reaching pyqtgraph goes
through :data:`ADAPTER` (a ``PyQtGraphAdapter``) and every array reaching matplotlib through a
``MatplotlibAdapter``, so the status panel's counters see them all.
"""

from __future__ import annotations

import pyqtgraph as pg

from ..line import INK, Line
from ..theme import active
from ._colormaps import COLORMAPS, DEFAULT_COLORMAP, colormap
from ._export import LinesFigure, MapFigure, export_grid_figure, export_panels_figure
from ._g2_map import G2MapPanel
from ._image import ImagePanel, MapPanel
from ._lines import ColorScale, LinePanel
from ._notes import blank_panels, escape, note_label, shown_notes, tooltip, visible_panels
from ._panel_grid import Panel, PanelGrid
from ._shared import ADAPTER

# Background and ink come from the theme (gui/theme.py: light by default, like the exports).
pg.setConfigOptions(background=active().background, foreground=active().foreground,
                    antialias=True, imageAxisOrder="row-major")

__all__ = [
    "ADAPTER",
    "COLORMAPS",
    "ColorScale",
    "DEFAULT_COLORMAP",
    "G2MapPanel",
    "INK",
    "ImagePanel",
    "Line",
    "LinePanel",
    "LinesFigure",
    "MapFigure",
    "MapPanel",
    "Panel",
    "PanelGrid",
    "blank_panels",
    "colormap",
    "escape",
    "export_grid_figure",
    "export_panels_figure",
    "note_label",
    "shown_notes",
    "tooltip",
    "visible_panels",
]
