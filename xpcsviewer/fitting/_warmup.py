"""``warm_up``: build the least-squares programs a first click will need, before the click.

Qt-free, meant for a background thread at start-up (the GUI may call it once the window
shows). Each (model, bucket) pair is one fit of a synthetic g2 of that padded shape, so it
makes exactly the program a real fit of that shape uses: same key in the on-disk export
cache (``_kernel_cache.py``), same in-process jit cache. With the export cache already on
disk a pair costs a deserialisation (tens of ms); the first time ever it traces, compiles
and writes the artifact (seconds per pair).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from types import SimpleNamespace

import numpy as np

# (rows, delays) after _prepare.py's bucketing: rows are at least 32 (powers of two to 64),
# delays a multiple of 16. 32 x 48 covers one 8-ID-I file of up to 32 bins and 33-48
# delays (brownian_a 12 x 48, aging_b 10 x 34); 64 x 48 a multi-phi file (phi_c 59 x 44).
DEFAULT_BUCKETS = ((32, 48), (64, 48))
DEFAULT_MODELS = ("single", "stretched", "double")


def _synthetic(rows: int, delays: int) -> SimpleNamespace:
    # A clean single-exponential g2 on a multi-tau-like log grid: every default bound is
    # finite, as it is for real data, so the bound kinds (part of the key) are the real ones.
    tau = np.geomspace(1e-5, 10.0, delays)
    rates = np.geomspace(1.0, 1e3, rows)
    g2 = 1.0 + 0.2 * np.exp(-2.0 * rates[None, :] * tau[:, None])
    return SimpleNamespace(
        tau=tau,
        g2=g2,
        g2_err=np.full_like(g2, 1e-3),
        dynamic_q=np.geomspace(1e-3, 1e-1, rows),
        path=f"<warm-up {rows}x{delays}>",
    )


def warm_up(
    models: Iterable[str] = DEFAULT_MODELS,
    buckets: Iterable[tuple[int, int]] = DEFAULT_BUCKETS,
    *,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float, str], None] | None = None,
    **fit_options,
) -> dict[tuple[str, int, int], float]:
    """Prepare the JAX least-squares program for each model and ``(rows, delays)`` bucket.

    Args:
        models: model names as for :func:`fit_g2`.
        buckets: padded batch shapes ``(rows, delays)``; any row count up to ``rows`` and
            delay count up to ``delays`` in the same bucket then reuses the program (see
            ``docs/performance.md`` for the bucketing rule).
        cancelled: asked before each pair; once it returns True the warm-up stops and
            returns the pairs done so far (a pair already building is finished: a JAX
            trace or compile cannot be interrupted). The GUI passes its job's token.
        progress: called ``progress(fraction, message)`` before each pair (0..1).
        **fit_options: solver options passed to :func:`fit_g2` (``max_steps``, ``rtol``,
            ``atol``) when the GUI uses non-default ones; they are part of the key.

    Returns ``{(model, rows, delays): seconds}`` spent per pair. Does nothing (returns
    ``{}``) when the active backend is not JAX (fits then never compile). Raises
    ``ValueError`` for an unknown model.
    Thread-safe: a fit of the same shape started meanwhile waits for the program instead
    of building it twice.
    """
    from ..backends import get_backend
    from ._fit_g2 import fit_g2

    if get_backend().name != "jax":
        return {}
    spent: dict[tuple[str, int, int], float] = {}
    pairs = [(m, int(r), int(d)) for m in models for r, d in buckets]
    for k, (model, rows, delays) in enumerate(pairs):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(k / len(pairs), f"preparing the {model} fit for {rows} x {delays}")
        start = time.perf_counter()
        fit_g2(_synthetic(rows, delays), model=model, backend="jax", **fit_options)
        spent[(model, rows, delays)] = time.perf_counter() - start
    return spent


def start_warm_up(**kwargs) -> threading.Thread:
    """Run :func:`warm_up` (same arguments) on a daemon thread and return the started thread.

    For the GUI right after its window shows: the first fit a user asks for then finds its
    program ready (measured on brownian_a, JAX already imported, disk caches warm: first fit
    2.0-2.3 s without, 0.04 s after a warm-up, on a loaded 2-core machine). A daemon thread
    never keeps the application from quitting; an error in it is only printed by
    ``threading.excepthook``, never raised in the GUI. The viewer itself does not use this:
    it runs :func:`warm_up` as a job of its job runner, which cancels and joins it on quit
    (a daemon thread still inside XLA when the interpreter finalises can abort the process).
    """
    thread = threading.Thread(target=warm_up, kwargs=kwargs, name="xpcs-fit-warm-up", daemon=True)
    thread.start()
    return thread
