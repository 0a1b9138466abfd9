"""Background work: run a function on a QThreadPool with progress, cancel and errors.

A job is ``fn(token, progress) -> result``. ``token.raise_if_cancelled()`` lets long loops
stop early; ``progress(fraction, message)`` reports 0..1. Results, errors and progress are
emitted from a QObject that lives on the GUI thread, so Qt queues them there: callbacks
never run on the worker.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from . import offload
from ._token import CancelToken, JobCancelled

# How long a job's thread sleeps between two files it reads (give_way).
GIVE_WAY_S = 0.002


def give_way() -> None:
    """Called by a job between two files it reads: hand the GIL to the window's thread.

    h5py holds the GIL while it reads, and every call from Qt into Python on the window's
    thread (a table's ``data()``, an item's ``boundingRect``) waits for it meanwhile, up to
    the 5 ms switch interval each time. Without this pause a 200-file folder scan stalled the
    window 90-230 ms at a time; with it, 44-85 ms (``scripts/bench_g2_view.py``).
    """
    time.sleep(GIVE_WAY_S)

Progress = Callable[[float, str], None]


@dataclass
class JobError:
    """An exception raised by a job, carried to the GUI thread."""

    exception: BaseException
    traceback: str

    def __str__(self) -> str:
        return str(self.exception) or type(self.exception).__name__


class _Relay(QObject):
    # Created on the GUI thread; emitting from the worker queues the call back there.
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    stopped = Signal()


@dataclass(eq=False)
class Job:
    name: str
    token: CancelToken = field(default_factory=CancelToken)
    fraction: float = 0.0
    message: str = ""
    done: bool = False

    def cancel(self) -> None:
        self.token.cancel()


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: Callable[[CancelToken, Progress], Any], relay: _Relay,
                 worker: offload.WorkerProcess | None = None):
        super().__init__()
        self.setAutoDelete(True)
        self._job, self._fn, self._relay, self._worker = job, fn, relay, worker

    def run(self) -> None:
        token = self._job.token
        try:
            token.raise_if_cancelled()
            relay = self._relay
            with offload.bound(self._worker, token):  # offload() in the job uses the process
                result = self._fn(token, lambda f, m="": relay.progressed.emit(float(f), m))
            token.raise_if_cancelled()
        except JobCancelled:
            self._relay.stopped.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI
            # Only the text of the traceback travels: frames would keep the job's objects alive.
            self._relay.failed.emit(JobError(exc.with_traceback(None), traceback.format_exc()))
        else:
            self._relay.succeeded.emit(result)
        finally:
            # The pool may keep this wrapper a while; do not keep the job's closure with it.
            self._fn = self._relay = self._job = self._worker = None


class JobRunner(QObject):
    """Submits jobs to its own thread pool and tells listeners what is running."""

    job_started = Signal(object)  # Job
    job_progressed = Signal(object)  # Job
    job_finished = Signal(object)  # Job (finished, failed or cancelled)

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._running: dict[Job, _Relay] = {}
        self._worker: offload.WorkerProcess | None = None
        self._wants_worker = False
        # The folder scan's reader process (use_reader_process); None: read on a job thread.
        self.reader: offload.WorkerProcess | None = None

    def use_worker_process(self, enabled: bool = True) -> offload.WorkerProcess | None:
        """Run the jobs' :func:`~xpcsviewer.gui.offload.offload` calls in a worker process
        (started now, in the background, with this process's backend and device; kept until
        :meth:`shutdown`), or again on the job threads. Only for the JAX backend on the CPU:
        NumPy work is not traced, and two processes on one GPU would each claim most of its
        memory (XLA preallocates). The app turns it on; tests that build a window directly
        do not."""
        from xpcsviewer.backends import DeviceManager, get_backend

        self._wants_worker = enabled
        if self._worker is not None and not enabled:
            # Called on the GUI thread (a preference change): end a busy child quickly;
            # the jobs waiting for it end as cancelled.
            self._worker.close(timeout_s=1.0)
            self._worker = None
        if (enabled and self._worker is None and get_backend().name == "jax"
                and not DeviceManager.instance().use_gpu):
            self._worker = offload.WorkerProcess()
            self._worker.start()
        return self._worker

    def use_reader_process(self) -> offload.WorkerProcess:
        """Start (in the background) a second child process for reading files' summaries,
        kept until :meth:`shutdown`. h5py holds the GIL while it reads, so a job *thread*
        reading a 200-file folder took the GIL from the window hundreds of times and stalled
        its paints 120-220 ms (scripts/bench_g2_view.py); in a process the job thread only
        waits on a queue. NumPy backend, no JAX: the child is ready in ~0.4 s and takes no
        GPU memory. Separate from the job process, so a scan never queues behind a NUTS run.
        The app starts it; tests that build a window directly read on the thread."""
        if self.reader is None:
            self.reader = offload.WorkerProcess(name="xpcsviewer-reader")
            self.reader.start({"backend": "numpy", "imports": "xpcsviewer.io"})
        return self.reader

    @property
    def running(self) -> list[Job]:
        return list(self._running)

    def restart_worker_process(self) -> None:
        """After a backend or device change: a worker process in use is replaced by one that
        computes as this process now does (none is started unless one was asked for)."""
        if self._wants_worker:
            self.use_worker_process(False)
            self.use_worker_process(True)

    def submit(
        self,
        name: str,
        fn: Callable[[CancelToken, Progress], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[JobError], None] | None = None,
        on_progress: Callable[[Job], None] | None = None,
    ) -> Job:
        """Run ``fn(token, progress)`` off the GUI thread; callbacks run on the GUI thread.
        ``on_progress(job)`` hears this job's progress only (``job_progressed`` tells every
        listener about every job: twelve tabs listening made each report cost ~2 ms)."""
        job = Job(name)
        # No parent: a relay parented to the runner was deleted twice over when the runner
        # went while the relay's deleteLater was pending, and the next processEvents crashed
        # (1 run in ~25 of the jobs test; reproduced in a loop). Unparented, the relay is
        # deleted only by its deleteLater, on the GUI thread; the closures connected to its
        # signals keep it alive until then.
        relay = _Relay()
        self._running[job] = relay

        def progressed(fraction: float, message: str) -> None:
            job.fraction, job.message = fraction, message
            if not shiboken6.isValid(self):
                return
            if on_progress is not None:
                on_progress(job)
            self.job_progressed.emit(job)

        def finish() -> bool:
            """False when the runner (with its window) is gone: nobody is left to tell."""
            job.done = True
            relay.deleteLater()
            if not shiboken6.isValid(self):
                return False
            self._running.pop(job, None)
            self.job_finished.emit(job)
            return True

        def succeeded(result: Any) -> None:
            if finish() and on_result is not None and not job.token.cancelled:
                on_result(result)

        def failed(error: JobError) -> None:
            if finish() and on_error is not None and not job.token.cancelled:
                on_error(error)

        relay.progressed.connect(progressed)
        relay.succeeded.connect(succeeded)
        relay.failed.connect(failed)
        relay.stopped.connect(finish)
        self.job_started.emit(job)
        self._pool.start(_Runnable(job, fn, relay, self._worker))
        return job

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything, wait for the job threads, and stop the worker process (on
        window close and in tests). ``timeout_ms=-1`` waits as long as it takes."""
        self.cancel_all()
        done = self._pool.waitForDone(timeout_ms)
        self._wants_worker = False
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        return done
