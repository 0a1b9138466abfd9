"""Batch work on a folder of result files: one table of fits, a PDF report, snapshots.

Qt-free (except :func:`snapshot_folder`, which renders the viewer offscreen). Built on the
scripting API only: ``xv.scan`` lists the folder, ``xv.open`` reads a file, ``xv.fit_g2`` fits a
chunk of files in one compiled call, ``xv.fit_tauq`` gives each file's D. The command line is
``xpcsviewer batch fit | report | snapshot`` (``_cli.py``); scale-out on ``dask.distributed`` is
optional (``_dask.py``). Units: q in Å⁻¹, φ in degrees, τ in s, D in Å²/s.

    from xpcsviewer.batch import FitOptions, fit_files, list_files, write_table
    table = fit_files(list_files("results/"), FitOptions(model="single"))
    write_table(table, "fits.parquet")
"""

from __future__ import annotations

from ._chunk import FileEntry, fit_chunk
from ._options import FitOptions
from ._runner import chunks, fit_files, list_files
from ._table import BatchTable, read_table, table_schema, write_table

__all__ = [
    "BatchTable",
    "FileEntry",
    "FitOptions",
    "chunks",
    "fit_chunk",
    "fit_files",
    "list_files",
    "read_table",
    "table_schema",
    "write_report",
    "snapshot_folder",
    "write_table",
]


def write_report(table, out, **kwargs):
    """A PDF report of ``table`` (see ``_report.write_report``); imports matplotlib lazily."""
    from ._report import write_report as _write

    return _write(table, out, **kwargs)


def snapshot_folder(folder, out, **kwargs):
    """Offscreen snapshots of every file (see ``_snapshot.snapshot_folder``); imports Qt."""
    from ._snapshot import snapshot_folder as _snap

    return _snap(folder, out, **kwargs)
