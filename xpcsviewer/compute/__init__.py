"""Pure compute functions on the array backend (ADR-001); no Qt.

Every function takes arrays (NumPy or backend arrays) and a keyword ``backend`` (default
:func:`xpcsviewer.backends.get_backend`), returns backend arrays (pass them through
``ensure_numpy`` or an adapter at the boundary), and on JAX runs a kernel compiled once per
static layout (detector shape, bin counts) and cached. Only :func:`average_files` touches
files (it reads inputs and writes a new result file atomically).
"""

from __future__ import annotations

from ._average_check import FileDifferences, file_differences, trace_mean
from ._average_write import AveragedFile, average_files
from ._c2_cuts import C2Cut, cut_at_age, cut_at_lag
from ._kernels import cached_kernels, one_pass
from .average import AverageCancelled, AverageReport, G2Average, Rejection, average_g2
from .bins import BinMatch, PhiAverage, column_pixel_counts, match_bins, phi_average
from .intensity import (
    IntensityTrace,
    PowerSpectrum,
    power_spectrum,
    rebin_intensity,
    smooth_intensity,
)
from .partition import Partition, QPartitions, make_partition, make_partitions
from .qmap import E2K_KEV_A, DetectorQMap, compute_qmap, wavevector
from .roi import bin_at_pixel
from .saxs import NORMALIZATIONS, Saxs1D, roi_mean, saxs_1d
from .stability import Stability, saxs_stability
from .twotime import (
    C2Display,
    G2FromC2,
    correct_diagonal,
    decimate,
    g2_from_c2,
    prepare_display,
    symmetrize,
    time_resolved_g2,
)

__all__ = [
    "AverageCancelled",
    "E2K_KEV_A",
    "NORMALIZATIONS",
    "AverageReport",
    "AveragedFile",
    "BinMatch",
    "PhiAverage",
    "column_pixel_counts",
    "match_bins",
    "phi_average",
    "C2Cut",
    "C2Display",
    "DetectorQMap",
    "G2Average",
    "G2FromC2",
    "IntensityTrace",
    "FileDifferences",
    "Partition",
    "PowerSpectrum",
    "QPartitions",
    "Rejection",
    "Saxs1D",
    "Stability",
    "average_files",
    "file_differences",
    "trace_mean",
    "average_g2",
    "bin_at_pixel",
    "cached_kernels",
    "compute_qmap",
    "correct_diagonal",
    "cut_at_age",
    "cut_at_lag",
    "decimate",
    "g2_from_c2",
    "make_partition",
    "make_partitions",
    "one_pass",
    "power_spectrum",
    "prepare_display",
    "rebin_intensity",
    "roi_mean",
    "saxs_1d",
    "saxs_stability",
    "smooth_intensity",
    "symmetrize",
    "time_resolved_g2",
    "wavevector",
]
