"""``scan(folder)``: list result files with kind and a few metadata fields, loading no arrays.

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
    plus unreadable sample name or start time).
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


def _error_row(path: Path, problem: str) -> FileSummary:
    return FileSummary(path, path.name, frozenset(), "", "", 0, np.nan, "", problem)


def summarize(path: Path) -> FileSummary:
    """Summary of one file; never raises for a bad file (the problem goes in ``error``)."""
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
            )
    except XpcsFormatError as exc:
        return _error_row(path, exc.problem)
    except (OSError, MemoryError) as exc:  # the gate wraps these; a last guard for the listing
        return _error_row(path, f"cannot be read: {exc}")


def scan(folder: str | Path) -> list[FileSummary]:
    """Result files (``.hdf``, ``.h5``, ``.hdf5``, ``.nxs``) directly in ``folder``, by name.

    Every entry with such a name is listed, readable or not: a file that cannot be read (no
    permission, vanished since the listing, damaged, refused by the reader's rules), a folder
    or a broken symbolic link with that name are rows with ``error`` set, so the GUI can show
    why a file is greyed out. Raises ``NotADirectoryError`` when ``folder`` is not a folder
    (and ``PermissionError`` when it cannot be listed).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if Path(e.name).suffix.lower() in RESULT_SUFFIXES)
    return [summarize(folder / name) for name in names]
