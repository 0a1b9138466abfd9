"""``warm_up_nuts``: build the NUTS programs a first "Bayesian fit" will need, before the click.

Tracing NumPyro's NUTS (``_nuts_kernel.compiled``: ``init`` and ``advance``) takes seconds
(6-7 s for the single model, 7-20 s stretched, on a loaded 2-core machine) and JAX's
persistent compilation cache does not skip the trace, so a first NUTS in a new process sat
at 0 % that long (issue 16); with the programs' export artifacts on disk it still spends
1.7-2.6 s reading them, importing numpyro and running the first eager steps. A program is keyed by (model, fixed values, num_warmup, draws
per piece, target acceptance) in ``compiled``'s cache and by the shapes of its inputs (the
chain count; one row of the delay bucket, ``_prepare._delay_bucket``: 48 covers files of 33
to 48 delays) in each jit's cache. The warm-up runs :func:`sample_g2` itself on a synthetic
bin of that shape and stops it after its first piece: the same code path as a real call, so
it builds exactly the programs the real call then reuses, for the price of the trace and
one piece of steps; with the programs' export artifacts on disk (``_nuts_kernel.programs``)
it loads them instead of tracing (about 1 s, mostly importing numpyro).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

# The g2 tab's defaults ("Bayesian fit": 500 draws per chain, warmup = draws, 2 chains, the
# sampler's 10 pieces) on the single model, for one 8-ID-I file's delay bucket.
DEFAULT_MODELS = ("single",)
DEFAULT_DELAYS = (48,)


def warm_up_nuts(
    models: Iterable[str] = DEFAULT_MODELS,
    delays: Iterable[int] = DEFAULT_DELAYS,
    *,
    num_samples: int = 500,
    num_chains: int = 2,
    num_warmup: int | None = None,
    fixed: dict | None = None,
    chunks: int = 10,
    target_accept: float = 0.8,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[tuple[str, int], float]:
    """Prepare the NUTS programs of :func:`sample_g2` for each model and delay count.

    Args:
        models: model names as for :func:`sample_g2`.
        delays: delay counts; a real bin reuses the program when its file's delay count
            falls in the same bucket (multiples of 16 up to 128).
        num_samples, num_chains, num_warmup, fixed, chunks, target_accept: as the real call
            will pass them (each is part of the program's key); the defaults are the g2
            tab's.
        cancelled: asked before each program and between its two parts (``init`` and the
            first piece); once True the warm-up stops (a part being traced finishes: a trace
            cannot be interrupted). The GUI's job process passes its give-way check.
        progress: ``progress(fraction, message)`` before each (model, delays) pair.

    Returns ``{(model, delays): seconds}`` per pair done. Does nothing (``{}``) when the
    active backend is not JAX. Raises ``ValueError`` for an unknown model.
    """
    from ..backends import get_backend
    from ._nuts import sample_g2
    from ._warmup import _synthetic

    if get_backend().name != "jax":
        return {}
    stop = cancelled or (lambda: False)
    spent: dict[tuple[str, int], float] = {}
    pairs = [(m, int(d)) for m in models for d in delays]
    for k, (model, n_tau) in enumerate(pairs):
        if stop():
            break
        if progress is not None:
            progress(k / len(pairs), f"preparing the {model} Bayesian fit for {n_tau} delays")
        start = time.perf_counter()
        sample_g2(_synthetic(1, n_tau), 0, model, num_samples, num_chains,
                  num_warmup=num_warmup, fixed=fixed, chunks=chunks,
                  target_accept=target_accept, cancel=_after_first_piece(stop))
        spent[(model, n_tau)] = time.perf_counter() - start
    return spent


def _after_first_piece(stop: Callable[[], bool]) -> Callable[[], bool]:
    """A cancel check for :func:`sample_g2`, which asks it before each piece: go on for the
    first piece only (it traces ``advance``), and not even that once ``stop()`` is True."""
    asked = []

    def check() -> bool:
        asked.append(None)
        return len(asked) > 1 or stop()

    return check
