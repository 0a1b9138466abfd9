"""Jobs' JAX calls in the worker process give the same results as on the job thread.

One spawned worker serves the module's tests (starting one imports JAX: seconds). Each test
checks that the call really ran in the child (``remote_calls``) and compares with the same
call on this thread: fits to 1e-10 relative (the same program on the same inputs), NUTS draws
exactly (same seed). Also: progress and cancel travel, errors come back with their type, an
argument that cannot be pickled runs on the thread, and the job runner stops the process.
"""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.gui._token import CancelToken
from xpcsviewer.gui.offload import WorkerProcess, bound, fit_input, offload

FIELDS = ("values", "errors", "chi2_red", "n_steps")


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
def brownian(data_dir):
    from xpcsviewer.backends import set_backend

    set_backend("jax")
    return xv.open(data_dir / "brownian_a_results.hdf")


def _remote(worker, fn, *args, token=None, **kwargs):
    before = worker.remote_calls
    with bound(worker, token or CancelToken()):
        out = offload(fn, *args, **kwargs)
    assert worker.remote_calls == before + 1, "the call did not run in the worker process"
    return out


def test_fit_in_the_process_equals_the_fit_on_the_thread(worker, brownian):
    remote = _remote(worker, xv.fit_g2, fit_input(brownian), model="stretched")
    local = xv.fit_g2(brownian, model="stretched")
    for k in FIELDS:
        np.testing.assert_allclose(np.asarray(getattr(remote, k), float),
                                   np.asarray(getattr(local, k), float),
                                   rtol=1e-10, atol=0, equal_nan=True, err_msg=k)
    assert remote.status == local.status
    same = ("model", "backend", "device", "solver", "inputs", "versions")
    assert [getattr(remote.provenance, k) for k in same] == [getattr(local.provenance, k)
                                                             for k in same]


def test_the_nuts_warm_up_builds_the_programs_the_first_nuts_uses(worker, brownian):
    # The g2 tab's "Bayesian fit" in a new job process: after the warm-up (a synthetic bin of
    # the same delay bucket) its first NUTS traces nothing, and draws what a NUTS without a
    # warm-up draws. The shapes are the next test's, so the suite traces them once.
    # (Built: traced, or read from the disk cache a first fit turns on; counted either way.)
    from xpcsviewer.fitting import warm_up_nuts
    from xpcsviewer.fitting._kernel_cache import cache_stats
    from xpcsviewer.fitting._nuts_kernel import traces

    def built():
        return _remote(worker, traces), sum(_remote(worker, cache_stats).values())

    options = {"num_samples": 60, "num_chains": 2, "chunks": 3}
    before = built()
    done = _remote(worker, warm_up_nuts, models=("single",), delays=(48,), **options)
    assert list(done) == [("single", 48)]  # brownian_a's 48 delays: the same bucket
    after = built()
    assert after[1] >= before[1] + 2  # init and advance (and the least squares, once)
    remote = _remote(worker, xv.sample_g2, fit_input(brownian), 3, **options)
    assert built() == after  # the first NUTS traced, read and exported nothing
    assert remote.num_draws == 60 and not remote.cancelled
    local = xv.sample_g2(brownian, 3, **options)  # this process: no warm-up
    for name in local.samples:
        np.testing.assert_array_equal(remote.samples[name], local.samples[name])


def test_nuts_in_the_process_draws_what_the_thread_draws(worker, brownian):
    seen = []
    remote = _remote(worker, xv.sample_g2, fit_input(brownian), 3, num_samples=60,
                     num_chains=2, chunks=3, progress=lambda f, m="": seen.append((f, m)),
                     cancel=lambda: False)
    local = xv.sample_g2(brownian, 3, num_samples=60, num_chains=2, chunks=3)
    assert set(remote.samples) == set(local.samples)
    for name in local.samples:
        np.testing.assert_array_equal(remote.samples[name], local.samples[name])
    # Progress came back from the child, in order, up to done.
    assert [f for f, _ in seen] == sorted(f for f, _ in seen) and seen[-1][0] == 1.0


def test_a_cancelled_job_stops_the_sampler_in_the_process(worker, brownian):
    token = CancelToken()

    def progress(fraction, message=""):
        token.cancel()  # the user presses Cancel after the first piece

    result = _remote(worker, xv.sample_g2, fit_input(brownian), 3, num_samples=60,
                     num_chains=1, chunks=6, progress=progress, cancel=lambda: token.cancelled,
                     token=token)
    assert result.cancelled
    n_drawn = next(iter(result.samples.values())).shape[-1]
    assert n_drawn < 60


def test_an_error_in_the_process_comes_back_with_its_type(worker, brownian):
    before = worker.remote_calls
    with bound(worker, CancelToken()), pytest.raises(ValueError, match="nope"):
        offload(xv.fit_g2, fit_input(brownian), model="nope")
    assert worker.remote_calls == before  # no result came back: it failed there
    assert worker.alive


def test_an_argument_that_cannot_travel_runs_on_the_thread(worker, brownian):
    before = worker.remote_calls
    with bound(worker, CancelToken()):
        fit = offload(xv.fit_g2, brownian, model="single")  # an open HDF5 file: not picklable
    assert worker.remote_calls == before
    np.testing.assert_allclose(fit.values, xv.fit_g2(brownian, model="single").values,
                               rtol=1e-10)


def test_without_a_worker_offload_is_a_plain_call(brownian):
    fit = offload(xv.fit_g2, fit_input(brownian), model="single")
    np.testing.assert_allclose(fit.values, xv.fit_g2(brownian, model="single").values,
                               rtol=1e-10)


def test_the_job_runner_runs_jobs_in_its_process_and_stops_it(qtbot, brownian):
    from xpcsviewer.gui.jobs import JobRunner

    runner = JobRunner()
    worker = runner.use_worker_process()
    got = {}
    job = runner.submit("fit", lambda token, progress: offload(
        xv.fit_g2, fit_input(brownian), model="single"),
        on_result=lambda r: got.setdefault("fit", r))
    qtbot.waitUntil(lambda: job.done, timeout=300_000)
    assert worker.remote_calls == 1
    np.testing.assert_allclose(got["fit"].values, xv.fit_g2(brownian, model="single").values,
                               rtol=1e-10)
    assert runner.shutdown(-1)
    assert not worker.alive
    runner.deleteLater()


@pytest.fixture
def one_file(tmp_path, data_dir):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "brownian_a_results.hdf").symlink_to(data_dir / "brownian_a_results.hdf")
    return folder


class _Lent:
    """The module's worker lent to a window's runner: already started, and not the
    runner's to close (a second child would compile NUTS again: ~10 s of the suite)."""

    def __init__(self, worker):
        self._worker = worker

    def start(self):
        pass

    def close(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return getattr(self._worker, name)


def test_the_g2_tab_fits_and_samples_in_the_job_process(qtbot, make_window, one_file, worker,
                                                       monkeypatch):
    from test_tab_g2 import WAIT_MS, g2_view, wait_fit

    from xpcsviewer.backends import set_backend
    from xpcsviewer.gui import offload as offload_module

    set_backend("jax")
    window = make_window(one_file, select=1)
    monkeypatch.setattr(offload_module, "WorkerProcess", lambda: _Lent(worker))
    lent = window.runner.use_worker_process()
    start = worker.remote_calls
    view = g2_view(qtbot, window)
    s = view.state
    s.fit_on = True
    wait_fit(qtbot, window, view)
    assert isinstance(lent, _Lent) and worker.remote_calls == start + 1
    path = one_file / "brownian_a_results.hdf"
    with xv.open(path) as f:
        ref = xv.fit_g2(f, model="single")
    fit = view.last_data.fit
    np.testing.assert_allclose(fit.values, ref.values, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(fit.errors, ref.errors, rtol=1e-10, equal_nan=True)
    assert fit.status == ref.status

    s.bayes_column, s.bayes_samples, s.bayes_chains = 4, 60, 2
    with xv.open(path) as f:
        ref = xv.sample_g2(f, 4, **view.controller.bayes_kwargs(s.as_dict()))
    job = view.start_bayes()
    qtbot.waitUntil(lambda: job.done, timeout=WAIT_MS)
    assert worker.remote_calls == start + 2
    result = view.controller.bayes[(str(path), 4)]
    np.testing.assert_array_equal(result.samples["tau"], ref.samples["tau"])  # same seed



def test_a_closed_worker_runs_calls_on_the_thread_and_never_restarts(brownian):
    w = WorkerProcess()
    w.close()  # never started: nothing to stop
    w.start()
    assert not w.alive
    with bound(w, CancelToken()):
        fit = offload(xv.fit_g2, fit_input(brownian), model="single")
    assert w.remote_calls == 0 and not w.alive
    assert fit.values.shape == (12, 3)


def test_the_warm_up_gives_way_to_a_fit_asked_for_meanwhile(worker, brownian):
    import threading

    from xpcsviewer.fitting import warm_up
    from xpcsviewer.gui.offload import offload_background

    started, done = threading.Event(), {}
    # Three new padded shapes (32, 64 and 128 rows): three programs to build.
    buckets = ((8, 16), (40, 16), (100, 16))

    def warm():
        with bound(worker, CancelToken()):
            done.update(offload_background(
                warm_up, models=("single",), buckets=buckets, cancelled=lambda: False,
                progress=lambda f, m="": started.set()))

    thread = threading.Thread(target=warm)
    thread.start()
    assert started.wait(300)  # the first program is being built in the worker
    before = worker.remote_calls
    with bound(worker, CancelToken()):
        fit = offload(xv.fit_g2, fit_input(brownian), model="single")
    thread.join(300)
    assert worker.remote_calls == before + 2  # both ran in the worker
    assert 1 <= len(done) < len(buckets)  # it stopped at its next program
    np.testing.assert_allclose(fit.values, xv.fit_g2(brownian, model="single").values,
                               rtol=1e-10)


def test_a_device_change_replaces_the_process_and_the_gpu_keeps_jobs_on_threads(
        qtbot, monkeypatch):
    from xpcsviewer.backends import DeviceManager, set_backend
    from xpcsviewer.gui.jobs import JobRunner

    set_backend("jax")
    runner = JobRunner()
    first = runner.use_worker_process()
    runner.restart_worker_process()  # what a preference change does
    second = runner._worker
    assert second is not None and second is not first and not first.alive
    # On the GPU two processes would each preallocate most of its memory: no process.
    monkeypatch.setattr(DeviceManager.instance(), "use_gpu", True)
    runner.restart_worker_process()
    assert runner._worker is None and not second.alive
    monkeypatch.setattr(DeviceManager.instance(), "use_gpu", False)
    runner.restart_worker_process()  # back on the CPU: the process asked for comes back
    assert runner._worker is not None
    assert runner.shutdown(-1) and runner._worker is None
    runner.restart_worker_process()  # after shutdown nothing starts again
    assert runner._worker is None
    runner.deleteLater()


# -- the tabs' jobs (issue 16): Trends fits its new files in the job process; the Diffusion
# tab (fit_tauq: NumPy) and the Average tab (small JAX programs, GUI gaps under 25 ms on the
# thread) stay on the job thread, where they do not queue behind a NUTS run in the one job
# process (scripts/bench_gui_gaps.py measures each).
TAUQ = ("tau0", "tau0_err", "alpha", "alpha_err", "D", "D_err", "q", "tau", "used")


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


def test_trends_fits_in_the_process_equal_fit_g2_and_are_reused(worker, brownian, data_dir):
    from xpcsviewer.gui.tabs.trends.controller import TrendsController

    files = [brownian] + [xv.open(data_dir / f"{n}_results.hdf") for n in ("phi_c", "aging_b")]
    tab = TrendsController()
    # fit_g2 of two files in the child (fit_tauq, NumPy, stays on this thread).
    data = _in_child(worker, 1, tab.prepare, files[:2], CancelToken(), _progress)
    api = xv.fit_g2(files[:2], model="single")
    _same(data.fit, api, ("values", "errors", "chi2_red", "q"), "g2 fit")
    assert data.fit.paths == api.paths and data.fit.status == api.status
    _same(data.fixed, xv.fit_tauq(api, alpha=2.0), TAUQ, "D")
    _same(data.free, xv.fit_tauq(api, alpha=None), TAUQ, "alpha")
    # A third file: only it is fitted (one fit_g2 call), the rest reused; the same as the
    # tab's own path on this thread (the same batches, so to 1e-10) ...
    again = _in_child(worker, 1, tab.prepare, files, CancelToken(), _progress)
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
