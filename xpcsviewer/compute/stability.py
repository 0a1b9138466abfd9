"""Stability of the scattering during a run: SAXS-1D per time segment and its drift.

The correlator stores ``scattering_1d_segments`` (n_segments, n_static) on its own absolute
scale (in ``tests/data`` it is a constant 0.22x / 0.14x of ``scattering_1d``), so drift is
measured against the mean of the segments themselves, never against ``scattering_1d``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import kernel, resolve


@dataclass(frozen=True)
class Stability:
    """Per-segment profiles and drift.

    segments: (n_seg, n_q) float64 as given. mean: (n_q,) float64 mean over segments.
    ratio: (n_seg, n_q) float64 segment / mean (NaN where the mean is 0 or NaN).
    drift: (n_seg,) float64 RMS over q of (ratio - 1), a fraction (0.01 = 1 %).
    max_drift: float, the largest entry of ``drift``; worst_segment: its index.
    """

    segments: Any
    mean: Any
    ratio: Any
    drift: Any
    max_drift: float
    worst_segment: int


def _build(backend: BackendProtocol, shape: tuple):
    b = backend

    def stability_kernel(seg, keep):
        mean = b.mean(seg, axis=0)
        ok = keep & b.isfinite(mean) & (mean != 0)
        ratio = b.where(ok, seg / b.where(ok, mean, 1.0), np.nan)
        dev = b.where(ok, ratio - 1.0, 0.0)
        drift = b.sqrt(b.sum(dev**2, axis=1) / b.maximum(b.sum(ok), 1))
        return mean, ratio, drift

    return stability_kernel


def saxs_stability(
    segments: Any,
    q: Any = None,
    *,
    q_range: tuple[float, float] | None = None,
    backend: BackendProtocol | None = None,
) -> Stability:
    """Drift of each segment's SAXS-1D relative to the mean of all segments.

    segments: (n_seg, n_q); q: (n_q,) Å⁻¹, needed only with ``q_range`` (bins outside it do
    not count towards the drift figure).
    """
    b = resolve(backend)
    seg = b.asarray(segments, dtype="float64")
    if seg.ndim != 2 or seg.shape[0] < 1:
        raise ValueError(f"segments must be (n_segments, n_q), got shape {tuple(seg.shape)}")
    keep = np.ones(seg.shape[1], bool)
    if q_range is not None:
        if q is None:
            raise ValueError("q_range needs q")
        qn = np.asarray(b.to_numpy(q), dtype=float)
        keep = (qn >= q_range[0]) & (qn <= q_range[1])
    mean, ratio, drift = kernel(b, "stability", (tuple(seg.shape),), _build)(seg, b.asarray(keep))
    drift_np = b.to_numpy(drift)
    return Stability(
        segments=seg,
        mean=mean,
        ratio=ratio,
        drift=drift,
        max_drift=float(np.max(drift_np)),
        worst_segment=int(np.argmax(drift_np)),
    )
