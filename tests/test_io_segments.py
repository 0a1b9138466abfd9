"""The scale of the stored SAXS-1D segments, established from tests/data, and its undoing."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.demo import ensure_demo
from xpcsviewer.io._segments import frames_per_segment, segment_scale

# name: (frames N, frames per segment m, segments K, static bins) of the multi-tau runs
CASES = {"brownian_a": (10_000, 1024, 9, 120), "aging_b": (1000, 64, 15, 120),
         "phi_c": (6000, 512, 11, 291)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_stored_segments_are_frame_normalised_sums_over_n_frames(data_dir, name):
    n, m, k, n_static = CASES[name]
    f = xpcsviewer.open(data_dir / f"{name}_results.hdf")
    seg, inten = f.saxs_1d_segments, f.intensity_t[1]
    assert inten.size == n and frames_per_segment(n) == m and seg.shape == (k, n_static)
    # compact labels: static column c is label c + 1 (phi_c has 249 empty cells of 540)
    pixels = np.bincount(f.qmap.static_roi_map.ravel(), minlength=n_static + 1)[1:]
    assert pixels.size == n_static and pixels.min() > 0
    weighted = seg @ pixels / pixels.sum()
    # Each frame divided by its own mean intensity: the pixel mean of a segment is m / N.
    np.testing.assert_allclose(weighted * n / m, 1.0, atol=6e-4)
    # One run-wide divisor would make it follow each segment's own mean intensity instead,
    # which varies by more than 1 % here: the data tell the two apart.
    per_segment = np.array([inten[j * m:(j + 1) * m].mean() for j in range(k)]) / inten[: k * m].mean()
    assert np.ptp(per_segment) > 0.01 and np.ptp(per_segment) > 10 * np.ptp(weighted * n / m)
    scale = f.segment_scale
    assert scale.ok and scale.run == "multitau"
    assert scale.frames_per_segment == m and scale.n_frames == n
    np.testing.assert_array_equal(scale.first_frame, np.arange(k) * m)
    assert scale.factor == pytest.approx(n / m * inten[: k * m].mean(), rel=1e-12)


@pytest.mark.parametrize("name,ratio", [("brownian_a", 0.222), ("aging_b", 0.139),
                                        ("phi_c", 0.3117)])
def test_normalised_segments_are_on_the_whole_run_scale(data_dir, name, ratio):
    f = xpcsviewer.open(data_dir / f"{name}_results.hdf")
    s1 = f.saxs_1d[1]
    assert np.mean(f.saxs_1d_segments / s1) == pytest.approx(ratio, abs=5e-4)  # as stored
    norm = f.saxs_1d_segments_normalised
    assert norm.shape == f.saxs_1d_segments.shape and not norm.flags.writeable
    # Whole-profile agreement per segment within 0.5 %, per bin within Poisson noise.
    np.testing.assert_allclose(norm.sum(axis=1) / s1.sum(), 1.0, atol=5e-3)
    bright = s1 > 0.05 * s1.max()  # phi_c's faint far cells hold a handful of pixels
    np.testing.assert_allclose(norm.mean(axis=0)[bright] / s1[bright], 1.0, atol=0.03)


def test_twotime_only_run_stores_plain_means_of_ten_slices(data_dir):
    """dstep_c (Twotime only, 1,500 frames): 10 segments of 150 frames in photons/pixel/frame,
    not the multi-tau rule's 11 of 128 frame-normalised ones."""
    f = xpcsviewer.open(data_dir / "dstep_c_results.hdf")
    seg, s1, inten = f.saxs_1d_segments, f.saxs_1d[1], f.intensity_t[1]
    assert f.kinds == {"twotime"} and seg.shape == (10, 120) and inten.size == 1500
    assert 1500 // frames_per_segment(1500) == 11  # the multi-tau rule would not fit
    # Plain means of frames [150 k, 150 (k + 1)): their mean is the whole-run curve ...
    np.testing.assert_allclose(seg.mean(axis=0), s1, rtol=2e-6, atol=1e-7)
    # ... and each follows the beam (not divided out): relative to the run, as the trace does.
    pixels = np.bincount(f.qmap.static_roi_map.ravel(), minlength=121)[1:]
    rel_seg = seg @ pixels / (s1 @ pixels)
    rel_trace = inten.reshape(10, 150).mean(axis=1) / inten.mean()
    np.testing.assert_allclose(rel_seg, rel_trace, rtol=1e-6)
    assert np.ptp(rel_trace) > 0.01
    scale = f.segment_scale
    assert scale.ok and scale.run == "twotime" and scale.factor == 1.0
    assert scale.frames_per_segment == 150 and scale.n_frames == 1500
    np.testing.assert_array_equal(scale.first_frame, np.arange(10) * 150)
    np.testing.assert_allclose(scale.check, 1.0, atol=1e-6)
    np.testing.assert_array_equal(f.saxs_1d_segments_normalised, seg)


@pytest.mark.parametrize("name", ["brownian_a", "aging_b", "phi_c", "dstep_c"])
def test_every_shipped_file_passes_its_own_scale_check(data_dir, name):
    f = xpcsviewer.open(data_dir / f"{name}_results.hdf")
    scale = f.segment_scale
    assert scale.ok, scale.reason
    assert np.max(np.abs(scale.check - 1)) < 6e-4
    norm = f.saxs_1d_segments_normalised
    s1 = f.saxs_1d[1]
    # on the whole-run scale: pixel-weighted profiles agree within the beam's 2 % changes
    pixels = np.bincount(f.qmap.static_roi_map.ravel(), minlength=s1.size + 1)[1:]
    np.testing.assert_allclose(norm @ pixels / (s1 @ pixels), 1.0, atol=0.02)


def test_twotime_rule_refuses_segments_on_another_scale():
    pixels, s1 = np.array([1.0, 2.0, 3.0]), np.array([2.0, 1.0, 0.5])
    inten = np.full(1000, 0.4)
    ok = segment_scale(np.tile(s1, (10, 1)), inten, pixels, run="twotime", saxs_1d=s1)
    assert ok.ok and ok.frames_per_segment == 100 and ok.factor == 1.0
    # frame-normalised (multi-tau-like) values: scaled by m / (N Ī) = 0.25
    out = segment_scale(np.tile(s1, (10, 1)) * 0.25, inten, pixels, run="twotime", saxs_1d=s1)
    assert not out.ok and "two-time" in out.reason
    assert "makes 10 of 100" in segment_scale(np.ones((9, 3)), inten, pixels, run="twotime",
                                              saxs_1d=s1).reason
    assert not segment_scale(np.ones((10, 3)), inten, pixels, run="twotime").ok  # no SAXS-1D


def test_segments_on_another_scale_are_not_normalised(tmp_path):
    demo = xpcsviewer.open(ensure_demo() / "demo_diffusion_1.hdf")  # written by our demo
    assert not demo.segment_scale.ok and "another scale" in demo.segment_scale.reason
    assert demo.saxs_1d_segments_normalised is None
    # The right count but values on scattering_1d's scale: the pixel-mean check refuses.
    seg = np.ones((9, 4))
    out = segment_scale(seg, np.full(10_000, 0.5), np.array([1, 2, 3, 4]))
    assert not out.ok and "pixel-weighted" in out.reason
    assert not segment_scale(np.zeros((0, 4)), np.ones(5), np.ones(4)).ok
