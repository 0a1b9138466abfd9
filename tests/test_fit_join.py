"""``G2FitResult.join`` and ``of_file``: fits of separate file lists joined equal one fit of
all files (each bin's Levenberg-Marquardt iteration is its own), on both backends."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.fitting import G2FitResult


@pytest.mark.parametrize("backend", ["jax", "numpy"])
@pytest.mark.parametrize("model", ["single", "stretched"])
def test_joined_fits_equal_one_fit_of_all_files(data_dir, model, backend):
    a = xv.open(data_dir / "brownian_a_results.hdf")
    phi_c = xv.open(data_dir / "phi_c_results.hdf")
    # One engine for all three fits: the default would run a small cold fit on NumPy and a
    # warm one on JAX, which agree to 1e-7 (test_fit_engine_choice.py), not to 5e-8.
    together = xv.fit_g2([a, phi_c], model=model, backend=backend)
    joined = G2FitResult.join([xv.fit_g2([a], model=model, backend=backend),
                               xv.fit_g2([phi_c], model=model, backend=backend)])
    assert joined.n_rows == together.n_rows == a.g2.shape[1] + phi_c.g2.shape[1]
    np.testing.assert_array_equal(joined.file_index, together.file_index)
    np.testing.assert_array_equal(joined.column, together.column)
    assert joined.status == together.status and joined.paths == together.paths
    ok = together.ok
    # to the solver's tolerance (rtol 1e-8 in solver coordinates): the batch pads differently
    np.testing.assert_allclose(joined.values[ok], together.values[ok], rtol=5e-8)
    np.testing.assert_allclose(joined.errors[ok], together.errors[ok], rtol=1e-5)
    for r in range(joined.n_rows):  # the data as fitted, padding aside
        np.testing.assert_array_equal(joined.g2[r][joined.mask[r]], together.g2[r][together.mask[r]])
    # D from the joined fit equals D from the joint one
    np.testing.assert_allclose(xv.fit_tauq(joined, alpha=2.0).D, xv.fit_tauq(together, alpha=2.0).D,
                               rtol=1e-7)
    # of_file undoes the join
    second = together.of_file(1)
    assert second.paths == (str(phi_c.path),) and set(second.file_index) == {0}
    np.testing.assert_array_equal(second.values, together.values[together.rows(1)])


def test_join_refuses_fits_made_differently(data_dir):
    a = xv.open(data_dir / "brownian_a_results.hdf")
    with pytest.raises(ValueError, match="model"):
        G2FitResult.join([xv.fit_g2(a, model="single"), xv.fit_g2(a, model="stretched")])
    with pytest.raises(ValueError, match="at least one"):
        G2FitResult.join([])
