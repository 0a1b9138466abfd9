"""Run the chunks of a batch fit: in this process, on a local Dask cluster, or on a scheduler.

Files are cut into chunks of ``options.chunk_size`` in folder order, whoever runs them, so a
chunk is the same batched ``fit_g2`` call everywhere and the table does not depend on where
it ran (``tests/test_batch.py`` checks in-process against ``--workers 2``).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ._chunk import FileEntry, fit_chunk
from ._options import FitOptions
from ._progress import Progress
from ._table import BatchTable


def list_files(folder: str | Path) -> list[FileEntry]:
    """The result files of ``folder`` in name order (``xpcsviewer.scan``), readable or not.

    Raises NotADirectoryError when ``folder`` is not a folder.
    """
    import xpcsviewer as xv

    return [
        FileEntry(i, str(s.path), s.start_time, s.error)
        for i, s in enumerate(xv.scan(folder))
    ]


def chunks(entries: list[FileEntry], size: int) -> list[list[FileEntry]]:
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def fit_files(entries: list[FileEntry], options: FitOptions, *, workers: int | None = None,
              scheduler: str | None = None, progress: Progress | None = None) -> BatchTable:
    """Fit every file of ``entries`` and gather the table (rows in folder order).

    ``workers``: start a local ``dask.distributed`` cluster of that many single-threaded
    worker processes (JAX is not fork-safe and one thread per process keeps each compiled
    call on one core). ``scheduler``: the address of a running cluster. Neither: in-process.
    Raises ImportError (naming the ``distributed`` extra) when Dask is asked for but absent.
    """
    parts = chunks(entries, options.chunk_size)
    if workers is None and scheduler is None:
        results = []
        for part in parts:
            results.append(fit_chunk(part, options))
            _tick(progress, part, results[-1])
        where = "in-process"
    else:
        from ._dask import run_on_dask

        results = run_on_dask(parts, options, workers=workers, scheduler=scheduler,
                              on_done=lambda part, rows: _tick(progress, part, rows))
        where = f"dask ({scheduler or f'local cluster, {workers} workers'})"
    rows = [row for part in results for row in part]
    return BatchTable.from_rows(rows, options.params, provenance(options, entries, where))


def _tick(progress: Progress | None, part: list[FileEntry], rows: list[dict]) -> None:
    if progress is not None:
        failed = len({r["path"] for r in rows if r["status"] == "error"})
        progress.update(len(part), f"{failed} failed in last chunk" if failed else "")


def provenance(options: FitOptions, entries: list[FileEntry], where: str) -> dict:
    from .. import __version__
    from ..fitting import MODELS

    return {
        "producer": f"xpcsviewer {__version__} batch fit",
        "xpcsviewer_version": __version__,
        "backend": options.backend,
        "device": _device(options.backend),
        "model": options.model,
        "formula": MODELS[options.model].formula,
        "options": options.to_dict(),
        "executor": where,
        "n_files": len(entries),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "versions": _versions(),
        "units": {"q": "1/A", "phi": "deg", "tau": "s", "D": "A^2/s"},
    }


def _device(backend: str) -> str:
    if backend != "jax":
        return "cpu"
    from ..backends import DeviceManager

    return DeviceManager.instance().device_label()


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for name in ("numpy", "jax", "jaxlib", "optimistix", "h5py", "distributed"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out
