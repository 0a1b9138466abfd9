"""The tabs, in display order. Importing this loads controllers only, never Qt."""

from __future__ import annotations

from ._model import Prepared, TabController, TabSpec
from .average import TAB as AVERAGE
from .diffusion import TAB as DIFFUSION
from .g2 import TAB as G2
from .intensity import TAB as INTENSITY
from .mask import TAB as MASK
from .metadata import TAB as METADATA
from .qmap import TAB as QMAP
from .saxs1d import TAB as SAXS1D
from .saxs2d import TAB as SAXS2D
from .stability import TAB as STABILITY
from .trends import TAB as TRENDS
from .twotime import TAB as TWOTIME

TABS: list[TabSpec] = [
    SAXS2D, SAXS1D, QMAP, G2, DIFFUSION, TRENDS, TWOTIME, STABILITY, INTENSITY, AVERAGE, METADATA,
    MASK,
]

__all__ = ["TABS", "Prepared", "TabController", "TabSpec"]
