"""Two-time tab model in two stages (Qt-free): the first view, computed on NumPy on a CPU,
equals what the JAX path computes; the second stage adds fit_aging's taus unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.backends import get_backend
from xpcsviewer.compute import cached_kernels, cut_at_age, cut_at_lag, g2_from_c2, prepare_display
from xpcsviewer.fitting import fit_aging
from xpcsviewer.gui._token import CancelToken
from xpcsviewer.gui.tabs.twotime.controller import TwotimeController

JAX = get_backend("jax")
ROOT = Path(__file__).resolve().parents[1]


def _quiet(*_):
    return None


def _close(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=0)


@pytest.fixture(scope="module")
def staged(data_dir):
    f = xpcsviewer.open(data_dir / "aging_b_results.hdf")
    tab = TwotimeController()
    tab.state.bin = 5
    before = cached_kernels()
    first = tab.prepare([f], CancelToken(), _quiet)
    compiled = cached_kernels() - before
    yield f, tab, first, compiled
    f.close()


def test_first_view_equals_the_jax_path(staged):
    f, _, data, compiled = staged
    assert compiled == 0  # nothing compiled for the first view on a CPU
    assert data.fit_pending and data.tau_age is None and data.window_fits == ()
    s = data.settings
    c2 = f.c2(data.column)
    slow = prepare_display(c2.matrix, c2.t, max_size=s["max_size"], backend=JAX)
    _close(data.matrix, JAX.to_numpy(slow.matrix))
    assert data.factor == slow.factor == 2 and data.display_note == slow.note
    lag, age = cut_at_lag(slow.full, c2.t, data.lag_s, backend=JAX), cut_at_age(
        slow.full, c2.t, data.age_s, backend=JAX)
    for shown, cut in ((data.lag_cut, lag), (data.age_cut, age)):
        _close(shown.x, JAX.to_numpy(cut.axis))
        _close(shown.y, JAX.to_numpy(cut.values))
    # g2 per age window as fit_aging shows it (lags under min_pairs pairs hidden)
    ref = fit_aging(c2, s["n_windows"], q=f.dynamic_q[data.column], min_pairs=s["min_pairs"]).g2
    assert len(data.window_g2) == len(ref.windows) == s["n_windows"]
    for k, series in enumerate(data.window_g2):
        _close(series.x, ref.tau)
        _close(series.y, ref.g2[k])
    windows = TwotimeController.age_windows(c2.t, s["n_windows"])
    kernel = g2_from_c2(c2.matrix, c2.t, windows, backend=JAX)
    np.testing.assert_array_equal(
        np.isfinite([sr.y for sr in data.window_g2]),
        np.asarray(kernel.n_pairs) >= s["min_pairs"])


def test_second_stage_adds_fit_aging_unchanged(staged):
    f, tab, first, _ = staged
    s = first.settings
    assert tab.refines(first)
    fitted = tab.refine(first, [f], CancelToken(), _quiet)
    ref = fit_aging(f.c2(first.column), s["n_windows"], q=f.dynamic_q[first.column],
                    min_pairs=s["min_pairs"])
    assert not fitted.fit_pending and first.fit_pending  # a new object; the first is unchanged
    assert not tab.refines(fitted)
    np.testing.assert_array_equal(fitted.tau_age.x, ref.ages)
    np.testing.assert_array_equal(fitted.tau_age.y, ref.tau)
    np.testing.assert_array_equal(fitted.tau_age.err, ref.tau_err)
    assert len(fitted.window_fits) == s["n_windows"] and fitted.tau_note == ""
    assert np.all(np.diff(fitted.tau_age.y) > 0)  # aging_b slows down
    # everything of the first view is kept as it was
    assert fitted.matrix is first.matrix and fitted.window_g2 == first.window_g2


def test_first_view_does_not_import_jax(data_dir):
    """A new process shows the first view, and then fits tau per window (fit_aging on NumPy
    on a CPU), without importing JAX (1-2.5 s on this machine) or compiling a solver."""
    code = (
        "import sys, xpcsviewer\n"
        "from xpcsviewer.gui._token import CancelToken\n"
        "from xpcsviewer.gui.tabs.twotime.controller import TwotimeController\n"
        f"f = xpcsviewer.open({str(data_dir / 'dstep_c_results.hdf')!r})\n"
        "d = TwotimeController().prepare([f], CancelToken(), lambda *a: None)\n"
        "assert d.matrix.shape == (500, 500) and len(d.window_g2) == 4, d.matrix.shape\n"
        "print('jax' in sys.modules)\n"
        "tab = TwotimeController()\n"
        "r = tab.refine(d, [f], CancelToken(), lambda *a: None)\n"
        "assert not r.fit_pending and r.tau_note == '' and len(r.window_fits) == 4, r.tau_note\n"
        "print('jax' in sys.modules)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("XPCS_USE_GPU", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "False"]  # after the view, after the fit
