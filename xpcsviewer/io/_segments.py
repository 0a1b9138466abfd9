"""The scale of ``scattering_1d_segments`` in boost_corr (APS-8IDI NeXus) files, and undoing it.

boost_corr writes the segments in two ways, by which correlator made the file (the analysis
type; established from ``tests/data``, see ``tests/test_io_segments.py``, and from how
boost_corr's multi-tau and two-time correlators average frames).

**Multitau (and Both: the multi-tau pass writes ``temporal_mean``).** With N frames, every frame f is first divided by its own mean intensity Ī_f (the value in
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

**Twotime only.** The two-time correlator keeps every frame and averages them in
K = 10 equal slices of m = N // 10 frames, frames [k m, (k + 1) m), before any normalisation:
the stored segments are already mean photons/pixel/frame (factor 1), and they follow the
beam: in dstep_c (1,500 frames, 10 segments of 150) each segment's pixel-weighted mean,
relative to that of ``scattering_1d``, equals the trace's mean over the same frames relative to
its run mean to 1e-7, while the segments' means vary by 2 %. That ratio is the check. (The
trace of a Twotime run averages only the pixels of the processed dynamic rois, so its level
is not the image's; its relative changes are what agree.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SEGMENTS = 16  # the correlator picks the coarsest binning level with at most this many
TWOTIME_SEGMENTS = 10  # the two-time correlator's fixed number of equal slices
SCALE_TOLERANCE = 0.01  # largest |check - 1| accepted (5e-4 seen multi-tau, 1e-7 two-time)


@dataclass(frozen=True)
class SegmentScale:
    """How to bring stored segments to photons/pixel/frame, or why not.

    run: ``"multitau"`` or ``"twotime"``, the rule that applies (module docstring).
    frames_per_segment: m; first_frame: (n_seg,) int64, frame index where each segment starts;
    n_frames: N; mean_intensity: Ī over the covered frames, photons/pixel/frame; factor:
    what the stored values are multiplied by (N / m x Ī multi-tau, 1 two-time); check:
    (n_seg,) float64, 1 when the scale holds (multi-tau: each segment's pixel-weighted mean x
    N / m; two-time: its pixel-weighted mean over that of ``scattering_1d``, divided by the
    trace's mean over its frames over the trace's run mean). ``ok`` False with ``reason``
    when the file's segments are not on this scale (factor and check then NaN).
    """

    ok: bool
    reason: str
    frames_per_segment: int = 0
    first_frame: np.ndarray | None = None
    n_frames: int = 0
    mean_intensity: float = float("nan")
    factor: float = float("nan")
    check: np.ndarray | None = None
    run: str = "multitau"


def frames_per_segment(n_frames: int) -> int:
    """m = 2**L, L the smallest integer with ``n_frames // 2**L <= 16`` (the correlator's rule)."""
    level = 0
    while n_frames // 2**level > MAX_SEGMENTS:
        level += 1
    return 2**level


def segment_scale(
    segments: np.ndarray,
    intensity: np.ndarray,
    pixels: np.ndarray,
    *,
    run: str = "multitau",
    saxs_1d: np.ndarray | None = None,
) -> SegmentScale:
    """The scale of stored segments, checked against the data.

    segments: (n_seg, n_static) as stored; intensity: (n_frames,) mean photons/pixel/frame of
    each stored frame (``intensity_vs_time``), NaN for a bad frame (it still counts in N, but
    not in the mean intensity); pixels: (n_static,) number of pixels of each static bin
    (label r's count for column r - 1: the weights of the pixel mean). run: the correlator
    that wrote them, ``"multitau"`` (also for Both) or ``"twotime"`` (Twotime-only files);
    saxs_1d: (n_static,) the whole-run curve, needed for ``"twotime"``.
    """
    if run not in ("multitau", "twotime"):
        raise ValueError(f"run must be 'multitau' or 'twotime', got {run!r}")
    seg = np.asarray(segments, np.float64)
    inten = np.asarray(intensity, np.float64)
    pixels = np.asarray(pixels, np.float64)
    n_seg, n = seg.shape[0] if seg.ndim == 2 else 0, inten.size
    if n_seg == 0 or n == 0:
        return SegmentScale(False, "the file has no segments or no intensity-vs-time trace")
    if run == "twotime":
        expect, m = TWOTIME_SEGMENTS, n // TWOTIME_SEGMENTS
        rule = f"the two-time correlator makes {expect} of {m} frames from {n} frames"
    else:
        m = frames_per_segment(n)
        expect, rule = n // m, f"the multi-tau correlator makes {n // m} of {m} frames from {n} frames"
    if n_seg != expect or m < 1:
        return SegmentScale(False, f"{n_seg} segments, but {rule}: another scale or program")
    if pixels.shape != seg.shape[1:] or pixels.sum() <= 0:
        return SegmentScale(False, "static bins and their pixel counts do not match")
    # Bad frames (NaN) count in N but not in the means of the intensity.
    covered = inten[: n_seg * m]
    if not np.isfinite(covered).any():
        return SegmentScale(False, "no good frame in the frames the segments cover")
    with np.errstate(invalid="ignore"):
        per_seg = np.array([np.nanmean(inten[k * m:(k + 1) * m])
                            if np.isfinite(inten[k * m:(k + 1) * m]).any() else np.nan
                            for k in range(n_seg)])
    mean_i = float(np.nanmean(covered))
    if run == "twotime":
        s1 = np.asarray(saxs_1d, np.float64) if saxs_1d is not None else None
        if s1 is None or s1.shape != pixels.shape or not (s1 @ pixels) > 0:
            return SegmentScale(False, "two-time segments need the run's SAXS-1D to check")
        check = (seg @ pixels) / (s1 @ pixels) / (per_seg / np.nanmean(inten))
        factor, what = 1.0, ("pixel-weighted segment means / SAXS-1D's differ from the trace's "
                             "relative means by up to {:.3g}: not boost_corr two-time segments")
    else:
        check = (seg @ pixels) / pixels.sum() * n / m
        factor, what = n / m * mean_i, ("pixel-weighted segment means x N/m deviate from 1 by "
                                        "up to {:.3g}: not frame-normalised boost_corr segments")
    worst = float(np.max(np.abs(check - 1.0)))
    if not np.isfinite(worst) or worst > SCALE_TOLERANCE:
        return SegmentScale(False, what.format(worst))
    return SegmentScale(True, "", m, np.arange(n_seg, dtype=np.int64) * m, n, mean_i,
                        factor, check, run)
