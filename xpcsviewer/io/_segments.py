"""The scale of ``scattering_1d_segments`` in boost_corr (APS-8IDI NeXus) files, and undoing it.

What the correlator stores, established from ``tests/data`` (see ``tests/test_io_segments.py``):
with N frames, every frame f is first divided by its own mean intensity Ī_f (the value in
``intensity_vs_time``, photons/pixel/frame over the masked pixels), and segment k is the sum of
m = 2**L consecutive normalised frames, frames [k m, (k + 1) m), divided by N:

    stored_k(q) = (1 / N) * sum_{f in k} I_f(q) / Ī_f  =  (m / N) * mean_{f in k} I_f(q) / Ī_f

L is the smallest integer with N // 2**L <= 16 and there are K = N // m segments, so the last
N - K m frames are in none of them (784 of 10,000 in brownian_a). The stored values are hence
dimensionless and smaller than ``scattering_1d`` by about m / (N Ī): 1024 / (10000 x 0.4613) =
0.222 in brownian_a, 64 / (1000 x 0.4608) = 0.139 in aging_b.

The data settle it: the pixel-weighted mean of each stored segment times N / m is 1 to 5e-4 in
every segment of both files (it is exactly 1 frame by frame after the division by Ī_f), while
dividing by one run-wide intensity would make it follow each segment's own mean intensity
(which varies by 1.1 % and 1.4 % between segments there). Multiplying by N / m and by Ī, the
mean of ``intensity_vs_time`` over the K m covered frames, gives photons/pixel/frame, on the
scale of ``scattering_1d``. What the division by Ī_f removed (a drift of the total intensity
within the run) cannot be restored from the segments; only changes of the profile's shape
remain visible. Which frames a segment covers comes from the correlator's algorithm (it bins
consecutive frames in pairs), not from the data, which cannot show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SEGMENTS = 16  # the correlator picks the coarsest binning level with at most this many
SCALE_TOLERANCE = 0.01  # largest |pixel-weighted mean x N / m - 1| accepted (5e-4 seen)


@dataclass(frozen=True)
class SegmentScale:
    """How to bring stored segments to photons/pixel/frame, or why not.

    frames_per_segment: m; first_frame: (n_seg,) int64, frame index where each segment starts;
    n_frames: N; mean_intensity: Ī over the covered frames, photons/pixel/frame; factor:
    N / m x Ī, what the stored values are multiplied by; check: (n_seg,) float64, each
    segment's pixel-weighted mean x N / m (1 when the scale holds). ``ok`` False with
    ``reason`` when the file's segments are not on this scale (factor and check then NaN).
    """

    ok: bool
    reason: str
    frames_per_segment: int = 0
    first_frame: np.ndarray | None = None
    n_frames: int = 0
    mean_intensity: float = float("nan")
    factor: float = float("nan")
    check: np.ndarray | None = None


def frames_per_segment(n_frames: int) -> int:
    """m = 2**L, L the smallest integer with ``n_frames // 2**L <= 16`` (the correlator's rule)."""
    level = 0
    while n_frames // 2**level > MAX_SEGMENTS:
        level += 1
    return 2**level


def segment_scale(segments: np.ndarray, intensity: np.ndarray, pixels: np.ndarray) -> SegmentScale:
    """The scale of stored segments, checked against the data.

    segments: (n_seg, n_static) as stored; intensity: (n_frames,) mean photons/pixel/frame of
    each stored frame (``intensity_vs_time``), NaN for a bad frame (it still counts in N, but
    not in the mean intensity); pixels: (n_static,) number of pixels in each static
    bin (the weights of the pixel mean).
    """
    seg = np.asarray(segments, np.float64)
    inten = np.asarray(intensity, np.float64)
    pixels = np.asarray(pixels, np.float64)
    n_seg, n = seg.shape[0] if seg.ndim == 2 else 0, inten.size
    if n_seg == 0 or n == 0:
        return SegmentScale(False, "the file has no segments or no intensity-vs-time trace")
    m = frames_per_segment(n)
    if n // m != n_seg:
        return SegmentScale(False, f"{n_seg} segments, but the correlator makes {n // m} of "
                                   f"{m} frames from {n} frames: another scale or program")
    if pixels.shape != seg.shape[1:] or pixels.sum() <= 0:
        return SegmentScale(False, "static bins and their pixel counts do not match")
    check = (seg @ pixels) / pixels.sum() * n / m
    worst = float(np.max(np.abs(check - 1.0)))
    if not np.isfinite(worst) or worst > SCALE_TOLERANCE:
        return SegmentScale(False, f"pixel-weighted segment means x N/m deviate from 1 by up "
                                   f"to {worst:.3g}: not frame-normalised boost_corr segments")
    covered = inten[: n_seg * m]
    covered = covered[np.isfinite(covered)]
    if covered.size == 0:
        return SegmentScale(False, "no good frame in the frames the segments cover")
    mean_i = float(np.mean(covered))
    return SegmentScale(True, "", m, np.arange(n_seg, dtype=np.int64) * m, n, mean_i,
                        n / m * mean_i, check)
