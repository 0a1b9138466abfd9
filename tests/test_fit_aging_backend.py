"""fit_aging's backend (issue 16): by default it fits on ``compute.one_pass()``'s backend,
NumPy on a CPU, so the Two-time tab's tau per window compiles nothing (the JAX solver took
~4 s per delay bucket in a new process); and the NumPy fit is the JAX fit's, window for window.

The JAX fits here share one solver program (aging_b's 999 lags and the cropped dstep_c's share
the 1024-delay bucket), so the comparison costs one compile."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.fitting import FitStatus, _kernel_cache, fit_aging
from xpcsviewer.io import C2Map


@pytest.fixture(scope="module")
def maps(data_dir):
    """Two aging_b maps and dstep_c's roi 3 cut to its first 1000 frames (D drops at frame
    750: the cut keeps the step)."""
    out = {}
    with xpcsviewer.open(data_dir / "aging_b_results.hdf") as f:
        out.update({f"aging_b {col}": (f.c2(col), f.dynamic_q[col]) for col in (4, 6)})
    with xpcsviewer.open(data_dir / "dstep_c_results.hdf") as f:
        c2 = f.c2(2)
        out["dstep_c 2, 1000 frames"] = (C2Map(c2.matrix[:1000, :1000], c2.t[:1000], 2),
                                         f.dynamic_q[2])
    return out


def test_default_fits_on_numpy_on_a_cpu_and_compiles_nothing(maps):
    c2, q = maps["aging_b 4"]
    before = _kernel_cache.cache_stats()
    out = fit_aging(c2, 4, q=q)
    assert out.fit.provenance.backend == "numpy"
    assert "NumPy" in out.fit.provenance.solver["method"]
    assert _kernel_cache.cache_stats() == before  # no solver loaded, exported or jitted
    assert out.status == (FitStatus.CONVERGED,) * 4
    assert np.all(np.diff(out.tau) > 0)  # aging_b slows down


@pytest.mark.parametrize("name", ["aging_b 4", "aging_b 6", "dstep_c 2, 1000 frames"])
def test_numpy_fit_is_the_jax_fit(maps, name):
    c2, q = maps[name]
    jx = fit_aging(c2, 4, q=q, backend="jax")
    nu = fit_aging(c2, 4, q=q, backend="numpy")
    assert jx.fit.provenance.backend == "jax" and nu.fit.provenance.backend == "numpy"
    assert jx.status == nu.status == (FitStatus.CONVERGED,) * 4
    np.testing.assert_allclose(np.asarray(nu.g2.g2), np.asarray(jx.g2.g2), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(nu.g2.g2_err), np.asarray(jx.g2.g2_err), rtol=1e-10)
    # Both solvers stop at rtol 1e-8 of the same minimum (measured: at most 1.6e-9 relative
    # over aging_b bins 3-7 and dstep_c bins 1-3, whole runs, 4 windows).
    np.testing.assert_allclose(nu.fit.values, jx.fit.values, rtol=1e-7)
    # The bootstrap draws the same replicates (NumPy, fixed seed) and refits from these values.
    np.testing.assert_allclose(nu.tau_err, jx.tau_err, rtol=1e-6)
    np.testing.assert_allclose(nu.contrast_err, jx.contrast_err, rtol=1e-6)
    assert np.array_equal(nu.n_boot_ok, jx.n_boot_ok)
