"""Wrong arguments to the fitting API are refused with a message naming the argument and
what is wrong (never a silent cast, never Python's own IndexError/TypeError from inside);
exports say which bins were fitted unweighted and write strict JSON provenance.

Fits run on the NumPy engine (no JAX compile): every check here is of arguments, not of the
solver.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from test_fit_support import brownian_fit, copy_file, load

from xpcsviewer.fitting import G2FitResult, fit_g2, fit_tauq


@pytest.fixture(scope="module")
def fit() -> G2FitResult:
    return brownian_fit("single", "numpy")


@pytest.mark.parametrize(
    ("kwargs", "error", "said"),
    [
        ({"bins": [1.5]}, ValueError, r"bins must be whole column numbers; got 1\.5"),
        ({"bins": ["a"]}, TypeError, r"bins must be column numbers \(ints\); got 'a'"),
        ({"bins": "a"}, TypeError, r"bins must be column numbers .*not the text 'a'"),
        ({"bins": [True]}, TypeError, r"bins must be column numbers"),
        ({"fixed": {"tau": -1.0}}, ValueError, r"fixed\['tau'\] = -1 is not a valid tau: it must be > 0"),
        ({"fixed": {"contrast": -0.1}}, ValueError, r"fixed\['contrast'\] = -0\.1 .* >= 0"),
        ({"fixed": {"baseline": float("nan")}}, ValueError, r"fixed\['baseline'\] must be finite"),
        ({"fixed": {"baseline": "1"}}, TypeError, r"fixed\['baseline'\] must be a number"),
        ({"fixed": {"tau": 1e6}}, ValueError,
         r"fixed\['tau'\] = 1e\+06 is outside the bounds of tau, \[1e-05, 716\.8\] for "
         r".*brownian_a_results\.hdf bin 0 \(12 of 12 bins\)"),
        ({"fixed": {"f": 2.0}, "model": "double"}, ValueError, r"fixed\['f'\] = 2 .* in \[0, 1\]"),
        ({"t_range": (1e-3,)}, ValueError, r"t_range must be a pair \(t_min, t_max\)"),
        ({"t_range": ("a", 1)}, TypeError, r"t_range t_min must be a number of seconds or None"),
        ({"t_range": (float("nan"), 1)}, ValueError, r"t_range t_min is NaN"),
        ({"t_range": (1, None, 2)}, ValueError, r"t_range must be a pair"),
        ({"bounds": {"tau": (1, 0.1)}}, ValueError,
         r"bounds\['tau'\] = \(1, 0\.1\): the lower bound must be below the upper"),
        ({"bounds": {"tau": (None, 1e-12)}}, ValueError,
         r"bounds\['tau'\] = \(None, 1e-12\): the upper bound crosses the default lower"),
        ({"bounds": {"tau": 1.0}}, ValueError, r"bounds\['tau'\] must be a pair"),
        ({"bounds": {"contrast": (float("nan"), 1)}}, ValueError, r"bounds\['contrast'\] lower is NaN"),
    ],
)
def test_fit_g2_refuses_wrong_arguments_naming_them(kwargs, error, said):
    with pytest.raises(error, match=said):
        fit_g2(load(), backend="numpy", **kwargs)


def test_t_range_none_side_is_no_limit_and_integral_float_bins_are_columns(fit):
    """(None, t) limits only the upper side, as None does in bounds; 2.0 is column 2."""
    f = load()
    upper = fit_g2(f, bins=[2.0], t_range=(None, 1e-2), backend="numpy")
    both = fit_g2(f, bins=[2], t_range=(0.0, 1e-2), backend="numpy")
    assert upper.column.tolist() == [2] and upper.provenance.t_range == (-np.inf, 1e-2)
    assert upper.n_points[0] == both.n_points[0] == np.sum(np.asarray(f.tau) <= 1e-2)
    np.testing.assert_allclose(upper.values, both.values)


def test_result_accessors_name_what_the_fit_has(fit):
    with pytest.raises(ValueError, match="'single' model has no parameter 'gamma'; it has "
                                         "baseline, contrast, tau"):
        fit.param("gamma")
    with pytest.raises(IndexError, match=r"file 3 out of range: this fit has 1 file \(0\.\.0\)"):
        fit.of_file(3)
    with pytest.raises(IndexError, match=r"row 99 out of range: this fit has 12 rows \(0\.\.11\)"):
        fit.curve(99)
    with pytest.raises(TypeError, match="row index must be an int"):
        fit.curve(1.5)
    with pytest.raises(IndexError, match="file 1 out of range"):
        fit.rows(1)
    with pytest.raises(IndexError, match="file 2 out of range: this fit has 1 file"):
        fit_tauq(fit).curve(2)
    t, g2 = fit.curve(-1)  # Python's negative index still works
    np.testing.assert_allclose(t, fit.curve(11)[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "said"),
    [
        ({"alpha": float("nan")}, ValueError, "alpha must be finite, got nan"),
        ({"alpha": float("inf")}, ValueError, "alpha must be finite, got inf"),
        ({"alpha": "2"}, TypeError, "alpha must be a number"),
        ({"q_range": (0.01, 0.001)}, ValueError,
         r"q_range \(0\.01, 0\.001\) is reversed or empty: q_min must be below q_max"),
        ({"q_range": (0.01,)}, ValueError, r"q_range must be a pair \(q_min, q_max\)"),
        ({"bins": [99]}, ValueError, r"bins \[99\] out of range: the fit has 12 bins \(g2 columns 0\.\.11\)"),
        ({"bins": [0.5]}, ValueError, "bins must be whole column numbers"),
    ],
)
def test_fit_tauq_refuses_wrong_arguments_naming_them(fit, kwargs, error, said):
    with pytest.raises(error, match=said):
        fit_tauq(fit, **kwargs)


def test_fit_tauq_needs_a_g2_fit_not_a_file(fit):
    with pytest.raises(TypeError, match="fit_tauq needs a G2FitResult from fit_g2, not XpcsFile"):
        fit_tauq(load())
    open_low = fit_tauq(fit, q_range=(None, 0.008), alpha=2)  # None: no lower limit
    assert open_low.used.sum() == np.sum(fit.q <= 0.008) and open_low.message == ("ok",)
    open_high = fit_tauq(fit, q_range=(0.0, np.inf), alpha=2)  # as the Diffusion tab passes
    np.testing.assert_array_equal(open_high.used, fit_tauq(fit, alpha=2).used)
    with pytest.raises(ValueError, match="q_range q_max must be finite, got nan"):
        fit_tauq(fit, q_range=(0.0, np.nan))


def test_fit_tauq_says_which_tau_and_warns_when_most_bins_are_not_clean():
    """brownian_a is single-mode: the double model leaves 8 of 12 bins with a parameter on a
    bound (NumPy engine). tau1 is used, the message says so and warns instead of 'ok'."""
    double = brownian_fit("double", "numpy")
    clean = sum(s.value == "converged" for s in double.status)
    assert clean < 6
    res = fit_tauq(double, alpha=2)
    msg = res.message[0]
    assert msg.startswith(f"WARNING: only {clean} of 12 bins have a clean g2 fit")
    assert "tau1 of the 'double' model (fast mode)" in msg
    assert f"{12 - clean} used bins have another parameter at a bound" in msg
    slow = fit_tauq(double, alpha=2, param="tau2")
    left = 12 - slow.n_used[0]
    assert left > 0 and f"{left} of 12 bins left out: {left} tau2 at a bound" in slow.message[0]
    assert fit_tauq(brownian_fit("single", "numpy"), alpha=2).message == ("ok",)


def test_csv_says_which_bins_were_fitted_unweighted_and_writes_strict_json():
    f = load()
    err = np.array(f.g2_err, dtype=float)
    err[:, 4] = np.nan  # bin 4 has no usable error bar: fitted unweighted
    res = fit_g2(copy_file(f, g2_err=err), bins=[3, 4], backend="numpy")
    assert res.weighted.tolist() == [True, False]
    text = res.to_csv()
    comment = text.splitlines()[0]
    assert comment.startswith("# ") and "Infinity" not in text
    prov = json.loads(comment[2:], parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert prov["t_range_s"] == [None, None] == json.loads(res.to_json())["provenance"]["t_range_s"]
    rows = list(csv.DictReader(io.StringIO("\n".join(text.splitlines()[1:]))))
    assert [r["weighted"] for r in rows] == ["True", "False"]
    assert "unweighted" not in rows[0]["message"]
    assert rows[1]["message"].startswith(res.message[1])
    assert "unweighted (no usable g2 error bar): errors scaled by chi2_red" in rows[1]["message"]
    assert json.loads(res.to_json())["rows"][1]["message"] == rows[1]["message"]
    tauq_comment = fit_tauq(res).to_csv().splitlines()[0]
    assert "Infinity" not in tauq_comment and json.loads(tauq_comment[2:])["t_range_s"] == [None, None]


def test_svi_band_refuses_the_same_wrong_arguments(fit):
    """SVIResult.param and .tauq check their arguments as fit_tauq does, before touching the
    draws: a stand-in carrying only what the checks read (no SVI run, no compile)."""
    from types import SimpleNamespace

    from xpcsviewer.fitting._svi_result import SVIResult

    svi = SimpleNamespace(model="single", params=fit.params, lsq=fit)
    with pytest.raises(ValueError, match="alpha must be finite, got nan"):
        SVIResult.tauq(svi, alpha=float("nan"))
    with pytest.raises(ValueError, match=r"q_range \(0\.01, 0\.001\) is reversed"):
        SVIResult.tauq(svi, q_range=(0.01, 0.001))
    with pytest.raises(IndexError, match="file 1 out of range: this fit has 1 file"):
        SVIResult.tauq(svi, file_index=1)
    with pytest.raises(ValueError, match="'contrast' is not a relaxation time"):
        SVIResult.tauq(svi, param="contrast")
    with pytest.raises(ValueError, match="'single' model has no parameter 'gamma'; it has"):
        SVIResult.param(svi, "gamma")
