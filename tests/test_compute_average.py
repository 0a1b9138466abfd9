"""Averaging g2 across files: weighted mean, outlier rejection, regridding, the written file."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.backends import get_backend
from xpcsviewer.compute import average_files, average_g2

JAX, NP = get_backend("jax"), get_backend("numpy")


def _series(seed, tau, baseline=1.0, n_bins=3):
    rng = np.random.default_rng(seed)
    g2 = baseline + 0.2 * np.exp(-np.outer(tau, [5.0, 20.0, 80.0][:n_bins]))
    err = rng.uniform(0.005, 0.02, g2.shape)
    return g2 + err * rng.standard_normal(g2.shape), err


def test_weighted_mean_parity_and_rejection():
    tau = np.geomspace(1e-3, 1.0, 30)
    data = [_series(k, tau) for k in range(4)] + [_series(9, tau, baseline=1.1)]
    kw = dict(
        intensities=[1.0, 1.02, 0.98, 1.5, 1.01],
        names=list("abcde"),
        baseline_points=5,
    )
    args = ([tau] * 5, [d[0] for d in data], [d[1] for d in data])
    aj, an = average_g2(*args, backend=JAX, **kw), average_g2(*args, backend=NP, **kw)
    np.testing.assert_allclose(np.asarray(aj.g2), an.g2, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(aj.g2_err), an.g2_err, rtol=1e-10)
    rep = an.report
    assert rep.used == ("a", "b", "c")
    reasons = {r.name: r.reason for r in rep.rejected}
    assert "intensity" in reasons["d"] and "baseline" in reasons["e"]
    w = [1 / data[k][1] ** 2 for k in range(3)]
    expect = sum(wk * data[k][0] for k, wk in enumerate(w)) / sum(w)
    np.testing.assert_allclose(an.g2, expect, rtol=1e-12)
    np.testing.assert_allclose(an.g2_err, 1 / np.sqrt(sum(w)), rtol=1e-12)
    assert "rejected d" in rep.summary()


def test_different_delay_grids_are_regridded_in_log_t():
    tau_a = np.geomspace(1e-3, 1.0, 40)
    tau_b = np.geomspace(2e-3, 2.0, 33)  # another frame time: other delays
    exact = lambda t: 1.0 + 0.2 * np.exp(-np.outer(t, [3.0]))  # noqa: E731
    args = (
        [tau_a, tau_b],
        [exact(tau_a), exact(tau_b)],
        [np.full((40, 1), 0.01), np.full((33, 1), 0.01)],
    )
    kw = dict(intensities=[1.0, 1.0], names=["a", "b"])
    aj, an = average_g2(*args, backend=JAX, **kw), average_g2(*args, backend=NP, **kw)
    np.testing.assert_allclose(np.asarray(aj.g2), an.g2, rtol=1e-10)
    assert an.report.regridded == ("b",)
    assert any("log t" in n for n in an.report.notes)
    assert an.tau[0] >= 2e-3 and an.tau[-1] <= 1.0
    np.testing.assert_allclose(an.g2, exact(np.asarray(an.tau)), atol=2e-3)
    assert any("at least 3" in n for n in an.report.notes)  # two files: no outlier verdict


def test_averaged_file_of_two_demo_files(tmp_path):
    from xpcsviewer import demo

    paths = demo.make(tmp_path / "demo")[:2]  # two files of one sample and partition
    out = average_files(paths, tmp_path / "mean_results.hdf", backend=JAX)
    with xpcsviewer.open(paths[0]) as f1, xpcsviewer.open(paths[1]) as f2:
        w1, w2 = 1 / f1.g2_err**2, 1 / f2.g2_err**2
        expect = (w1 * f1.g2 + w2 * f2.g2) / (w1 + w2)
        tau = f1.tau
    with xpcsviewer.open(out.path) as avg:
        np.testing.assert_allclose(avg.tau, tau, rtol=1e-9)
        # The file stores g2 as float32, as the correlator does.
        np.testing.assert_allclose(avg.g2, expect, rtol=1e-6)
        assert avg.g2.shape == expect.shape
    assert out.average.report.used == tuple(p.name for p in paths)
    with pytest.raises(FileExistsError):
        average_files(paths, out.path, backend=NP)
    assert not list(tmp_path.glob(".*.tmp"))
