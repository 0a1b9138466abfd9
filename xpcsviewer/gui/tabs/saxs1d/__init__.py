"""SAXS-1D: I(q) of the selected files overlaid, with phi slices, q range and CSV export."""

from .._base import TabSpec
from .controller import Saxs1dController
from .view import Saxs1dView

TAB = TabSpec("saxs_1d", "SAXS-1D", Saxs1dController, Saxs1dView)
