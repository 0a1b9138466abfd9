"""Stability of the scattering during a run: SAXS-1D per time segment and its drift.

The scale of the stored segments (why they are 0.222x / 0.139x of ``scattering_1d`` in
``tests/data``): boost_corr divides every frame by its own mean intensity Ī_f, sums m = 2**L
consecutive frames per segment (L the smallest with N // 2**L <= 16, K = N // m segments, the
last N - K m frames in none) and divides by the run's N frames. So stored = (m / N) x mean over
the segment of I_f(q) / Ī_f, dimensionless, about m / (N Ī) of ``scattering_1d``. The data
settle it: each stored segment's pixel-weighted mean x N / m is 1 to 5e-4 (see
``xpcsviewer/io/_segments.py``). ``XpcsFile.saxs_1d_segments_normalised`` multiplies by N / m x
Ī (photons/pixel/frame); pass it with ``reference=saxs_1d`` to measure each segment against
the whole-run curve. The stored segments themselves have no common scale with ``saxs_1d``, so
without a reference the drift is measured against the mean of the segments. Either way the
per-frame division removed total-intensity changes: the drift is one of the profile's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol, get_backend

from ._kernels import kernel, resolve


@dataclass(frozen=True)
class Stability:
    """Per-segment profiles and drift.

    segments: (n_seg, n_q) float64 as given. mean: (n_q,) float64 mean over the segments
    with a finite value at that q (NaN where none has).
    reference: (n_q,) float64, what each segment is divided by: ``mean``, or the curve given
    as ``reference`` (e.g. the whole-run SAXS-1D). ratio: (n_seg, n_q) float64
    segment / reference (NaN where the reference is 0 or NaN).
    drift: (n_seg,) float64 RMS over the kept q of (ratio - 1), a fraction (0.01 = 1 %),
    over the bins where the ratio is finite; n_q_used: (n_seg,) int, how many bins that is
    (drift NaN where 0).
    max_drift: float, the largest entry of ``drift``; worst_segment: its index.
    """

    segments: Any
    mean: Any
    reference: Any
    ratio: Any
    drift: Any
    max_drift: float
    worst_segment: int
    n_q_used: Any = None


def _build(backend: BackendProtocol):
    b = backend

    def stability_kernel(seg, keep, given, use_given):
        # missing values (NaN, inf) are left out of the mean over segments and of the drift
        fin = b.isfinite(seg)
        n_seg = b.sum(b.where(fin, 1.0, 0.0), axis=0)
        total = b.sum(b.where(fin, seg, 0.0), axis=0)
        mean = b.where(n_seg > 0, total / b.where(n_seg > 0, n_seg, 1.0), np.nan)
        # one compiled program for both cases: the flag picks the reference, not the trace
        ref = b.where(use_given, given, mean)
        ok_ref = keep & b.isfinite(ref) & (ref != 0)
        ratio = b.where(ok_ref, seg / b.where(ok_ref, ref, 1.0), np.nan)
        ok = ok_ref & fin
        dev = b.where(ok, ratio - 1.0, 0.0)
        used = b.sum(b.where(ok, 1.0, 0.0), axis=1)
        drift = b.where(used > 0, b.sqrt(b.sum(dev**2, axis=1) / b.where(used > 0, used, 1.0)), np.nan)
        return mean, ref, ratio, drift, used

    return stability_kernel


def saxs_stability(
    segments: Any,
    q: Any = None,
    *,
    q_range: tuple[float, float] | None = None,
    reference: Any = None,
    backend: BackendProtocol | str | None = None,
) -> Stability:
    """Drift of each segment's SAXS-1D relative to the mean of all segments, or to ``reference``.

    segments: (n_seg, n_q); q: (n_q,) Å⁻¹, needed only with ``q_range`` (bins outside it do
    not count towards the drift figure). reference: (n_q,) a curve on the segments' scale,
    e.g. ``saxs_1d`` with ``XpcsFile.saxs_1d_segments_normalised`` (photons/pixel/frame); the
    stored ``saxs_1d_segments`` are on another scale (module docstring) and must not be
    compared with ``saxs_1d`` directly.
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
    if reference is None:
        given, use_given = np.zeros(seg.shape[1]), False
    else:
        given, use_given = b.asarray(reference, dtype="float64"), True
        if tuple(given.shape) != (seg.shape[1],):
            raise ValueError(f"reference must be (n_q,) = ({seg.shape[1]},), got {tuple(given.shape)}")
    # On the host for every backend: the table is tiny (n_seg <= 16 segments x n_q bins) and
    # read once, so NumPy takes microseconds where a compiled program cost 0.7-1.5 s for every
    # new (n_seg, n_q); padding it to a bucket instead changed the sums over q in the last bit
    # (XLA's reduction order follows the row length). Handed back with from_numpy.
    host = get_backend("numpy")
    run = kernel(host, "stability", (), _build)
    out = run(np.asarray(b.to_numpy(seg), dtype=np.float64), keep,
              np.asarray(b.to_numpy(given), dtype=np.float64), use_given)
    mean, ref, ratio, drift, used = (b.from_numpy(np.asarray(v)) for v in out)
    drift_np = np.asarray(b.to_numpy(drift), dtype=np.float64)
    if not np.isfinite(drift_np).any():
        raise ValueError("no segment has a finite value at a usable q bin: no drift to measure")
    return Stability(
        segments=seg,
        mean=mean,
        reference=ref,
        ratio=ratio,
        drift=drift,
        max_drift=float(np.nanmax(drift_np)),
        worst_segment=int(np.nanargmax(drift_np)),
        n_q_used=np.asarray(b.to_numpy(used)).astype(np.int64),
    )
