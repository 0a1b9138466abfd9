"""The scale of the stored SAXS-1D segments, established from tests/data, and its undoing."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.demo import ensure_demo
from xpcsviewer.io._segments import frames_per_segment, segment_scale

CASES = {"brownian_a": (10_000, 1024, 9), "aging_b": (1000, 64, 15)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_stored_segments_are_frame_normalised_sums_over_n_frames(data_dir, name):
    n, m, k = CASES[name]
    f = xpcsviewer.open(data_dir / f"{name}_results.hdf")
    seg, inten = f.saxs_1d_segments, f.intensity_t[1]
    assert inten.size == n and frames_per_segment(n) == m and seg.shape == (k, 120)
    pixels = np.bincount(f.qmap.static_roi_map.ravel())[1:]
    weighted = seg @ pixels / pixels.sum()
    # Each frame divided by its own mean intensity: the pixel mean of a segment is m / N.
    np.testing.assert_allclose(weighted * n / m, 1.0, atol=6e-4)
    # One run-wide divisor would make it follow each segment's own mean intensity instead,
    # which varies by more than 1 % here: the data tell the two apart.
    per_segment = np.array([inten[j * m:(j + 1) * m].mean() for j in range(k)]) / inten[: k * m].mean()
    assert np.ptp(per_segment) > 0.01 and np.ptp(per_segment) > 10 * np.ptp(weighted * n / m)
    scale = f.segment_scale
    assert scale.ok and scale.frames_per_segment == m and scale.n_frames == n
    np.testing.assert_array_equal(scale.first_frame, np.arange(k) * m)
    assert scale.factor == pytest.approx(n / m * inten[: k * m].mean(), rel=1e-12)


@pytest.mark.parametrize("name,ratio", [("brownian_a", 0.222), ("aging_b", 0.139)])
def test_normalised_segments_are_on_the_whole_run_scale(data_dir, name, ratio):
    f = xpcsviewer.open(data_dir / f"{name}_results.hdf")
    s1 = f.saxs_1d[1]
    assert np.mean(f.saxs_1d_segments / s1) == pytest.approx(ratio, abs=5e-4)  # as stored
    norm = f.saxs_1d_segments_normalised
    assert norm.shape == f.saxs_1d_segments.shape and not norm.flags.writeable
    # Whole-profile agreement per segment within 0.5 %, per bin within Poisson noise.
    np.testing.assert_allclose(norm.sum(axis=1) / s1.sum(), 1.0, atol=5e-3)
    np.testing.assert_allclose(norm.mean(axis=0) / s1, 1.0, atol=0.03)


def test_segments_on_another_scale_are_not_normalised(tmp_path):
    demo = xpcsviewer.open(ensure_demo() / "demo_diffusion_1.hdf")  # written by our demo
    assert not demo.segment_scale.ok and "another scale" in demo.segment_scale.reason
    assert demo.saxs_1d_segments_normalised is None
    # The right count but values on scattering_1d's scale: the pixel-mean check refuses.
    seg = np.ones((9, 4))
    out = segment_scale(seg, np.full(10_000, 0.5), np.array([1, 2, 3, 4]))
    assert not out.ok and "pixel-weighted" in out.reason
    assert not segment_scale(np.zeros((0, 4)), np.ones(5), np.ones(4)).ok
