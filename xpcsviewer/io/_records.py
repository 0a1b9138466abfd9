"""Typed results the reader hands out: Metadata, QMap, C2Map (plain frozen dataclasses).

Units: q in 1/Å, phi in degrees, times in seconds, lengths in metres, energy in keV.
Arrays are NumPy and read-only (they may be shared through the file's cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: h c in keV·Å, for wavelength = HC_KEV_A / energy.
HC_KEV_A = 12.398419843320026


@dataclass(frozen=True)
class Metadata:
    """What the file records about the measurement and the correlator run.

    ``raw_data_path`` and ``qmap_path`` are paths on the machine that made the file: shown,
    never opened. ``detector_shape`` is (ny, nx) in pixels; beam centre is in pixels (x, y).
    ``correlator`` maps an analysis kind (``"multitau"``, ``"twotime"``) to its config values.
    Absent numbers are NaN, absent text is "". A field that is present but cannot be read
    (damaged, refused by the reader's rules) is also NaN or "", and ``notes`` says which and
    why: one bad field does not hide the others.
    """

    energy_kev: float
    wavelength_a: float
    detector_distance_m: float
    pixel_size_m: float
    beam_center_x: float
    beam_center_y: float
    frame_time_s: float
    count_time_s: float
    sample_name: str
    start_time: str
    beamline: str
    raw_data_path: str
    qmap_path: str
    detector_shape: tuple[int, int]
    correlator: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, eq=False)
class QMap:
    """The q/phi partition the correlator used.

    ``mask``: (ny, nx) bool, True = pixel used. ``dynamic_roi_map``/``static_roi_map``:
    (ny, nx) int64 compact roi labels, 0 = excluded, label r (1..n_bins) is stored column r-1
    (pySimpleMask's numbering, ``tests/data/README.md``). ``*_v_lists``: (q values (n_q,) 1/Å,
    phi values (n_phi,) deg), bin centres of the grid. ``*_index_mapping``: (n_bins,) int64,
    the flat grid index ``iq * n_phi + iphi`` of each stored column, i.e. of label r at
    ``[r - 1]`` (only cells with pixels are stored). ``*_num_pts``: (n_q, n_phi).
    """

    mask: np.ndarray
    dynamic_roi_map: np.ndarray
    static_roi_map: np.ndarray
    dynamic_q_list: np.ndarray
    dynamic_phi_list: np.ndarray
    static_q_list: np.ndarray
    static_phi_list: np.ndarray
    dynamic_index_mapping: np.ndarray
    static_index_mapping: np.ndarray
    dynamic_num_pts: tuple[int, int]
    static_num_pts: tuple[int, int]
    beam_center_x: float
    beam_center_y: float
    detector_distance_m: float
    pixel_size_m: float
    energy_kev: float

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.mask.shape)  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class C2Map:
    """One two-time correlation map.

    ``matrix``: (n, n), symmetric (the file stores the upper triangle only); float32 when
    the file stores float32 (boost_corr does), else float64 -- see ``symmetrise``.
    ``t``: (n,) float64 s, the time of each frame row/column from the start of the run.
    ``column``: the g2 column (dynamic bin) it belongs to.
    """

    matrix: np.ndarray
    t: np.ndarray
    column: int


def frozen(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only (it is shared via the cache) and return it."""
    a.setflags(write=False)
    return a
