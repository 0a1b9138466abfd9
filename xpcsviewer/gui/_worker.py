"""The worker process's side of :mod:`xpcsviewer.gui.offload` (Qt-free: the child imports it).

The child is started with the ``spawn`` method, so it shares nothing with the window's
process: it imports xpcsviewer, makes the backend and device what the parent uses, then
serves calls ``(id, pickled (fn, args, kwargs))`` one at a time from ``tasks`` until it
reads ``None``. Each call's progress, result or error goes back on ``results`` as ``(id,
kind, pickled payload, traceback text)``; ``cancel`` holds the id of the call to stop (read
by the call's ``cancel`` callable between its pieces).
"""

from __future__ import annotations

import os
import pickle
import traceback
from typing import Any

# Keyword arguments that carry callables: the parent replaces them with a marker, the child
# with a callable of its own that talks through the queues.
PROGRESS_KEYS = ("progress",)
CANCEL_KEYS = ("cancel", "cancelled")
READY = "ready"
NICE = 5  # the job process's scheduling priority, relative to the window's


def configure(setup: dict[str, Any]) -> None:
    """Make this process compute as the parent does: backend, device, compilation cache.
    ``setup``: ``backend`` ("jax" or "numpy"), optional ``cache_dir``, ``use_gpu``, and
    ``imports``, the module imported before the first call (default ``xpcsviewer.fitting``)."""
    from xpcsviewer.backends import DeviceManager, enable_compilation_cache, set_backend

    set_backend(setup["backend"])
    if setup["backend"] != "jax":
        return
    if setup.get("cache_dir"):
        from pathlib import Path

        enable_compilation_cache(Path(setup["cache_dir"]))
    if setup.get("use_gpu"):
        DeviceManager.instance().set_use_gpu(True)


def serve(tasks: Any, results: Any, cancel: Any, setup: dict[str, Any]) -> None:
    """The child's main loop (the ``Process`` target)."""
    try:
        # Below the window's process: when the CPUs are all busy (a compile uses every
        # core), the scheduler lets the GUI thread run first.
        os.nice(NICE)
    except (AttributeError, OSError):  # no nice() on this platform
        pass
    try:
        configure(setup)
        # Import what the calls need now, not at the first call: the parent starts this
        # process early so that a first click does not wait for it. The job process imports
        # the JAX stack; the reader process only the file readers (no JAX: 0.4 s).
        import importlib

        importlib.import_module(setup.get("imports", "xpcsviewer.fitting"))
    except BaseException as exc:  # noqa: BLE001 - the parent falls back to its own thread
        results.put((0, "failed", pickle.dumps(_portable(exc)), traceback.format_exc()))
        return
    results.put((0, READY, pickle.dumps(None), ""))
    while True:
        try:
            item = tasks.get()
        except (EOFError, OSError):  # the window's process is gone (killed): end quietly
            return
        if item is None:
            return
        call_id, payload = item
        try:
            fn, args, kwargs = pickle.loads(payload)
            for key in PROGRESS_KEYS:
                if key in kwargs:
                    kwargs[key] = _progress(results, call_id)
            for key in CANCEL_KEYS:
                if key in kwargs:
                    kwargs[key] = _cancelled(cancel, call_id)
            # Pickled here, not by the queue's feeder thread, so an unpicklable result is
            # an error of this call rather than a message lost in the feeder.
            reply = (call_id, "result", pickle.dumps(fn(*args, **kwargs)), "")
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = (call_id, "error", pickle.dumps(_portable(exc)), traceback.format_exc())
        results.put(reply)


def _progress(results: Any, call_id: int):
    def progress(fraction: float, message: str = "") -> None:
        results.put((call_id, "progress", pickle.dumps((float(fraction), str(message))), ""))
    return progress


def _cancelled(cancel: Any, call_id: int):
    return lambda: cancel.value == call_id


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc.with_traceback(None)
    except Exception:  # noqa: BLE001 - any exception type may refuse pickling
        return RuntimeError(f"{type(exc).__name__}: {exc}")
