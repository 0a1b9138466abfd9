"""Pure compute functions on the array backend (ADR-001); no Qt, no file I/O except averaging.

Every function takes arrays (NumPy or backend arrays) and a keyword ``backend`` (default
:func:`xpcsviewer.backends.get_backend`), returns backend arrays (pass them through
``ensure_numpy`` or an adapter at the boundary), and on JAX runs a kernel compiled once per
static layout (detector shape, bin counts) and cached.
"""

from __future__ import annotations

from ._kernels import cached_kernels
from .partition import Partition, QPartitions, make_partition, make_partitions
from .qmap import E2K_KEV_A, DetectorQMap, compute_qmap, wavevector
from .saxs import NORMALIZATIONS, Saxs1D, roi_mean, saxs_1d

__all__ = [
    "E2K_KEV_A",
    "NORMALIZATIONS",
    "DetectorQMap",
    "Partition",
    "QPartitions",
    "Saxs1D",
    "cached_kernels",
    "compute_qmap",
    "make_partition",
    "make_partitions",
    "roi_mean",
    "saxs_1d",
    "wavevector",
]
