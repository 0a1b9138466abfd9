"""Run a job's JAX call in a worker process, so the window's event loop never waits for the GIL.

JAX traces, lowers and dispatches in Python, holding the GIL for 0.1-1 s at a time; on a job
*thread* that stalls the window as long (issue 16: 0.2-1 s gaps during fits and NUTS). In a
worker *process* the window's process only waits on a queue, which releases the GIL.

A job calls :func:`offload` where it would call the heavy function itself::

    fit = offload(xpcsviewer.fit_g2, files, model="single")

When the job runner running the job has a worker process (``JobRunner.use_worker_process``),
the call runs there; otherwise (tests, the NumPy backend, a process that cannot start) it
runs on the job's own thread, as before. The results are the same: the child runs the same
code on the same inputs with the same backend, device and on-disk caches. Arguments and
results travel pickled; a ``progress`` callable comes back as ``(fraction, message)``
messages, and a ``cancel``/``cancelled`` callable becomes a check of a shared id that the
job's cancel token sets. A call that cannot travel (an argument that does not pickle) runs on
the thread. Qt-free: the job runner binds a worker to its threads (``bound``).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import pickle
import queue
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

from . import _worker
from ._token import CancelToken, JobCancelled

_local = threading.local()
POLL_S = 0.05  # how often a waiting job looks at its cancel token


def offload(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, in the worker process bound to this thread if there is one."""
    worker = getattr(_local, "worker", None)
    if worker is None:
        return fn(*args, **kwargs)
    return worker.call(fn, args, kwargs, getattr(_local, "token", None))


def offload_background(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """As :func:`offload`, for work that gives way: the worker runs one call at a time, so
    any other call submitted meanwhile asks this one to stop (through its ``cancelled``
    callable, at its next check). For the start-up warm-up, which a user's first fit must
    not queue behind."""
    worker = getattr(_local, "worker", None)
    if worker is None:
        return fn(*args, **kwargs)
    return worker.call(fn, args, kwargs, getattr(_local, "token", None), background=True)


@contextlib.contextmanager
def bound(worker: WorkerProcess | None, token: CancelToken | None) -> Iterator[None]:
    """Make :func:`offload` on this thread use ``worker`` (the job runner wraps each job)."""
    _local.worker, _local.token = worker, token
    try:
        yield
    finally:
        _local.worker = _local.token = None


def fit_input(f: Any) -> SimpleNamespace:
    """What the fitting functions read from a file (``tau``, ``g2``, ``g2_err``,
    ``dynamic_q``, ``path``), as plain arrays that can travel to the worker process; an
    open :class:`~xpcsviewer.XpcsFile` holds an HDF5 handle and cannot."""
    return SimpleNamespace(tau=f.tau, g2=f.g2, g2_err=getattr(f, "g2_err", None),
                           dynamic_q=f.dynamic_q, path=str(f.path))


def current_setup() -> dict[str, Any]:
    """The backend, device and compilation cache this process computes with."""
    from xpcsviewer.backends import DeviceManager, get_backend

    setup: dict[str, Any] = {"backend": get_backend().name}
    if setup["backend"] == "jax":
        from xpcsviewer.backends import configure_jax

        setup["cache_dir"] = configure_jax().config.jax_compilation_cache_dir
        setup["use_gpu"] = bool(DeviceManager.instance().use_gpu)
    return setup


class WorkerProcess:
    """One ``spawn``-ed child that runs offloaded calls one at a time, started on
    :meth:`start` and kept until :meth:`close`. Thread-safe; every failure to start or a
    child that dies makes the calls run on their own thread instead."""

    def __init__(self, name: str = "xpcsviewer-jobs") -> None:
        self.name = name  # the child's process name (and its result reader thread's)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._inboxes: dict[int, queue.Queue] = {}
        self._proc: Any = None
        self._ready = threading.Event()
        self._broken = False
        self._closed = False
        self._background: int | None = None  # the id of a call that gives way to others
        self.start_seconds: float | None = None  # spawn to ready (benchmarks report it)
        self.remote_calls = 0  # calls answered by the child (tests check the path taken)

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive() and not self._broken

    def start(self, setup: dict[str, Any] | None = None) -> None:
        """Spawn the child (returns at once; it imports JAX in the background)."""
        import time

        with self._lock:
            if self._proc is not None or self._closed:  # running, or closed for good
                return
            ctx = multiprocessing.get_context("spawn")
            self._tasks, self._results = ctx.Queue(), ctx.Queue()
            self._cancel = ctx.Value("q", -1)
            self._started_at = time.perf_counter()
            self._proc = ctx.Process(target=_worker.serve, name=self.name, daemon=True,
                                     args=(self._tasks, self._results, self._cancel,
                                           setup or current_setup()))
            self._proc.start()
            self._reader = threading.Thread(target=self._dispatch, name=f"{self.name}-results",
                                            daemon=True)
            self._reader.start()

    def _dispatch(self) -> None:
        import time

        while True:
            msg = self._results.get()
            if msg is None:
                return
            call_id, kind = msg[0], msg[1]
            if call_id == 0:  # the child's start-up
                self._broken = kind != _worker.READY
                self.start_seconds = time.perf_counter() - self._started_at
                self._ready.set()
                continue
            inbox = self._inboxes.get(call_id)
            if inbox is not None:  # else a call whose job stopped waiting (cancelled)
                inbox.put(msg)

    def call(self, fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any],
             token: CancelToken | None, background: bool = False) -> Any:
        """Run ``fn(*args, **kwargs)`` in the child; on this thread if it cannot."""
        token = token or CancelToken()
        if self._closed:
            return fn(*args, **kwargs)
        if self._proc is None:
            self.start()
        proc = self._proc
        while not self._ready.wait(POLL_S):
            token.raise_if_cancelled()
            if proc is None or not proc.is_alive():
                self._broken = True
                break
        progress = next((kwargs[k] for k in _worker.PROGRESS_KEYS if k in kwargs), None)
        stoppable = any(k in kwargs for k in _worker.CANCEL_KEYS)
        sent = {k: (True if k in _worker.PROGRESS_KEYS + _worker.CANCEL_KEYS else v)
                for k, v in kwargs.items()}
        try:
            payload = pickle.dumps((fn, args, sent))
        except Exception:  # noqa: BLE001 - an argument that cannot travel: run it here
            payload = None
        if self._broken or payload is None:
            return fn(*args, **kwargs)
        call_id = next(self._ids)
        inbox: queue.Queue = queue.Queue()
        self._inboxes[call_id] = inbox
        if self._background is not None:  # a warm-up is running or queued: let it stop
            self._cancel.value = self._background
        if background:
            self._background = call_id
        try:
            self._tasks.put((call_id, payload))
            return self._wait(proc, call_id, inbox, token, progress, stoppable)
        finally:
            self._inboxes.pop(call_id, None)
            if self._background == call_id:
                self._background = None

    def _wait(self, proc: Any, call_id: int, inbox: queue.Queue, token: CancelToken,
              progress: Callable | None, stoppable: bool) -> Any:
        while True:
            # Checked before every message, not only in a quiet moment: a call that sends
            # progress more often than POLL_S would otherwise never hear of the cancel.
            if token.cancelled:
                self._cancel.value = call_id
                if not stoppable:  # it cannot stop early: do not wait for it
                    raise JobCancelled() from None
            try:
                _, kind, payload, remote_tb = inbox.get(timeout=POLL_S)
            except queue.Empty:
                if self._closed:  # stopped by close() (quit, a device change): not a failure
                    raise JobCancelled() from None
                if not proc.is_alive():
                    self._broken = True
                    raise RuntimeError("the job process ended unexpectedly") from None
                continue
            value = pickle.loads(payload)
            if kind == "progress":
                if progress is not None:
                    progress(*value)
            elif kind == "result":
                self.remote_calls += 1
                return value
            else:
                value.add_note(f"in the job process:\n{remote_tb}")
                raise value

    def close(self, timeout_s: float = 5.0) -> None:
        """Ask the child to stop after its current call; end it if it does not in time."""
        with self._lock:
            proc, self._proc = self._proc, None
            self._broken = self._closed = True
            if proc is None:
                return
            self._tasks.put(None)
            proc.join(timeout_s)
            if proc.is_alive():  # inside a compile that cannot be interrupted
                proc.terminate()
                proc.join(timeout_s)
            self._tasks.cancel_join_thread()  # never wait at exit for a task nobody reads
            self._results.put(None)
            self._reader.join(timeout_s)
