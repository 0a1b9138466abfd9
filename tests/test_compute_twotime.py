"""Two-time: display preparation, g2 from age windows (aging truth), interpolated cuts."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import (
    correct_diagonal,
    cut_at_age,
    cut_at_lag,
    decimate,
    g2_from_c2,
    prepare_display,
    symmetrize,
    time_resolved_g2,
)

JAX, NP = get_backend("jax"), get_backend("numpy")


def _close(a, c):
    a, c = np.asarray(a), np.asarray(c)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(c))
    np.testing.assert_allclose(a, c, rtol=1e-10, atol=1e-14)


@pytest.fixture(scope="module")
def aging(data_dir):
    with h5py.File(data_dir / "aging_b_results.hdf", "r") as f:
        c2 = f["xpcs/twotime/correlation_map/c2_00001"][()]  # first processed bin: roi 4
        stored_g2 = f["xpcs/twotime/normalized_g2"][:, 0]
        dt = float(f["entry/instrument/detector_1/frame_time"][()])
    truth = json.loads((data_dir / "aging_b_truth.json").read_text())
    return c2, stored_g2, dt, truth


def _tau_1e(tau, g2, beta):
    """Lag where g2 - 1 first falls below beta / e (baseline 1, as in the truth)."""
    y = (g2 - 1.0) / beta
    k = int(np.argmax(y < np.exp(-1)))
    # Interpolate in log between the two lags around the crossing.
    y0, y1 = np.log(y[k - 1]), np.log(max(y[k], 1e-6))
    return tau[k - 1] + (-1 - y0) / (y1 - y0) * (tau[k] - tau[k - 1])


def test_g2_from_age_windows_shows_aging(aging):
    c2, stored_g2, dt, truth = aging
    t = np.arange(c2.shape[0]) * dt
    full = symmetrize(c2, backend=NP)
    out_np = g2_from_c2(full, t, [(0.0, t[-1]), (0.0, 0.4), (1.4, 1.8)], backend=NP)
    out_jx = g2_from_c2(full, t, [(0.0, t[-1]), (0.0, 0.4), (1.4, 1.8)], backend=JAX)
    _close(out_jx.g2, out_np.g2)
    # The whole-run window is the correlator's own two-time g2.
    np.testing.assert_allclose(out_np.g2[0, :50], stored_g2[1:51], rtol=1e-5)
    tau = out_np.tau
    early, late = (_tau_1e(tau, out_np.g2[i], truth["beta_expected"]) for i in (1, 2))
    # Truth: D(t) = D0 / (1 + t / t_age), so tau_g2 grows as (1 + age / t_age).
    roi = truth["rois"][3]
    tau0 = roi["tau_g2_s"][0]
    t_age = truth["t_age_s"]
    assert late > 1.8 * early
    assert early == pytest.approx(tau0 * (1 + 0.2 / t_age), rel=0.35)
    assert late == pytest.approx(tau0 * (1 + 1.6 / t_age), rel=0.35)
    series = time_resolved_g2(full, t, [0.3, 1.0, 1.7], 0.4, backend=NP)
    taus = [_tau_1e(series.tau, g, truth["beta_expected"]) for g in series.g2]
    assert taus[0] < taus[1] < taus[2]


def test_diagonal_correction_and_display(aging):
    c2, _, dt, _ = aging
    sub = symmetrize(c2[:300, :300], backend=NP)
    assert np.diag(sub).mean() > 2.5  # shot noise on the stored diagonal
    fixed_np, fixed_jx = correct_diagonal(sub, backend=NP), correct_diagonal(sub, backend=JAX)
    _close(fixed_jx, fixed_np)
    assert abs(np.diag(fixed_np).mean() - np.diag(sub, 1).mean()) < 0.01
    assert fixed_np[5, 5] == pytest.approx(0.5 * (sub[4, 5] + sub[5, 6]))
    t = np.arange(300) * dt
    dj, dn = (prepare_display(sub, t, max_size=64, backend=b) for b in (JAX, NP))
    _close(dj.matrix, dn.matrix)
    assert dn.factor == 5 and dn.matrix.shape == (60, 60) and dn.diagonal_corrected
    assert "diagonal" in dn.note and "5x5" in dn.note
    np.testing.assert_allclose(dn.matrix[2, 3], fixed_np[10:15, 15:20].mean(), rtol=1e-12)
    raw = prepare_display(sub, t, max_size=1000, diagonal_correction=False, backend=NP)
    assert raw.factor == 1 and not raw.diagonal_corrected and raw.matrix[0, 0] == sub[0, 0]


def test_decimate_partial_blocks_parity():
    x = np.random.default_rng(3).normal(size=(23, 23))
    dj, dn = decimate(x, 5, backend=JAX), decimate(x, 5, backend=NP)
    _close(dj, dn)
    assert dn.shape == (5, 5)
    assert dn[4, 4] == pytest.approx(x[20:, 20:].mean())
    assert dn[1, 4] == pytest.approx(x[5:10, 20:].mean())


def test_cuts_interpolate_between_pixels():
    n, dt = 40, 0.01
    t = np.arange(n) * dt
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    c2 = 1.0 + 0.3 * i - 0.2 * j + 0.01 * i * j  # bilinear: interpolation must be exact
    lag = 0.037  # not a whole number of frames
    cj, cn = cut_at_lag(c2, t, lag, backend=JAX), cut_at_lag(c2, t, lag, backend=NP)
    _close(cj.values, cn.values)
    a = cn.axis
    x1, x2 = (a - lag / 2) / dt, (a + lag / 2) / dt
    np.testing.assert_allclose(cn.values, 1.0 + 0.3 * x1 - 0.2 * x2 + 0.01 * x1 * x2, rtol=1e-12)
    assert cj.method == "bilinear (compiled, bucketed)" and cn.method == "bilinear (numpy)"
    aj, an = cut_at_age(c2, t, 0.155, backend=JAX), cut_at_age(c2, t, 0.155, backend=NP)
    _close(aj.values, an.values)
    lg = an.axis
    x1, x2 = (0.155 - lg / 2) / dt, (0.155 + lg / 2) / dt
    np.testing.assert_allclose(an.values, 1.0 + 0.3 * x1 - 0.2 * x2 + 0.01 * x1 * x2, rtol=1e-12)
    assert np.all(np.isfinite(an.values))
    off = cut_at_lag(c2, t, lag, ages=[-1.0, 0.2], backend=NP).values
    assert np.isnan(off[0]) and np.isfinite(off[1])
