"""Colour maps offered in the GUI: display name -> pyqtgraph's built-in map name."""

from __future__ import annotations

import pyqtgraph as pg

# Perceptually uniform maps only; "grey" is colorcet's linear grey.
COLORMAPS: dict[str, str] = {
    "viridis": "viridis",
    "inferno": "inferno",
    "magma": "magma",
    "plasma": "plasma",
    "cividis": "cividis",
    "turbo": "turbo",
    "grey": "CET-L1",
}
DEFAULT_COLORMAP = "viridis"


def colormap(name: str) -> pg.ColorMap:
    return pg.colormap.get(COLORMAPS.get(name, COLORMAPS[DEFAULT_COLORMAP]))
