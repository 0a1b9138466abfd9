"""fit_tauq: the brownian_a power law recovers alpha = 2 and the true D."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_fit_support import brownian_fit, truth

from xpcsviewer.fitting import fit_tauq


def test_alpha_free_is_two():
    res = fit_tauq(brownian_fit("single"))
    assert res.n_used[0] == 12
    assert abs(res.alpha[0] - 2.0) < 0.1 and res.alpha_err[0] > 0
    assert np.isnan(res.D[0])  # D is defined only with alpha fixed at 2


def test_alpha_fixed_gives_true_D():
    res = fit_tauq(brownian_fit("single"), alpha=2)
    d_true = truth()["diffusion_A2_per_s"][0]
    assert abs(res.D[0] / d_true - 1.0) < 0.05
    assert 0 < res.D_err[0] < 0.05 * d_true
    q, tau = res.curve(0)
    np.testing.assert_allclose(tau, 1.0 / (res.D[0] * q**2))


def test_q_range_and_bins_select_rows(tmp_path):
    fit = brownian_fit("single")
    res = fit_tauq(fit, q_range=(0.003, 0.008), alpha=2)
    assert np.all((fit.q[res.used] >= 0.003) & (fit.q[res.used] <= 0.008))
    assert res.n_used[0] == res.used.sum() < 12
    few = fit_tauq(fit, bins=[3])
    assert few.n_used[0] == 1 and np.isnan(few.alpha[0]) and "too few" in few.message[0]
    doc = json.loads(res.to_json(tmp_path / "tauq.json"))
    assert doc["files"][0]["D"] == pytest.approx(res.D[0])
    assert "D_A2_per_s" in res.to_csv()
    with pytest.raises(ValueError, match="relaxation time"):
        fit_tauq(fit, param="contrast")


def test_no_degree_of_freedom_is_refused_not_ok():
    """Two bins with alpha free (one with alpha fixed) leave no degree of freedom: the line
    passes through every point and its error cannot be estimated, so the file is refused
    with a message and NaN values, as fit_g2 refuses a bin with too few points."""
    fit = brownian_fit("single")
    for bins, alpha in (([3, 5], None), ([3], 2.0)):
        res = fit_tauq(fit, bins=bins, alpha=alpha)
        assert res.n_used[0] == len(bins)
        assert "too few usable bins" in res.message[0] and "cannot be estimated" in res.message[0]
        assert np.all(np.isnan([res.tau0[0], res.tau0_err[0], res.alpha[0], res.D[0]]))
    for bins, alpha in (([3, 5, 7], None), ([3, 5], 2.0)):
        res = fit_tauq(fit, bins=bins, alpha=alpha)
        assert res.message[0] == "ok"
        assert np.isfinite(res.tau0_err[0]) and res.tau0_err[0] > 0
        assert np.isfinite(res.chi2_red[0])
