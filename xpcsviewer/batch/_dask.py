"""Scale-out on ``dask.distributed``: one task per chunk, i.e. one batched fit per task.

Optional (``pip install 'xpcsviewer[distributed]'``); imported only when ``--workers`` or
``--scheduler`` is given. Workers are processes with one thread each: JAX runs its own thread
pool inside a process and is not fork-safe, so threads would fight over the cores and a
forked worker could deadlock. Each task sets the backend named in the options before
fitting (``_chunk.use_backend``), so workers fit in float64 on the same backend as a local run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ._chunk import FileEntry, fit_chunk
from ._options import FitOptions

_MISSING = (
    "--workers and --scheduler need dask.distributed: pip install 'xpcsviewer[distributed]'"
)


def worker_env(workers: int | None) -> dict[str, str]:
    """Environment of each local worker: the GPU memory share split between them.

    XLA pre-allocates ``XLA_PYTHON_CLIENT_MEM_FRACTION`` of the GPU in every process that
    uses it; workers inherit the parent's fraction (0.9 by default), so a second worker on
    the same GPU would fail to allocate. Each gets ``fraction / workers`` instead (JAX's GPU
    memory notes: https://docs.jax.dev/en/latest/gpu_memory_allocation.html). Harmless on CPU.
    """
    from xpcsviewer.backends import DeviceManager

    n = max(1, int(workers or 1))
    share = f"{DeviceManager.instance().memory_fraction / n:.4g}"
    return {"XLA_PYTHON_CLIENT_MEM_FRACTION": share, "XPCS_GPU_MEMORY_FRACTION": share}


def _client(workers: int | None, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(_MISSING) from exc
    if scheduler is not None:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, env=worker_env(workers))
    return Client(cluster), cluster


def run_on_dask(parts: list[list[FileEntry]], options: FitOptions, *, workers: int | None,
                scheduler: str | None,
                on_done: Callable[[list[FileEntry], list[dict]], None] | None = None,
                ) -> list[list[dict]]:
    """Rows of each chunk of ``parts`` (same order), computed as Dask tasks.

    A task that raises (a worker lost, an unexpected bug) is reported as error rows for its
    files rather than stopping the run.
    """
    from distributed import as_completed

    from ._chunk import error_row

    client, cluster = _client(workers, scheduler)
    try:
        # pure=False: the same chunk submitted twice is fitted twice, never served from a
        # stale result of another run on a shared scheduler.
        futures = [client.submit(fit_chunk, part, options, pure=False) for part in parts]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[list[dict] | None] = [None] * len(parts)
        for future in as_completed(futures):
            i = index[future.key]
            try:
                rows = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost task becomes error rows
                rows = [error_row(e, f"dask task failed: {type(exc).__name__}: {exc}")
                        for e in parts[i]]
            results[i] = rows
            if on_done is not None:
                on_done(parts[i], rows)
        return [r for r in results if r is not None]
    finally:
        client.close()
        if cluster is not None:
            # A JAX worker often outlives the nanny's 4 s grace at shutdown and is killed;
            # that is the end of our own cluster, not a fault worth a warning to the user.
            nanny = logging.getLogger("distributed.nanny")
            level = nanny.level
            nanny.setLevel(logging.ERROR)
            try:
                cluster.close()
            finally:
                nanny.setLevel(level)
