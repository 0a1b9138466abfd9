"""Shape buckets (issue 16): padded kernels give exactly the unpadded kernels' results, on
both backends, and a few programs cover many detector shapes, roi counts and frame counts."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio
from xpcsviewer.backends import get_backend
from xpcsviewer.compute import (
    _kernels,
    cached_kernels,
    decimate,
    g2_from_c2,
    rebin_intensity,
    roi_mean,
    smooth_intensity,
)

BACKENDS = ["numpy", "jax"]


def _np(b, x):
    return np.asarray(b.to_numpy(x))


def _both(monkeypatch, fn, *args, **kwargs):
    """fn(...) with buckets, then with every exact shape its own program."""
    on = fn(*args, **kwargs)
    monkeypatch.setattr(_kernels, "BUCKETING", False)
    off = fn(*args, **kwargs)
    monkeypatch.setattr(_kernels, "BUCKETING", True)
    return on, off


def _equal(b, on, off):
    assert len(on) == len(off)
    for x, y in zip(on, off, strict=True):
        x, y = _np(b, x), _np(b, y)
        assert x.shape == y.shape and x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)  # NaN where NaN, every other value identical


def test_bucket_sizes():
    assert [_kernels.bucket(n) for n in (1, 16, 17, 59, 291, 1000, 1024, 1025, 1500, 3000)] == [
        16, 16, 32, 64, 512, 1024, 1024, 1152, 1536, 3072]
    assert _kernels.bucket(1_000_000) == 1_048_576 and _kernels.bucket(516 * 1556) == 851_968
    for n in range(1, 5000, 7):
        assert n <= _kernels.bucket(n) <= max(16, 2 * n) and (n < 1024 or _kernels.bucket(n) <= 1.125 * n + 1)


@pytest.mark.parametrize("name", BACKENDS)
def test_roi_mean_bucketed_equals_exact(name, data_dir, monkeypatch):
    b = get_backend(name)
    f = xio.open_file(data_dir / "phi_c_results.hdf")
    image = np.array(f.saxs_2d)
    image[5, :40] = np.nan  # dead pixels: left out of means and counts alike
    labels = f.qmap.static_roi_map
    n_rois = len(f.qmap.static_index_mapping)
    for shape, k in (((192, 192), n_rois), ((150, 171), n_rois), ((192, 192), 40)):
        on, off = _both(monkeypatch, roi_mean, image[:shape[0], :shape[1]],
                        labels[:shape[0], :shape[1]], k, backend=b)
        _equal(b, on, off)
        assert _np(b, on[0]).shape == (k,)
    stored = f.saxs_1d[1]  # and the correlator's own profile still comes out
    mean, _ = roi_mean(f.saxs_2d, labels, n_rois, backend=b)
    np.testing.assert_allclose(_np(b, mean)[np.isfinite(stored)], stored[np.isfinite(stored)], rtol=1e-6)


@pytest.mark.parametrize("name", BACKENDS)
def test_intensity_rebin_and_smooth_bucketed_equal_exact(name, data_dir, monkeypatch):
    b = get_backend(name)
    t, x = xio.open_file(data_dir / "aging_b_results.hdf").intensity_t
    x = np.array(x)
    x[[3, 40, 41]] = np.nan
    for n in (len(x), 777, 100):
        for factor in (1, 3, 10):
            on, off = _both(monkeypatch, rebin_intensity, t[:n], x[:n], factor, backend=b)
            _equal(b, (on.t, on.intensity, on.counts), (off.t, off.intensity, off.counts))
            assert on.last_block == off.last_block
        for window in (1, 5, 20):
            on, off = _both(monkeypatch, smooth_intensity, t[:n], x[:n], window, backend=b)
            _equal(b, (on.intensity, on.counts), (off.intensity, off.counts))


@pytest.mark.parametrize("name", BACKENDS)
def test_two_time_bucketed_equal_exact(name, data_dir, monkeypatch):
    b = get_backend(name)
    with h5py.File(data_dir / "aging_b_results.hdf", "r") as h5:
        c2 = h5["xpcs/twotime/correlation_map/c2_00001"][:300, :300]  # float32 upper triangle
    c2 = np.array(c2)
    c2[120, :] = np.nan  # a dead frame's row and column
    c2[:, 120] = np.nan
    t = np.arange(300) * 0.002
    for n in (300, 241):
        c = c2[:n, :n]
        for factor in (2, 7):
            on, off = _both(monkeypatch, decimate, c, factor, backend=b)
            _equal(b, (on,), (off,))
        wins = [(0.0, 0.2), (0.1, 0.45)]
        on, off = _both(monkeypatch, g2_from_c2, c, t[:n], wins, backend=b)
        _equal(b, (on.tau, on.g2, on.n_pairs, on.g2_err), (off.tau, off.g2, off.n_pairs, off.g2_err))


def test_one_program_covers_many_shapes_and_roi_counts(data_dir):
    b = get_backend("jax")
    rng = np.random.default_rng(0)
    before = cached_kernels("roi_mean"), cached_kernels("moving_mean"), cached_kernels("c2_window_g2")
    for ny, nx, k in ((100, 100, 10), (101, 99, 11), (90, 110, 12), (64, 150, 9)):
        image = rng.random((ny, nx))
        labels = rng.integers(0, k + 1, (ny, nx))
        mean, counts = roi_mean(image, labels, k, backend=b)
        want = np.array([image[labels == r].mean() for r in range(1, k + 1)])
        np.testing.assert_allclose(_np(b, mean), want, rtol=1e-12)
        assert _np(b, counts).tolist() == [int((labels == r).sum()) for r in range(1, k + 1)]
    for n in (600, 700, 1000):
        smooth_intensity(np.arange(n) * 1.0, rng.random(n), 5, backend=b)
    for n in (40, 50, 60):
        g2_from_c2(rng.random((n, n)), np.arange(n) * 0.1, (0.0, 10.0), backend=b)
    after = cached_kernels("roi_mean"), cached_kernels("moving_mean"), cached_kernels("c2_window_g2")
    assert [a - c for a, c in zip(after, before, strict=True)] <= [1, 1, 1]
    assert all(a - c <= 1 for a, c in zip(after, before, strict=True))


def test_c2_cuts_share_one_program_per_map_bucket_and_equal_numpy(data_dir, monkeypatch):
    """cut_at_lag / cut_at_age on JAX (the Two-time tab's cuts on a GPU): maps of 60 and 50
    frames (bucket 64), cuts at lags and ages between frames, one program for all; values
    the exact-shape program's bit for bit and NumPy's to rounding, NaN where NumPy has NaN."""
    from xpcsviewer.compute import cut_at_age, cut_at_lag

    jx, npb = get_backend("jax"), get_backend("numpy")
    with h5py.File(data_dir / "aging_b_results.hdf", "r") as h5:
        c2 = np.array(h5["xpcs/twotime/correlation_map/c2_00001"][:60, :60], dtype=np.float64)
    c2 = np.triu(c2) + np.triu(c2, 1).T
    c2[20, :] = c2[:, 20] = np.nan  # a dead frame
    t = np.arange(60) * 0.002
    before = cached_kernels("c2_cut")
    cuts = []
    for n in (60, 50):
        c, tn = c2[:n, :n], t[:n]
        for fn, at in ((cut_at_lag, 0.0), (cut_at_lag, 0.0071), (cut_at_age, 0.0413),
                       (cut_at_age, tn[5])):
            got, want = fn(c, tn, at, backend=jx), fn(c, tn, at, backend=npb)
            x, y = _np(jx, got.values), np.asarray(want.values)
            assert x.shape == y.shape and np.array_equal(np.isnan(x), np.isnan(y))
            assert np.isfinite(y).sum() >= 9
            np.testing.assert_allclose(x, y, rtol=1e-14)
            np.testing.assert_array_equal(_np(jx, got.axis), want.axis)
            cuts.append((fn, c, tn, at, x))
    assert cached_kernels("c2_cut") - before <= 1
    # the dead frame's diagonal pixel has no finite corner on the lag-0 cut: NaN on both
    assert np.isnan(cuts[0][4]).sum() == np.isnan(cuts[4][4]).sum() == 1
    monkeypatch.setattr(_kernels, "BUCKETING", False)
    fn, c, tn, at, x = cuts[-3]  # 50 frames, lag 0.0071 s: its own exact-shape program
    np.testing.assert_array_equal(_np(jx, fn(c, tn, at, backend=jx).values), x)
