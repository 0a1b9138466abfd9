"""fit_g2 against known truth (brownian_a), robustness to bad input, and the NumPy fallback."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_fit_support import brownian_fit, copy_file, load, synthetic, truth

from xpcsviewer.fitting import FitStatus, fit_g2


def test_single_exponential_tau_matches_ideal_fit():
    fit, tr = brownian_fit("single"), truth()
    run_s = tr["frames"] * tr["frame_time_s"]
    tau, err = fit.param("tau")
    checked = 0
    for roi in tr["rois"]:
        col, target = roi["g2_column"], roi["ideal_fit"]["b_tau_s"]
        if target >= run_s / 5:
            continue
        row = int(np.flatnonzero(fit.column == col)[0])
        assert fit.status[row] is FitStatus.CONVERGED, fit.message[row]
        tol = max(0.05 * target, 3 * err[row])
        assert abs(tau[row] - target) <= tol, (col, tau[row], target, err[row])
        checked += 1
    assert checked == 12


def test_zero_error_bars_in_file_are_masked_not_fatal():
    f, fit = load(), brownian_fit("single")
    zero = np.asarray(f.g2_err) == 0
    assert zero.any(), "brownian_a is expected to contain zero error bars"
    assert not fit.mask[zero.T].any()  # rows are bins: transpose (n_tau, n_bins)
    assert all(s is FitStatus.CONVERGED for s in fit.status)
    assert np.all(np.isfinite(fit.errors[:, list(fit.free)])) and np.all(fit.chi2_red < 3)


def test_two_copies_in_one_call_give_identical_rows():
    f = load()
    fit = fit_g2([f, copy_file(f, path="copy")], model="single")
    first, second = fit.rows(0), fit.rows(1)
    assert np.array_equal(fit.values[first], fit.values[second])
    assert np.array_equal(fit.errors[first], fit.errors[second])
    one = brownian_fit("single")
    np.testing.assert_allclose(fit.values[first], one.values, rtol=1e-9)


def test_numpy_fallback_agrees_with_jax():
    jx, npy = brownian_fit("single", "jax"), brownian_fit("single", "numpy")
    assert npy.provenance.backend == "numpy" and jx.provenance.backend == "jax"
    assert npy.status == jx.status
    # Same minimum within a small fraction of the statistical error.
    assert np.all(np.abs(npy.values - jx.values) <= 0.01 * jx.errors)
    np.testing.assert_allclose(npy.errors, jx.errors, rtol=1e-3)


def test_stretched_gamma_two_mode_below_0p9_and_single_mode_near_1():
    two = synthetic(
        lambda t, k: 0.5 * np.exp(-t / (0.01 * (k + 1))) + 0.5 * np.exp(-t / (0.3 * (k + 1)))
    )
    one = synthetic(lambda t, k: np.exp(-t / (0.03 * (k + 1))), seed=1)
    fit = fit_g2([two, one], model="stretched")
    gamma, _ = fit.param("gamma")
    assert np.all(gamma[fit.rows(0)] < 0.9)
    assert np.all(np.abs(gamma[fit.rows(1)] - 1.0) < 0.05)
    real = brownian_fit("stretched").param("gamma")[0]
    assert np.all(np.abs(real[1:9] - 1.0) < 0.05)  # the well-measured inner bins of brownian_a


def test_bad_bins_are_marked_failed_not_raised():
    f = load()
    g2 = np.array(f.g2, dtype=float)
    err = np.array(f.g2_err, dtype=float)
    g2[:, 0] = np.nan  # an all-NaN bin
    g2[3:, 1] = np.nan  # only three points left for three parameters
    err[5, 2] = 0.0  # one extra zero error bar: that point is left out
    err[:, 3] = 0.0  # no usable error bar at all: fitted unweighted
    bad = copy_file(f, g2=g2, g2_err=err)
    single = copy_file(f, tau=np.array(f.tau)[:1], g2=g2[:1], g2_err=err[:1], path="one-delay")
    fit = fit_g2([bad, single], model="single")
    rows0, rows1 = fit.rows(0), fit.rows(1)
    assert fit.status[rows0[0]] is FitStatus.FAILED and "too few points" in fit.message[rows0[0]]
    assert fit.status[rows0[1]] is FitStatus.FAILED
    assert np.all(np.isnan(fit.values[rows0[0]]))
    assert (
        fit.status[rows0[2]] is FitStatus.CONVERGED
        and fit.n_points[rows0[2]] == fit.n_points[rows0[4]] - 1
    )
    assert fit.status[rows0[3]] is FitStatus.CONVERGED and not fit.weighted[rows0[3]]
    assert all(fit.status[r] is FitStatus.FAILED for r in rows1)
    assert all(s is FitStatus.CONVERGED for s in fit.status[rows0[4] : rows0[-1] + 1])


def test_clear_errors_for_unusable_requests():
    f = load()
    with pytest.raises(ValueError, match="contains no delay"):
        fit_g2(f, t_range=(1e3, 1e4))
    with pytest.raises(ValueError, match="empty"):
        fit_g2(f, t_range=(1.0, 0.5))
    with pytest.raises(ValueError, match="out of range"):
        fit_g2(f, bins=[99])
    with pytest.raises(ValueError, match="unknown model"):
        fit_g2(f, model="triple")
    with pytest.raises(ValueError, match="no parameter"):
        fit_g2(f, fixed={"gamma": 1.0})
    with pytest.raises(ValueError, match="at least one file"):
        fit_g2([])


def test_fixed_bounds_t_range_and_provenance(tmp_path):
    f = load()
    fit = fit_g2(
        f, bins=[4, 5], fixed={"baseline": 1.0}, bounds={"tau": (0.2, 0.5)}, t_range=(2e-3, 2.0)
    )
    assert np.all(fit.values[:, 0] == 1.0) and np.all(np.isnan(fit.errors[:, 0]))
    assert fit.free == (False, True, True)
    # bin 5's tau (0.13 s) lies below the imposed lower bound 0.2 s
    assert fit.status[1] is FitStatus.AT_BOUND and "tau" in fit.message[1]
    assert np.all(fit.t[fit.mask] >= 2e-3) and np.all(fit.t[fit.mask] <= 2.0)
    prov = fit.provenance
    assert prov.fixed == {"baseline": 1.0} and prov.bounds == {"tau": (0.2, 0.5)}
    assert prov.t_range == (2e-3, 2.0) and prov.inputs == (str(f.path),)
    assert prov.versions["jax"] != "not installed" and prov.device
    doc = json.loads(fit.to_json(tmp_path / "fit.json"))
    assert doc["rows"][0]["values"]["baseline"] == 1.0 and doc["provenance"]["model"] == "single"
    text = fit.to_csv(tmp_path / "fit.csv")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert lines[0].startswith("file,column,q_1_per_A,baseline") and len(lines) == 3
    with pytest.raises(ValueError):
        fit.values[0, 0] = 2.0  # read-only
    t, g = fit.curve(0)
    assert t.shape == g.shape == (200,) and np.all(np.isfinite(g))
