"""A declared shape is a claim, not a budget: what each key may hold, checked before reading.

HDF5 lets a dataset declare any shape at almost no cost (chunked, nothing written: reads return
the fill value), so a 10⁹ x 12 "g2" or a 60000² "image" fits in a few kB of file. Every read of
:class:`~xpcsviewer.io._h5.Source` first compares the declared shape and dtype with what its key
can sensibly hold, and refuses with a message instead of filling the machine:

- scalars hold one value; texts hold one string of at most ``MAX_TEXT_BYTES``;
- detector images (SAXS-2D, mask, roi maps) at most ``MAX_DETECTOR_PIXELS`` pixels;
- lists (delays, q/φ lists, index mappings, processed bins) at most ``MAX_LIST`` values;
- tables (g2, SAXS-1D, segments) at most ``MAX_TABLE`` values, the frame trace ``MAX_TRACE``;
- everything else (two-time maps, any other array) at most ``read_budget_bytes()`` as float64,
  the dtype the reader hands out.

The limits are far above real files (the largest area detectors have ~2x10⁷ pixels, multi-tau
runs ~10² delays and ~10³ bins, two-time runs ~10⁴ frames), so they only stop claims no
correlator makes. The budget is a quarter of the machine's memory, at most 16 GiB, so that one
array (and the float64 copy a reader makes of it) never takes the session's memory.
"""

from __future__ import annotations

import math
import os
from functools import cache

import numpy as np

from ._keys import LEGACY_APS, NEXUS_8IDI

MAX_TEXT_BYTES = 64 * 1024
MAX_TEXT_ITEMS = 16  # a text is one string; some writers wrap it in a short array
MAX_DETECTOR_PIXELS = 2**27  # 134 M: 7x a 16-megapixel detector
MAX_LIST = 2**24
MAX_TABLE = 2**26
MAX_TRACE = 2**28  # (2, n_frames): 1.3x10⁸ frames
BUDGET_CAP_BYTES = 16 * 2**30

_N, _L = NEXUS_8IDI, LEGACY_APS
_IMAGE = {_N["saxs_2d"], _N["mask"], _N["dynamic_roi_map"], _N["static_roi_map"],
          _L["saxs_2d"], _L["mask"], _L["dynamic_roi_map"], _L["static_roi_map"]}  # fmt: skip
_LIST = {_N[k] for k in ("delay_list", "dynamic_index_mapping", "static_index_mapping",
                         "dynamic_num_pts", "static_num_pts", "dynamic_v_list_dim0",
                         "dynamic_v_list_dim1", "static_v_list_dim0", "static_v_list_dim1",
                         "c2_processed_bins")} | {
         _L[k] for k in ("tau", "dynamic_q", "dynamic_phi", "static_q", "static_phi")}  # fmt: skip
_TABLE = {_N[k] for k in ("g2", "g2_err", "saxs_1d", "saxs_1d_segments", "c2_g2")} | {
          _L[k] for k in ("g2", "g2_err", "saxs_1d", "saxs_1d_segments")}  # fmt: skip
_TRACE = {_N["intensity_vs_time"], _L["intensity_vs_time"]}


@cache
def read_budget_bytes() -> int:
    """Largest float64 size of one array read: a quarter of physical memory, at most 16 GiB."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX: assume a modest 16 GiB machine
        physical = 16 * 2**30
    return int(min(physical // 4, BUDGET_CAP_BYTES))


def _limit(key: str) -> tuple[int, str]:
    if key in _IMAGE:
        return MAX_DETECTOR_PIXELS, "pixels for a detector image"
    if key in _LIST:
        return MAX_LIST, "values for a list"
    if key in _TABLE:
        return MAX_TABLE, "values for a table"
    if key in _TRACE:
        return MAX_TRACE, "values for a frame trace"
    return read_budget_bytes() // 8, f"values (the read budget of {_gib(read_budget_bytes())})"


def _gib(n: int) -> str:
    return f"{n / 2**30:.3g} GiB"


def size_problem(key: str, shape: tuple[int, ...] | None, dtype: np.dtype) -> str:
    """Why an array of this declared shape is refused at ``key``, or "" when it may be read."""
    if shape is None:
        return ""
    n = math.prod(int(d) for d in shape)
    most, what = _limit(key)
    if n > most:
        return f"{key} declares shape {shape} ({n:,} values), more than the {most:,} {what}; refusing to read it"
    nbytes = n * max(int(dtype.itemsize), 8)
    if nbytes > read_budget_bytes():
        return (f"{key} declares shape {shape} ({_gib(nbytes)} as float64), more than the "
                f"read budget of {_gib(read_budget_bytes())}; refusing to read it")
    return ""


def scalar_problem(key: str, shape: tuple[int, ...] | None) -> str:
    """Why ``key`` cannot be a scalar (declared size not 1), or ""."""
    n = 0 if shape is None else math.prod(int(d) for d in shape)
    if n != 1:
        return f"{key} has shape {shape} ({n:,} values), expected a scalar"
    return ""


def text_problem(key: str, shape: tuple[int, ...] | None, dtype: np.dtype) -> str:
    """Why ``key`` cannot be a short text (more than MAX_TEXT_ITEMS strings, or fixed strings
    over MAX_TEXT_BYTES), or ""."""
    n = 0 if shape is None else math.prod(int(d) for d in shape)
    if n > MAX_TEXT_ITEMS:
        return (f"{key} declares shape {shape} ({n:,} values), not one short text; refusing "
                "to read it")
    if dtype.kind in "SU" and dtype.itemsize > MAX_TEXT_BYTES:
        return (f"{key} declares strings of {dtype.itemsize:,} bytes, more than the "
                f"{MAX_TEXT_BYTES:,} of a text field; refusing to read it")
    return ""
