"""SAXS-2D: the time-averaged detector image with mask, beam centre and q/phi readout."""

from .._base import TabSpec
from .controller import Saxs2dController
from .view import Saxs2dView

TAB = TabSpec("saxs_2d", "SAXS-2D", Saxs2dController, Saxs2dView)
