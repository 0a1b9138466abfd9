"""``scan(folder)``: list result files with kind and a few metadata fields, loading no arrays.

``list_folder(folder)`` is the first half alone: names, sizes and modification times from the
directory (no HDF5), a few ms for a thousand files, so a listing shows at once; ``summarize``
then fills each row in (the GUI does it in the background, a chunk at a time).

Speed matters (a beamline folder holds thousands of files): per file this opens the HDF5
header and reads what opening a file reads (``_layout.read_core``: the layout probe, a few kB
of g2 and q lists, shape checks of the big arrays) plus two texts. So a file is listed as
readable exactly when ``open`` reads it, and one bad file, of any kind, is a row with an error
and never hides the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import XpcsFormatError
from ._h5 import Source
from ._keys import LEGACY_APS, NEXUS_8IDI, RESULT_SUFFIXES
from ._layout import read_core


@dataclass(frozen=True)
class FileSummary:
    """One row of a folder listing. ``error`` is "" for a readable file, else the problem
    (and the other fields are empty). ``frame_time_s`` in s; ``kinds`` ⊆ {multitau, twotime}.
    ``notes``: what the reader set aside in a readable file (as ``XpcsFile.notes`` at open,
    plus unreadable sample name or start time). ``size_bytes`` and ``mtime`` (s since the
    epoch) from the file system (0 and NaN when it cannot be stat'ed). ``summarized`` is False
    for a :func:`list_folder` row, whose kind, sample and bins are not read yet.
    """

    path: Path
    name: str
    kinds: frozenset[str]
    sample_name: str
    start_time: str
    n_bins: int
    frame_time_s: float
    layout: str = ""
    error: str = ""
    notes: tuple[str, ...] = ()
    size_bytes: int = 0
    mtime: float = np.nan
    summarized: bool = True


def _stat(path: Path) -> tuple[int, float]:
    try:
        st = path.stat()
    except OSError:  # vanished, broken link, no permission: summarize says which
        return 0, np.nan
    return int(st.st_size), float(st.st_mtime)


def _error_row(path: Path, problem: str, size: int, mtime: float) -> FileSummary:
    return FileSummary(path, path.name, frozenset(), "", "", 0, np.nan, "", problem,
                       size_bytes=size, mtime=mtime)


def summarize(path: Path) -> FileSummary:
    """Summary of one file; never raises for a bad file (the problem goes in ``error``)."""
    path = Path(path)
    size, mtime = _stat(path)
    try:
        with Source(path) as src:
            reader, core = read_core(src)
            k = LEGACY_APS if reader.NAME == "aps-legacy" else NEXUS_8IDI
            sample, start = src.text(k["sample_name"]), src.text(k["start_time"])
            return FileSummary(
                path=path,
                name=path.name,
                kinds=core.kinds,
                sample_name=sample,
                start_time=start,
                n_bins=int(core.n_bins),
                frame_time_s=float(core.frame_time_s),
                layout=reader.NAME,
                notes=tuple(dict.fromkeys((*core.notes, *src.notes))),
                size_bytes=size,
                mtime=mtime,
            )
    except XpcsFormatError as exc:
        return _error_row(path, exc.problem, size, mtime)
    except (OSError, MemoryError) as exc:  # the gate wraps these; a last guard for the listing
        return _error_row(path, f"cannot be read: {exc}", size, mtime)


def summarize_many(paths: list[Path], progress: Any = None, cancel: Any = None) -> list[FileSummary]:
    """:func:`summarize` of each of ``paths``, in order. ``progress(fraction, message)`` hears
    of each file before it is read; ``cancel()`` returning True stops the loop early (the rows
    read so far are returned). The viewer runs this in its reader process, one chunk of a
    folder at a time, so that h5py, which holds the GIL while it reads, never holds it in the
    window's process."""
    out = []
    for i, path in enumerate(paths):
        if cancel is not None and cancel():
            break
        if progress is not None:
            progress(i / max(len(paths), 1), f"reading {Path(path).name}")
        out.append(summarize(path))
    return out


def list_folder(folder: str | Path) -> list[FileSummary]:
    """The rows of :func:`scan` with only ``path``, ``name``, ``size_bytes`` and ``mtime``
    filled (``summarized`` False): no file is opened. Same rows, same order, same errors for
    a missing folder as :func:`scan`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    rows = []
    with os.scandir(folder) as entries:
        for entry in entries:
            # os.path, not Path, for the test: building a Path per entry is a third of the time
            if os.path.splitext(entry.name)[1].lower() not in RESULT_SUFFIXES:
                continue
            try:  # DirEntry.stat follows links and caches; no extra system call on most systems
                st = entry.stat()
                size, mtime = int(st.st_size), float(st.st_mtime)
            except OSError:
                size, mtime = 0, np.nan
            rows.append(FileSummary(folder / entry.name, entry.name, frozenset(), "", "", 0, np.nan,
                                    size_bytes=size, mtime=mtime, summarized=False))
    rows.sort(key=lambda row: row.name)
    return rows


def scan(folder: str | Path) -> list[FileSummary]:
    """Result files (``.hdf``, ``.h5``, ``.hdf5``, ``.nxs``) directly in ``folder``, by name.

    Every entry with such a name is listed, readable or not: a file that cannot be read (no
    permission, vanished since the listing, damaged, refused by the reader's rules), a folder
    or a broken symbolic link with that name are rows with ``error`` set, so the GUI can show
    why a file is greyed out. Raises ``NotADirectoryError`` when ``folder`` is not a folder
    (and ``PermissionError`` when it cannot be listed).
    """
    return [summarize(row.path) for row in list_folder(folder)]
