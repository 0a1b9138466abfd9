"""Missing values are missing, not zero and not poison: every mean over pixels, frames and
pairs in compute/ ignores non-finite values and counts only what it used. Both backends."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import (
    average_g2,
    correct_diagonal,
    cut_at_age,
    cut_at_lag,
    decimate,
    g2_from_c2,
    power_spectrum,
    rebin_intensity,
    saxs_stability,
    smooth_intensity,
    symmetrize,
)

JAX, NP = get_backend("jax"), get_backend("numpy")
BACKENDS = pytest.mark.parametrize("b", [JAX, NP], ids=["jax", "numpy"])
DEAD = 300  # the dead frame of the two-time tests (t = 0.6 s in aging_b)


def _close(a, c, rtol=1e-10):
    a, c = np.asarray(a), np.asarray(c)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(c))
    np.testing.assert_allclose(a, c, rtol=rtol, atol=1e-14)


@pytest.fixture(scope="module")
def c2_dead(data_dir):
    """aging_b's first two-time map (roi 4, 1,000 frames at 2 ms), one dead frame added."""
    with h5py.File(data_dir / "aging_b_results.hdf", "r") as f:
        c2 = f["xpcs/twotime/correlation_map/c2_00001"][()]
        dt = float(f["entry/instrument/detector_1/frame_time"][()])
    full = np.asarray(symmetrize(c2, backend=NP))
    dead = full.copy()
    dead[DEAD, :] = np.nan
    dead[:, DEAD] = np.nan
    return full, dead, np.arange(full.shape[0]) * dt


def _window_mean(c, t, lo, hi, lag):
    """Reference by hand: pixels (i, i + lag) whose age lies in [lo, hi], finite ones only."""
    dt = t[1] - t[0]
    i = np.arange(c.shape[0] - lag)
    age = (i + i + lag) * dt / 2
    v = c[i, i + lag][(age >= lo - 1e-12) & (age <= hi + 1e-12)]
    v = v[np.isfinite(v)]
    return v.mean(), v.size, v.std(ddof=1) / np.sqrt(v.size)


WINDOWS = [(0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (1.5, 1.998)]


@BACKENDS
def test_g2_from_c2_dead_frame_is_left_out(c2_dead, b):
    full, dead, t = c2_dead
    clean = g2_from_c2(full, t, WINDOWS, backend=NP)
    out = g2_from_c2(dead, t, WINDOWS, backend=b)
    g, pairs, err = (np.asarray(x) for x in (out.g2, out.n_pairs, out.g2_err))
    # Old behaviour: 40 % of window 0's lags (those crossing column 300) were NaN with
    # their pair count unchanged. Now: NaN exactly where the clean map has none either.
    np.testing.assert_array_equal(np.isnan(g), np.isnan(np.asarray(clean.g2)))
    assert np.isfinite(err[:, :50]).all()
    lost = np.asarray(clean.n_pairs) - pairs
    # at most two dead pixels per (window, lag): (i, 300) and (300, j) at ages 300 -+ lag / 2
    assert lost.min() == 0 and lost.max() == 2
    # window 0 (ages <= 0.5 s): column 300 is reached by lags 100..299 (i = 0..199)
    assert lost[0, 99:299].all() and not lost[0, :99].any()
    for w, lag in ((0, 150), (1, 40), (2, 250)):
        mean, count, sem = _window_mean(dead, t, *WINDOWS[w], lag)
        assert pairs[w, lag - 1] == count
        assert g[w, lag - 1] == pytest.approx(mean, rel=1e-12)
        assert err[w, lag - 1] == pytest.approx(sem, rel=1e-9)
    _close(g, np.asarray(g2_from_c2(dead, t, WINDOWS, backend=NP).g2))


@BACKENDS
def test_diagonal_correction_and_decimation_skip_the_dead_frame(c2_dead, b):
    full, dead, _ = c2_dead
    sub = dead[250:350, 250:350]
    k = DEAD - 250
    fixed = np.asarray(correct_diagonal(sub, backend=b))
    # next to the dead frame: the one finite neighbour, not NaN
    assert fixed[k - 1, k - 1] == pytest.approx(sub[k - 2, k - 1])
    assert fixed[k + 1, k + 1] == pytest.approx(sub[k + 1, k + 2])
    assert np.isnan(fixed[k, k])  # the dead frame itself has no finite neighbour
    assert fixed[10, 10] == pytest.approx(0.5 * (sub[9, 10] + sub[10, 11]))
    _close(fixed, correct_diagonal(sub, backend=NP))
    dec = np.asarray(decimate(fixed, 7, backend=b))
    blk = fixed[49:56, 42:49]  # holds row k = 50 of the dead frame
    assert np.isnan(blk).sum() == 7
    assert dec[7, 6] == pytest.approx(np.nanmean(blk), rel=1e-12)
    assert np.isfinite(dec).all()  # no block is all dead
    _close(dec, decimate(fixed, 7, backend=NP))


@BACKENDS
def test_cuts_renormalise_over_finite_corners(b):
    n, dt = 40, 0.01
    t = np.arange(n) * dt
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    c2 = 1.0 + 0.3 * i - 0.2 * j + 0.01 * i * j
    dead = c2.copy()
    dead[20, :] = np.nan
    dead[:, 20] = np.nan
    lag = 0.037
    cut = cut_at_lag(dead, t, lag, backend=b)
    a, v = np.asarray(cut.axis), np.asarray(cut.values)
    x1, x2 = (a - lag / 2) / dt, (a + lag / 2) / dt
    exact = 1.0 + 0.3 * x1 - 0.2 * x2 + 0.01 * x1 * x2
    touches = (np.abs(x1 - 20) < 1) | (np.abs(x2 - 20) < 1)
    assert np.isfinite(v).all()  # the dead frame no longer blanks the cells around it
    np.testing.assert_allclose(v[~touches], exact[~touches], rtol=1e-12)
    # by hand at one touched point: the bilinear weights of the finite corners, renormalised
    p = int(np.flatnonzero(touches)[0])
    i0, j0 = int(np.floor(x1[p])), int(np.floor(x2[p]))
    fx, fy = x1[p] - i0, x2[p] - j0
    corners = [(i0, j0, (1 - fx) * (1 - fy)), (i0 + 1, j0, fx * (1 - fy)),
               (i0, j0 + 1, (1 - fx) * fy), (i0 + 1, j0 + 1, fx * fy)]
    w = np.array([wt for ii, jj, wt in corners if np.isfinite(dead[ii, jj])])
    f = np.array([dead[ii, jj] for ii, jj, _ in corners if np.isfinite(dead[ii, jj])])
    assert v[p] == pytest.approx((w * f).sum() / w.sum(), rel=1e-12)
    _close(v, cut_at_lag(dead, t, lag, backend=NP).values)
    across = cut_at_age(dead, t, 0.2, backend=b)
    assert np.isfinite(np.asarray(across.values)).sum() == len(across.values) - 1  # lag 0: corner (20, 20) only
    _close(across.values, cut_at_age(dead, t, 0.2, backend=NP).values)


@BACKENDS
def test_stability_ignores_missing_bins(b, data_dir):
    with h5py.File(data_dir / "brownian_a_results.hdf", "r") as f:
        seg = f["xpcs/temporal_mean/scattering_1d_segments"][()].astype(np.float64)
    holed = seg.copy()
    holed[2, 40] = np.nan
    holed[5, 10] = np.inf
    out = saxs_stability(holed, backend=b)
    mean = np.asarray(out.mean)
    ok = np.isfinite(holed)
    assert mean[40] == pytest.approx(holed[ok[:, 40], 40].mean(), rel=1e-12)
    assert np.isfinite(mean).all() and np.isfinite(np.asarray(out.drift)).all()
    # segment 2's drift over the 119 bins it has, against the NaN-aware mean
    ratio = holed[2] / mean
    assert np.asarray(out.drift)[2] == pytest.approx(np.sqrt(np.nanmean((ratio - 1) ** 2)), rel=1e-12)
    assert list(np.asarray(out.n_q_used)[[0, 2, 5]]) == [120, 119, 119]
    ref = saxs_stability(holed, backend=NP)
    _close(out.drift, ref.drift)
    with pytest.raises(ValueError, match="no segment has a finite value"):
        saxs_stability(np.full((3, 4), np.nan), backend=b)


@BACKENDS
def test_rebin_smooth_and_spectrum_with_gaps(b):
    rng = np.random.default_rng(4)
    n, dt = 1000, 1e-3
    t = np.arange(n) * dt
    x = 2.0 + 0.5 * np.sin(2 * np.pi * 50.0 * t) + rng.normal(0, 0.01, n)
    gaps = x.copy()
    gaps[[3, 4, 17, 500]] = np.nan
    gaps[20:30] = np.nan  # one whole block of 10
    r = rebin_intensity(t, gaps, 10, backend=b)
    ri, rt, rc = (np.asarray(a) for a in (r.intensity, r.t, r.counts))
    assert ri[0] == pytest.approx(np.nanmean(gaps[:10]), rel=1e-12)
    assert rt[0] == pytest.approx(t[[0, 1, 2, 5, 6, 7, 8, 9]].mean(), rel=1e-12)
    assert np.isnan(ri[2]) and np.isnan(rt[2]) and rc[2] == 0
    assert list(rc[:3]) == [8, 9, 0] and rc.sum() == n - 14
    _close(ri, rebin_intensity(t, gaps, 10, backend=NP).intensity)
    s = smooth_intensity(t, gaps, 5, backend=b)
    assert np.asarray(s.intensity)[5] == pytest.approx(np.nanmean(gaps[3:8]), rel=1e-12)
    assert np.asarray(s.counts)[5] == 3
    _close(s.intensity, smooth_intensity(t, gaps, 5, backend=NP).intensity)
    p = power_spectrum(gaps, dt, backend=b)
    f, pw = np.asarray(p.frequency), np.asarray(p.power)
    assert p.n_used == n - 14 and np.isfinite(pw).all()
    assert f[np.argmax(pw)] == pytest.approx(50.0, abs=1.0)
    assert pw.sum() * (f[1] - f[0]) == pytest.approx(np.nanvar(gaps), rel=1e-10)
    _close(pw, power_spectrum(gaps, dt, backend=NP).power)
    with pytest.raises(ValueError, match="finite"):
        power_spectrum(np.full(8, np.nan), dt, backend=b)


@BACKENDS
def test_average_g2_with_nan_in_one_file(b, data_dir):
    with h5py.File(data_dir / "brownian_a_results.hdf", "r") as f:
        g2 = f["xpcs/multitau/normalized_g2"][()].astype(np.float64)
        err = f["xpcs/multitau/normalized_g2_err"][()].astype(np.float64)
        delays = f["xpcs/multitau/delay_list"][()].astype(np.float64)
    tau = delays * 1e-3
    rng = np.random.default_rng(5)
    gs = [g2 + rng.normal(0, 1e-3, g2.shape) for _ in range(3)]
    gs[1][5:9, 3] = np.nan  # a hole in one file
    gs[2][:, 7] = np.nan  # a whole bin missing in another
    out = average_g2([tau] * 3, gs, [err] * 3, intensities=[0.46, 0.46, np.nan],
                     names=["a", "b", "c"], backend=b)
    mean = np.asarray(out.g2)
    assert out.report.used == ("a", "b", "c") and np.isfinite(mean).all()
    # the last delay has g2_err 0 in the real file: a plain mean there, its error unknown
    assert (err[-1] == 0).all() and np.isnan(np.asarray(out.g2_err)[-1]).all()
    np.testing.assert_allclose(mean[-1, 0], sum(g[-1, 0] for g in gs) / 3, rtol=1e-12)
    np.testing.assert_allclose(mean[5:9, 3], (gs[0][5:9, 3] + gs[2][5:9, 3]) / 2, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(out.g2_err)[:-1, 7], err[:-1, 7] / np.sqrt(2), rtol=1e-12)
    np.testing.assert_allclose(mean[:, 0], sum(g[:, 0] for g in gs) / 3, rtol=1e-12)
    np.testing.assert_allclose(mean[:-1, 7], (gs[0][:-1, 7] + gs[1][:-1, 7]) / 2, rtol=1e-12)
    _close(mean, average_g2([tau] * 3, gs, [err] * 3, intensities=[0.46, 0.46, np.nan],
                            names=["a", "b", "c"], backend=NP).g2)


@BACKENDS
def test_averaged_file_skips_missing_pixels_bins_and_frames(b, data_dir, tmp_path):
    import shutil

    import xpcsviewer
    from xpcsviewer.compute import average_files

    paths = [tmp_path / f"run{k}_results.hdf" for k in (1, 2)]
    for p in paths:
        shutil.copyfile(data_dir / "brownian_a_results.hdf", p)
    with h5py.File(paths[1], "a") as h5:
        h5["xpcs/temporal_mean/scattering_2d"][0, 60, 70] = np.nan
        h5["xpcs/temporal_mean/scattering_1d"][0, 30] = np.inf
        trace = h5["xpcs/spatial_mean/intensity_vs_time"]
        trace[:, 5000] = 0.0  # a bad frame: index 0, intensity 0
    out = average_files(paths, tmp_path / "mean_results.hdf", backend=b)
    with xpcsviewer.open(paths[0]) as f1, xpcsviewer.open(out.path) as avg:
        s2, s1 = avg.saxs_2d, avg.saxs_1d[1]
        assert np.isfinite(s2).all() and np.isfinite(s1).all()
        assert s2[60, 70] == pytest.approx(f1.saxs_2d[60, 70], rel=1e-6)  # from file 1 alone
        assert s1[30] == pytest.approx(f1.saxs_1d[1][30], rel=1e-6)
        np.testing.assert_allclose(s2[:60], f1.saxs_2d[:60], rtol=1e-6)  # same data elsewhere
        # the last delay has g2_err 0 in both files: the plain mean is kept, not NaN
        assert np.isfinite(avg.g2).all()
        np.testing.assert_allclose(avg.g2, f1.g2, rtol=1e-6)
        good = np.delete(f1.intensity_t[1], 5000)
    # the bad frame is left out of the intensity judged (its 0 is not averaged in)
    assert out.average.report.intensity[1] == pytest.approx(good.mean(), rel=1e-12)


def test_age_window_fit_survives_a_dead_frame(c2_dead):
    """The Two-time tab fits tau per age window (fit_aging over g2_from_c2): a dead frame
    made window 2 of 4 fail (so the tab dropped it); now every window's tau matches the
    clean map's within 0.2 %."""
    from xpcsviewer.fitting import FitStatus, fit_aging
    from xpcsviewer.io import C2Map

    full, dead, t = c2_dead
    q = 0.00386  # roi 4 of aging_b; tau scales with it, the comparison does not depend on it
    clean = fit_aging(C2Map(full, t, 3), 4, q=q)
    holed = fit_aging(C2Map(dead, t, 3), 4, q=q)
    assert all(s is FitStatus.CONVERGED for s in holed.status)
    np.testing.assert_allclose(np.asarray(holed.tau), np.asarray(clean.tau), rtol=2e-3)


@BACKENDS
def test_regridded_zero_error_is_unknown_not_exact(b):
    """A zero error interpolated as a number gave its neighbours huge weights."""
    tau_a = np.geomspace(1e-3, 1.0, 31)
    tau_b = tau_a * 1.1  # another grid: b is interpolated onto a's (within the overlap)
    g_a = np.full((31, 1), 1.10)
    g_b = np.full((31, 1), 1.20)
    e_a = np.full((31, 1), 0.01)
    e_b = np.full((31, 1), 0.01)
    e_b[-1] = 0.0  # b's last delay: error unknown, as boost_corr writes it
    out = average_g2([tau_a, tau_b], [g_a, g_b], [e_a, e_b], intensities=[1.0, 1.0],
                     names=["a", "b"], backend=b)
    g = np.asarray(out.g2)[:, 0]
    tau = np.asarray(out.tau)
    # between b's last two nodes b's error is unknown: a alone (before, b weighed ~all)
    last = tau > tau_b[-2]
    assert last.any()
    np.testing.assert_allclose(g[last], 1.10, rtol=1e-12)
    np.testing.assert_allclose(g[~last], 1.15, rtol=1e-12)
