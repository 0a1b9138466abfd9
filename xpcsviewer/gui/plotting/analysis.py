"""Plot helpers of the analysis tabs (g2, Diffusion); views import them from here.

Kept out of ``plotting/__init__`` so the two tab sets can grow without editing one file."""

from __future__ import annotations

from ._analysis_export import (
           ErrorPanel,
           export_error_figure,
           export_error_panels,
           export_grid_figure,
)
from ._error_plot import ErrorPlot
from ._g2_map import G2MapPanel
from ._panel_grid import Panel, PanelGrid, Series

__all__ = ["ErrorPanel", "ErrorPlot", "G2MapPanel", "Panel", "PanelGrid", "Series",
           "export_error_figure", "export_error_panels", "export_grid_figure"]
