"""The fit warm-up at start-up: a job of the window's job runner, so quitting cancels it.

:func:`xpcsviewer.fitting.warm_up` builds (or loads from the on-disk export cache) the
least-squares programs of the common (model, shape bucket) pairs, so the first fit a user
asks for does not wait for JAX to trace and compile. It runs through the one job runner
rather than on a thread of its own: the status panel shows it; in the app it runs in the job
process, where the fits run, and a fit asked for meanwhile stops it at its next program
(``offload_background``); on a thread, a fit of the same shape waits for its program instead
of building it twice. Closing the window cancels it between two programs and joins its
thread (``JobRunner.shutdown``), so no Python thread is left inside XLA at exit.
"""

from __future__ import annotations

from typing import Any

from ._token import JobCancelled
from .jobs import Job, JobRunner
from .offload import offload_background

JOB_NAME = "preparing fits"


def start_fit_warm_up(runner: JobRunner, **warm_up_options: Any) -> Job | None:
    """Submit the warm-up to ``runner``; ``None`` when the backend is not JAX (no compiles).

    ``warm_up_options`` go to :func:`xpcsviewer.fitting.warm_up` (``models``, ``buckets``).
    A failure is only listed in the status panel by the runner: nothing depends on it.
    """
    from xpcsviewer.backends import get_backend

    if get_backend().name != "jax":
        return None

    def work(token: Any, progress: Any) -> dict:
        from xpcsviewer.fitting import warm_up

        # In the job process when the app runs one (that is where the fits will run); a fit
        # asked for meanwhile stops it at its next program instead of queueing behind it.
        done = offload_background(warm_up, cancelled=lambda: token.cancelled,
                                  progress=progress, **warm_up_options)
        if token.cancelled:
            raise JobCancelled()
        return done

    return runner.submit(JOB_NAME, work)
