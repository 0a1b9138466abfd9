"""The small, eagerly read part of a result file, common to every layout (internal)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Core:
    """Everything read at open time: a few kB, validated.

    ``tau`` (n_tau,) s; ``g2``/``g2_err`` (n_tau, n_bins) float64; ``dynamic_q``/``dynamic_phi``
    (n_bins,); ``static_q``/``static_phi`` (n_static,); ``c2_keys`` maps a g2 column to the
    key path of its two-time map; ``frame_time_s`` is the frame time; ``c2_dt`` is the two-time frame step in s.
    ``notes``: what was wrong in the file and set aside (``_sanity``), one sentence each.
    """

    kinds: frozenset[str]
    n_bins: int
    tau: np.ndarray | None
    g2: np.ndarray | None
    g2_err: np.ndarray | None
    dynamic_q: np.ndarray
    dynamic_phi: np.ndarray
    static_q: np.ndarray
    static_phi: np.ndarray
    frame_time_s: float
    c2_keys: dict[int, str]
    c2_dt: float
    notes: tuple[str, ...] = ()
