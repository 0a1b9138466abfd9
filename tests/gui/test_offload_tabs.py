"""The Diffusion, Trends and Average tabs' JAX work runs in the job process and gives what
the API gives on this thread (issue 16: the window never waits for JAX).

Each test runs the tab controller's own job (``prepare`` / ``write``, Qt-free) with the job
runner's binding to one spawned worker (as ``gui/jobs.py`` does), checks that the calls ran in
the child (``remote_calls``) and compares with the public API called here: fits to 1e-10
relative (the same program on the same inputs), the averaged file read back equal.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.compute import average_files, average_g2, trace_mean
from xpcsviewer.gui._token import CancelToken, JobCancelled
from xpcsviewer.gui.offload import WorkerProcess, bound

TAUQ = ("tau0", "tau0_err", "alpha", "alpha_err", "D", "D_err", "q", "tau", "used")


@pytest.fixture(scope="module")
def worker():
    from xpcsviewer.backends import reset_backend, set_backend

    set_backend("jax")  # the child computes with the backend the parent has when it starts
    w = WorkerProcess()
    w.start()
    reset_backend()
    yield w
    w.close()
    assert not w.alive


@pytest.fixture
def jax_backend():
    from xpcsviewer.backends import set_backend

    set_backend("jax")


def _in_child(worker, n_calls, fn, *args, token=None):
    before = worker.remote_calls
    with bound(worker, token or CancelToken()):
        out = fn(*args)
    assert worker.remote_calls == before + n_calls, "the JAX work did not run in the job process"
    return out


def _same(a, b, names, what):
    for k in names:
        np.testing.assert_allclose(np.asarray(getattr(a, k), float), np.asarray(getattr(b, k), float),
                                   rtol=1e-10, atol=0, equal_nan=True, err_msg=f"{what}: {k}")


def _progress(fraction, message=""):
    pass


def test_diffusion_in_the_process_equals_fit_tauq(worker, jax_backend, data_dir):
    from xpcsviewer.gui.tabs.diffusion.controller import DiffusionController

    c = xv.open(data_dir / "phi_c_results.hdf")
    fit = xv.fit_g2(c, model="single")
    tab = DiffusionController()
    tab.state.g2_fit, tab.state.g2_phi = fit, [np.asarray(c.dynamic_phi)]
    tab.state.q_min = 0.0025
    data = _in_child(worker, 1, tab.prepare, [c.path], CancelToken(), _progress)
    q_range = (0.0025, np.inf)
    _same(data.free, xv.fit_tauq(fit, q_range=q_range, alpha=None), TAUQ, "alpha free")
    _same(data.fixed, xv.fit_tauq(fit, q_range=q_range, alpha=2.0), TAUQ, "alpha = 2")
    # phi_c's six sectors, each the API's fit of that sector's bins.
    assert len(data.sectors) == 6
    phi = np.asarray(c.dynamic_phi)
    for s in data.sectors:
        cols = np.flatnonzero(np.isclose(phi, s.phi, atol=1e-6))
        _same(s.fixed, xv.fit_tauq(fit, q_range=q_range, alpha=2.0, bins=cols), TAUQ, f"φ={s.phi}")
        _same(s.free, xv.fit_tauq(fit, q_range=q_range, alpha=None, bins=cols), TAUQ, f"φ={s.phi}")


def test_trends_fits_in_the_process_equal_fit_g2_and_are_reused(worker, jax_backend, data_dir):
    from xpcsviewer.gui.tabs.trends.controller import TrendsController

    files = [xv.open(data_dir / f"{n}_results.hdf") for n in ("brownian_a", "phi_c", "aging_b")]
    tab = TrendsController()
    # fit_g2 of two files, then fit_tauq twice: two calls in the child.
    data = _in_child(worker, 2, tab.prepare, files[:2], CancelToken(), _progress)
    api = xv.fit_g2(files[:2], model="single")
    _same(data.fit, api, ("values", "errors", "chi2_red", "q"), "g2 fit")
    assert data.fit.paths == api.paths and data.fit.status == api.status
    _same(data.fixed, xv.fit_tauq(api, alpha=2.0), TAUQ, "D")
    _same(data.free, xv.fit_tauq(api, alpha=None), TAUQ, "alpha")
    # A third file: only it is fitted (one fit_g2 + one tau(q) call), the rest reused; the
    # same as the tab's own path on this thread (the same batches, so to 1e-10) ...
    again = _in_child(worker, 2, tab.prepare, files, CancelToken(), _progress)
    here = TrendsController()
    here.prepare(files[:2], CancelToken(), _progress)
    local = here.prepare(files, CancelToken(), _progress)
    _same(again.fit, local.fit, ("values", "errors", "chi2_red", "q"), "g2 fit, joined")
    _same(again.fixed, local.fixed, TAUQ, "D, joined")
    _same(again.free, local.free, TAUQ, "alpha, joined")
    # ... and the fit of all three at once, to 1e-8: a bin's fit does not depend on the
    # batch it ran in, up to the last bits of a differently shaped program (3e-10 seen).
    api = xv.fit_g2(files, model="single")
    np.testing.assert_allclose(again.fit.values, api.values, rtol=1e-8, equal_nan=True)
    assert again.fit.paths == api.paths


@pytest.fixture
def one_sample(tmp_path, data_dir):
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"b{i}.hdf")
        shutil.copy(data_dir / "brownian_a_results.hdf", paths[-1])
    return paths


def test_average_preview_in_the_process_equals_average_g2(worker, jax_backend, one_sample):
    from xpcsviewer.gui.tabs.average.controller import AverageController

    files = [xv.open(p) for p in one_sample]
    data = _in_child(worker, 1, AverageController().prepare, files, CancelToken(), _progress)
    api = average_g2([f.tau for f in files], [f.g2 for f in files], [f.g2_err for f in files],
                     intensities=[trace_mean(f) for f in files], names=[f.name for f in files])
    np.testing.assert_allclose(data.tau, np.asarray(api.tau), rtol=1e-10)
    np.testing.assert_allclose(data.mean, np.asarray(api.g2)[:, 0], rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(data.err, np.asarray(api.g2_err)[:, 0], rtol=1e-10, equal_nan=True)
    assert [r.used for r in data.rows] == [True] * 3


def test_average_write_in_the_process_writes_what_the_api_writes(worker, jax_backend, one_sample,
                                                                 tmp_path):
    from xpcsviewer.gui.tabs.average.controller import AverageController

    tab = AverageController()
    data = tab.prepare([xv.open(p) for p in one_sample], CancelToken(), _progress)
    seen = []
    out = _in_child(worker, 1, tab.write, data, tmp_path / "avg.hdf", CancelToken(),
                    lambda f, m="": seen.append(f))
    assert seen and seen[-1] == pytest.approx(1.0)  # progress came back from the child
    local = average_files(one_sample, tmp_path / "avg_here.hdf")
    a, b = xv.open(out.path), xv.open(local.path)
    np.testing.assert_allclose(a.g2, b.g2, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(a.g2_err, b.g2_err, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(a.tau, b.tau, rtol=1e-10)


def test_a_cancelled_write_in_the_process_leaves_no_file(worker, jax_backend, one_sample, tmp_path):
    from xpcsviewer.gui.tabs.average.controller import AverageController

    tab = AverageController()
    data = tab.prepare([xv.open(p) for p in one_sample], CancelToken(), _progress)
    token = CancelToken()
    token.cancel()  # pressed before the job process got to it: the child must not write
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = worker.remote_calls
    with bound(worker, token), pytest.raises(JobCancelled):
        tab.write(data, out_dir / "avg.hdf", token, _progress)
    assert worker.remote_calls == before  # it stopped there: no result came back
    assert list(out_dir.iterdir()) == []  # neither the file nor its temporary file
    assert worker.alive
