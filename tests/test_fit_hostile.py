"""fit_g2 keeps its promise on impossible input, on both backends: a bin that cannot be fitted
is a failed row with a message, never an exception; usable points of a damaged bin are fitted
as if the damaged ones were absent. Inputs are altered copies of brownian_a's g2."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from test_fit_support import copy_file, load

from xpcsviewer.fitting import fit_g2


def _cases() -> dict:
    f = load()
    t0, g0, e0 = (np.array(a, dtype=float) for a in (f.tau, f.g2, f.g2_err))
    n = t0.size
    out = {}

    def add(name, *, tau=t0, g2=g0, err=e0):
        out[name] = copy_file(f, tau=tau.copy(), g2=g2.copy(), g2_err=err.copy(), path=name)

    add("clean")
    g = g0.copy(); g[2, 0], g[5, 1] = np.inf, -np.inf  # noqa: E702
    add("inf_g2", g2=g)
    g = g0.copy(); g[:, 0] = np.nan  # noqa: E702
    add("nan_column", g2=g)
    t = t0.copy(); t[0], t[3] = -t[0], -1.0  # noqa: E702
    add("negative_delays", tau=t)
    t = t0.copy(); t[[5, 6]] = t[[6, 5]]  # noqa: E702
    g, e = g0.copy(), e0.copy(); g[[5, 6]], e[[5, 6]] = g[[6, 5]], e[[6, 5]]  # noqa: E702
    add("shuffled", tau=t, g2=g, err=e)  # the same points in another order
    add("reversed", tau=t0[::-1], g2=g0[::-1], err=e0[::-1])
    t = t0.copy(); t[6] = t[5]  # noqa: E702
    add("repeated", tau=t)
    t = t0.copy(); t[4] = np.nan  # noqa: E702
    add("nan_delay", tau=t)
    add("all_nan_delays", tau=np.full(n, np.nan))
    add("all_negative_delays", tau=-t0)
    g = np.full_like(g0, np.nan); g[7] = g0[7]  # noqa: E702
    add("one_point", g2=g)
    e = e0.copy(); e[:, :4], e[:, 4:8] = 0.0, np.nan  # noqa: E702
    add("zero_nan_errors", err=e)
    e = e0.copy(); e[3, 2] = 1e-300  # noqa: E702  (residual overflows in float64)
    add("tiny_error", err=e)
    return out


CASES = _cases()
REFS = {  # the damaged points simply absent (g2 NaN) on the clean delay grid
    "negative_delays": [0, 3],
    "nan_delay": [4],
}


def _refs() -> dict:
    f = load()
    out = {}
    for name, rows in REFS.items():
        g = np.array(f.g2, dtype=float)
        g[rows] = np.nan
        out[name] = copy_file(f, g2=g, path=f"{name}-reference")
    return out


@functools.lru_cache(maxsize=4)
def fitted(backend: str, model: str):
    """Every case and reference in one call: (result, {name: rows})."""
    files = {**CASES, **{f"ref:{k}": v for k, v in _refs().items()}}
    res = fit_g2(list(files.values()), model=model, backend=backend)
    return res, {name: res.rows(k) for k, name in enumerate(files)}


BACKENDS_MODELS = [(b, m) for b in ("jax", "numpy") for m in ("single", "stretched")]


@pytest.mark.parametrize(("backend", "model"), BACKENDS_MODELS)
def test_bad_bins_fail_alone_and_good_points_are_fitted(backend, model):
    res, rows = fitted(backend, model)
    status = np.array([s.value for s in res.status])
    clean = rows["clean"]
    assert np.all(status[clean] == "converged")

    # Each damaged point is left out; the rest of the bin is fitted.
    assert list(res.n_points[rows["inf_g2"][:2]]) == list(res.n_points[clean[:2]] - 1)
    assert np.all(status[rows["inf_g2"]] == "converged")
    nan_col = rows["nan_column"]
    assert status[nan_col[0]] == "failed" and "too few points" in res.message[nan_col[0]]
    assert np.all(np.isnan(res.values[nan_col[0]]))
    np.testing.assert_array_equal(res.values[nan_col[1:]], res.values[clean[1:]])

    # Delays that are negative or NaN: the point is out, exactly as if its g2 were missing.
    for name, gone in REFS.items():
        assert np.all(res.n_points[rows[name]] == res.n_points[clean] - len(gone)), name
        assert np.all(status[rows[name]] == "converged"), name
        np.testing.assert_allclose(
            res.values[rows[name]], res.values[rows[f"ref:{name}"]], rtol=1e-9, err_msg=name
        )
    # Delays out of order: the same points in another order give the same minimum.
    for name in ("shuffled", "reversed"):
        assert np.all(status[rows[name]] == "converged"), name
        diff = np.abs(res.values[rows[name]] - res.values[clean])
        assert np.all(diff <= 1e-3 * res.errors[clean]), name
    # Repeated delays are two measurements at one delay: fitted as they are.
    assert np.all(status[rows["repeated"]] == "converged")
    assert np.all(np.isfinite(res.errors[rows["repeated"]][:, list(res.free)]))

    # No usable delay at all (t_range not given): every bin fails, saying why; no raise.
    for name in ("all_nan_delays", "all_negative_delays", "one_point"):
        assert np.all(status[rows[name]] == "failed"), name
        assert all("too few points" in res.message[r] for r in rows[name]), name
    assert "delay that is NaN, not positive" in res.message[rows["all_nan_delays"][0]]

    # Zero or NaN error bars in whole bins: fitted unweighted, not lost.
    zn = rows["zero_nan_errors"]
    assert np.all(status[zn] == "converged") and not res.weighted[zn[:8]].any()
    assert res.weighted[zn[8:]].all()
    # A 1e-300 error bar overflows the residuals of its bin only.
    tiny = rows["tiny_error"]
    assert status[tiny[2]] == "failed" and res.message[tiny[2]] != "converged"
    keep = np.delete(np.arange(tiny.size), 2)
    np.testing.assert_array_equal(res.values[tiny[keep]], res.values[clean[keep]])


@pytest.mark.parametrize("model", ["single", "stretched"])
def test_backends_agree_on_bad_input(model):
    jx, _ = fitted("jax", model)
    npy, _ = fitted("numpy", model)
    assert jx.status == npy.status
    ok = jx.ok
    diff = np.abs(npy.values[ok] - jx.values[ok])
    assert np.all(diff[:, list(jx.free)] <= 0.01 * jx.errors[ok][:, list(jx.free)])


def test_t_range_that_misses_every_usable_delay_still_raises():
    """A wrong argument is an error; bad data is a failed row (above)."""
    f = CASES["nan_delay"]
    with pytest.raises(ValueError, match="contains no delay"):
        fit_g2(f, t_range=(1e3, 1e4), backend="numpy")


def test_numpy_linear_algebra_fails_per_row():
    """One singular or non-finite row gives NaN for that row, the others their solution
    (np.linalg.solve / pinv would raise LinAlgError for the whole batch)."""
    from xpcsviewer.fitting._lsq_numpy import _pinv_rows, _solve_rows

    a = np.stack([np.diag([2.0, 4.0]), np.zeros((2, 2)), np.full((2, 2), np.nan)])
    x = _solve_rows(a, np.ones((3, 2)))
    np.testing.assert_allclose(x[0], [0.5, 0.25])
    np.testing.assert_array_equal(x[1], [0.0, 0.0])  # least-norm step of a singular system
    assert np.all(np.isnan(x[2]))
    inv, ok = _pinv_rows(a)
    np.testing.assert_allclose(inv[0], np.diag([0.5, 0.25]))
    assert list(ok) == [True, True, False] and np.all(np.isnan(inv[2]))
