"""Files with different bin counts in one fit_g2 call: one compiled batch, the same numbers
per file as fitting each file alone, per-file bin selections, and the NumPy fallback."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from test_fit_support import DATA, brownian_fit, load

from xpcsviewer.fitting import FitStatus, fit_g2

AGING = DATA / "aging_b_results.hdf"  # 10 bins, 34 delays; brownian_a has 12 bins, 48 delays


@functools.lru_cache(maxsize=2)
def mixed_fit(backend: str = "jax"):
    return fit_g2([load(), load(AGING)], model="single", backend=backend)


def test_every_bin_of_each_file_equals_fitting_each_alone():
    both = mixed_fit()
    assert load().g2.shape[1] == 12 and load(AGING).g2.shape[1] == 10
    assert both.n_rows == 22 and both.paths == (str(load().path), str(AGING))
    np.testing.assert_array_equal(both.file_index, [0] * 12 + [1] * 10)
    np.testing.assert_array_equal(both.column, list(range(12)) + list(range(10)))
    alone = [brownian_fit("single"), fit_g2(load(AGING), model="single")]
    for k, single in enumerate(alone):
        rows = both.rows(k)
        assert all(s is FitStatus.CONVERGED for s in single.status)
        assert tuple(both.status[r] for r in rows) == single.status
        np.testing.assert_allclose(both.values[rows], single.values, rtol=1e-8)
        np.testing.assert_allclose(both.errors[rows], single.errors, rtol=1e-8)
        np.testing.assert_allclose(both.chi2_red[rows], single.chi2_red, rtol=1e-8)
        np.testing.assert_array_equal(both.q[rows], single.q)


def test_numpy_fallback_agrees_on_mixed_bin_counts():
    jx, npy = mixed_fit("jax"), mixed_fit("numpy")
    np.testing.assert_array_equal(npy.file_index, jx.file_index)
    np.testing.assert_array_equal(npy.column, jx.column)
    assert npy.status == jx.status
    # The same minimum within a small fraction of each parameter's standard error.
    assert np.all(np.abs(npy.values - jx.values) <= 0.01 * jx.errors)
    np.testing.assert_allclose(npy.errors, jx.errors, rtol=1e-3)


def test_bins_per_file_as_list_or_dict():
    a, b = load(), load(AGING)
    by_list = fit_g2([a, b], bins=[[11, 2], None], backend="numpy")
    np.testing.assert_array_equal(by_list.file_index, [0, 0] + [1] * 10)
    np.testing.assert_array_equal(by_list.column, [11, 2, *range(10)])
    by_dict = fit_g2([a, b], bins={str(b.path): [9], str(a.path): [11, 2]}, backend="numpy")
    np.testing.assert_array_equal(by_dict.file_index, [0, 0, 1])
    np.testing.assert_array_equal(by_dict.column, [11, 2, 9])
    # Same rows, same numbers, whichever way the selection is written.
    np.testing.assert_array_equal(by_dict.values[:2], by_list.values[:2])
    np.testing.assert_array_equal(by_dict.values[2], by_list.values[2 + 9])
    with pytest.raises(ValueError, match="2 files"):
        fit_g2([a, b], bins=[[1]])
    with pytest.raises(ValueError, match="missing"):
        fit_g2([a, b], bins={str(a.path): [1]})
    with pytest.raises(ValueError, match="out of range"):
        fit_g2([a, b], bins=[None, [10]])  # aging_b has columns 0..9
    with pytest.raises(ValueError, match="no g2 column"):
        fit_g2([a, b], bins=[[], []])
