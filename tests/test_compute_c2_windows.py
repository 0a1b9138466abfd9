"""g2 from age windows on the host (one pass along the diagonals) equals the compiled
kernel's per-window bincount; the first view's backend choice (compute.one_pass)."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import DeviceManager, get_backend
from xpcsviewer.compute import g2_from_c2, one_pass, symmetrize, time_resolved_g2

JAX, NP = get_backend("jax"), get_backend("numpy")


@pytest.fixture(scope="module")
def c2_dead(data_dir):
    """aging_b's first map (1000 frames, upper triangle as stored) with a dead frame."""
    with h5py.File(data_dir / "aging_b_results.hdf", "r") as h5:
        c2 = np.array(h5["xpcs/twotime/correlation_map/c2_00001"][()])
        dt = float(h5["entry/instrument/detector_1/frame_time"][()])
    c2[400, :] = np.nan
    c2[:, 400] = np.nan
    return c2, np.arange(c2.shape[0]) * dt


def _same(host, kernel):
    for a, b in ((host.tau, kernel.tau), (host.ages, kernel.ages)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    h, k = np.asarray(host.n_pairs), np.asarray(kernel.n_pairs)
    assert h.dtype == k.dtype and h.shape == k.shape
    np.testing.assert_array_equal(h, k)  # the same pixels in every window and lag
    for a, b in ((host.g2, kernel.g2), (host.g2_err, kernel.g2_err)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=0)  # summation order only


@pytest.mark.parametrize("upper_only", [True, False])
def test_host_windows_equal_the_kernel(c2_dead, upper_only):
    c2, t = c2_dead
    full = c2 if upper_only else symmetrize(c2, backend=NP)
    # equal slices, overlapping ones, one reaching past the run, one holding a single age,
    # one outside the run (no pixel at all)
    wins = [(0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (1.5, t[-1]), (0.3, 1.7), (1.9, 5.0),
            (0.7, 0.7), (-3.0, -1.0)]
    host = g2_from_c2(full, t, wins, backend=NP)
    kernel = g2_from_c2(full, t, wins, backend=JAX)
    _same(host, kernel)
    assert np.all(np.isnan(np.asarray(host.g2)[-1])) and not np.asarray(host.n_pairs)[-1].any()
    # the dead frame is left out, not poison: window 1 holds it and keeps finite values
    assert np.isfinite(np.asarray(host.g2)[0, :100]).all()


def test_host_windows_equal_the_kernel_on_small_maps():
    rng = np.random.default_rng(7)
    for n in (2, 3, 17, 64):
        c2 = 1.2 + 0.01 * rng.standard_normal((n, n))
        c2[rng.random((n, n)) < 0.05] = np.nan
        t = 0.5 + np.arange(n) * 0.01  # a run that does not start at 0
        _same(time_resolved_g2(c2, t, [t[n // 2], t[-1]], 0.1, backend=NP),
              time_resolved_g2(c2, t, [t[n // 2], t[-1]], 0.1, backend=JAX))


def test_one_pass_is_numpy_on_a_cpu(monkeypatch):
    monkeypatch.delenv("XPCS_USE_GPU", raising=False)
    DeviceManager.reset()
    assert one_pass().name == "numpy"  # JAX on a CPU, or no backend named
    assert one_pass("jax").name == "numpy"
    assert one_pass("numpy").name == "numpy"
    # A GPU asked for but absent falls back to the CPU: still NumPy for one pass.
    monkeypatch.setenv("XPCS_USE_GPU", "true")
    monkeypatch.setenv("XPCS_GPU_FALLBACK", "true")
    DeviceManager.reset()
    expected = "jax" if DeviceManager.instance().info().kind == "gpu" else "numpy"
    assert one_pass().name == expected


def test_lag_chunks_give_the_same_arrays(c2_dead, monkeypatch):
    """Large maps are read in chunks of lags (bounded memory); the results do not change."""
    from xpcsviewer.compute import _c2_windows

    c2, t = c2_dead
    wins = [(0.0, 0.5), (0.3, 1.7), (1.9, 5.0)]
    whole = g2_from_c2(c2, t, wins, backend=NP)
    monkeypatch.setattr(_c2_windows, "CHUNK_VALUES", 1000)  # 256 lags a chunk: 4 chunks
    chunked = g2_from_c2(c2, t, wins, backend=NP)
    for a, b in ((whole.g2, chunked.g2), (whole.n_pairs, chunked.n_pairs),
                 (whole.g2_err, chunked.g2_err)):
        np.testing.assert_array_equal(a, b)
