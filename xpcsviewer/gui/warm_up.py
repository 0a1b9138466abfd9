"""The fit warm-up at start-up: a job of the window's job runner, so quitting cancels it.

:func:`xpcsviewer.fitting.warm_up` builds (or loads from the on-disk export cache) the
least-squares programs of the common (model, shape bucket) pairs, so the first fit a user
asks for does not wait for JAX to trace and compile. It runs through the one job runner
rather than on a thread of its own: the status panel shows it; in the app it runs in the job
process, where the fits run, and a fit asked for meanwhile stops it at its next program
(``offload_background``); on a thread, a fit of the same shape waits for its program instead
of building it twice. Closing the window cancels it between two programs and joins its
thread (``JobRunner.shutdown``), so no Python thread is left inside XLA at exit.

After the least-squares programs it prepares the NUTS programs of the g2 tab's "Bayesian
fit" with the tab's default options (:func:`nuts_options`), as a second call of its own in
the job process: tracing NUTS takes seconds that the persistent compilation cache does not
skip, and a first Bayesian fit otherwise sat at 0 % that long (issue 16).
"""

from __future__ import annotations

from typing import Any

from ._token import JobCancelled
from .jobs import Job, JobRunner
from .offload import offload_background

JOB_NAME = "preparing fits"


def nuts_options() -> dict[str, Any]:
    """The :func:`xpcsviewer.fitting.warm_up_nuts` options that build the programs the g2
    tab's "Bayesian fit" uses with its default settings (model, draws, chains)."""
    from .tabs.g2.controller import G2State

    return {"models": (G2State.model,), "num_samples": int(G2State.bayes_samples),
            "num_warmup": int(G2State.bayes_samples), "num_chains": int(G2State.bayes_chains)}


def start_fit_warm_up(runner: JobRunner, nuts: dict[str, Any] | None = None,
                      **warm_up_options: Any) -> Job | None:
    """Submit the warm-up to ``runner``; ``None`` when the backend is not JAX (no compiles).

    ``warm_up_options`` go to :func:`xpcsviewer.fitting.warm_up` (``models``, ``buckets``);
    ``nuts`` to :func:`xpcsviewer.fitting.warm_up_nuts` (default :func:`nuts_options`; an
    empty dict skips the NUTS part). A failure is only listed in the status panel by the
    runner: nothing depends on it.
    """
    from xpcsviewer.backends import get_backend

    if get_backend().name != "jax":
        return None

    nuts = nuts_options() if nuts is None else nuts

    def work(token: Any, progress: Any) -> dict:
        from xpcsviewer.fitting import warm_up, warm_up_nuts

        # In the job process when the app runs one (that is where the fits will run); a fit
        # asked for meanwhile stops it at its next program instead of queueing behind it.
        # One progress bar for both parts: the least squares fill its first half.
        share = 0.5 if nuts else 1.0
        done: dict = offload_background(
            warm_up, cancelled=lambda: token.cancelled,
            progress=lambda f, m="": progress(share * f, m), **warm_up_options)
        if nuts and not token.cancelled:
            # A second call: a job asked for meanwhile runs first (the process serves calls
            # in order) and one asked for later stops this at its next part.
            done.update(offload_background(
                warm_up_nuts, cancelled=lambda: token.cancelled,
                progress=lambda f, m="": progress(share + (1 - share) * f, m), **nuts))
        if token.cancelled:
            raise JobCancelled()
        return done

    return runner.submit(JOB_NAME, work)
