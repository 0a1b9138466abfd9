"""Stability and intensity-vs-time: backend parity and known answers."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import power_spectrum, rebin_intensity, saxs_stability, smooth_intensity

JAX, NP = get_backend("jax"), get_backend("numpy")


def _close(a, c):
    np.testing.assert_allclose(np.asarray(a), np.asarray(c), rtol=1e-10, atol=1e-14)


def test_stability_on_stored_segments(data_dir):
    with h5py.File(data_dir / "brownian_a_results.hdf", "r") as f:
        seg = f["xpcs/temporal_mean/scattering_1d_segments"][()]
        q = f["xpcs/qmap/static_v_list_dim0"][()]
    sj, sn = (saxs_stability(seg, q, q_range=(0.002, 0.006), backend=b) for b in (JAX, NP))
    for name in ("mean", "ratio", "drift"):
        _close(getattr(sj, name), getattr(sn, name))
    assert sn.drift.shape == (seg.shape[0],)
    # A stationary simulated sample: segments agree with their mean within Poisson noise.
    assert 0 < sn.max_drift < 0.1
    drifted = seg.copy()
    drifted[3] *= 1.2
    out = saxs_stability(drifted, backend=NP)
    assert out.worst_segment == 3 and out.drift[3] > 0.1


@pytest.mark.parametrize("n,factor", [(1000, 10), (1003, 10), (7, 1)])
def test_rebin_parity_and_partial_block(n, factor):
    rng = np.random.default_rng(0)
    t = np.arange(n) * 1e-3
    x = rng.normal(1.0, 0.1, n)
    rj, rn = (rebin_intensity(t, x, factor, backend=b) for b in (JAX, NP))
    _close(rj.intensity, rn.intensity)
    _close(rj.t, rn.t)
    assert rn.intensity.shape == (-(-n // factor),)
    assert rn.last_block == n - (rn.intensity.size - 1) * factor
    assert rn.intensity[-1] == pytest.approx(x[-rn.last_block :].mean())
    assert rn.intensity.mean() * 0 == 0 and rn.factor == factor


def test_smooth_parity_and_constant():
    x = np.random.default_rng(1).normal(size=501)
    sj, sn = (smooth_intensity(np.arange(501.0), x, 11, backend=b) for b in (JAX, NP))
    _close(sj.intensity, sn.intensity)
    assert sn.intensity[250] == pytest.approx(x[245:256].mean())
    const = smooth_intensity(np.arange(50.0), np.full(50, 3.0), 7, backend=NP)
    np.testing.assert_allclose(const.intensity, 3.0)


@pytest.mark.parametrize("n", [1000, 999])
def test_power_spectrum_parity_peak_parseval(n):
    dt = 1e-3
    t = np.arange(n) * dt
    x = 2.0 + 0.5 * np.sin(2 * np.pi * 50.0 * t) + np.random.default_rng(2).normal(0, 0.01, n)
    pj, pn = (power_spectrum(x, dt, backend=b) for b in (JAX, NP))
    _close(pj.power, pn.power)
    _close(pj.frequency, pn.frequency)
    assert pn.frequency[np.argmax(pn.power)] == pytest.approx(50.0, abs=1.0)
    df = pn.frequency[1] - pn.frequency[0]
    assert pn.power.sum() * df == pytest.approx(x.var(), rel=1e-10)


def test_stability_against_the_whole_run_curve(data_dir):
    import xpcsviewer

    f = xpcsviewer.open(data_dir / "aging_b_results.hdf")
    norm, s1 = f.saxs_1d_segments_normalised, f.saxs_1d[1]
    sj, sn = (saxs_stability(norm, reference=s1, backend=b) for b in (JAX, NP))
    for name in ("mean", "reference", "ratio", "drift"):
        _close(getattr(sj, name), getattr(sn, name))
    np.testing.assert_array_equal(sn.reference, s1)
    np.testing.assert_allclose(sn.ratio, norm / s1, rtol=1e-12)
    # Same scale: the drift against the whole run is the drift against the segments' own
    # mean (0.06-0.12 RMS over q, the Poisson noise of 64 frames in the dim outer bins).
    own = saxs_stability(norm, backend=NP)
    np.testing.assert_allclose(sn.drift, own.drift, rtol=0.05)
    assert 0.05 < sn.max_drift < 0.15
    # The stored segments against the whole-run curve would show the 0.139 scale as a drift.
    raw = saxs_stability(f.saxs_1d_segments, reference=s1, backend=NP)
    assert raw.drift.min() > 0.8
    np.testing.assert_array_equal(own.reference, own.mean)
    with pytest.raises(ValueError, match="reference"):
        saxs_stability(norm, reference=s1[:5], backend=NP)
