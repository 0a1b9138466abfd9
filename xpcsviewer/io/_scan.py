"""``scan(folder)``: list result files with kind and a few metadata fields, loading no arrays.

Speed matters (a beamline folder holds thousands of files): per file this opens the HDF5
header, probes a handful of keys and reads four scalars; shapes come from dataset metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._errors import XpcsFormatError
from ._h5 import Source
from ._keys import LEGACY_APS, NEXUS_8IDI, RESULT_SUFFIXES
from ._layout import probe


@dataclass(frozen=True)
class FileSummary:
    """One row of a folder listing. ``error`` is "" for a readable file, else the problem
    (and the other fields are empty). ``frame_time_s`` in s; ``kinds`` ⊆ {multitau, twotime}.
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


def summarize(path: Path) -> FileSummary:
    """Summary of one file; never raises for a bad file (the problem goes in ``error``)."""
    try:
        with Source(path) as src:
            reader = probe(src)
            if reader.NAME == "aps-legacy":
                k = LEGACY_APS
                kinds = {"multitau"} if src.has(k["g2"]) else set()
                if src.has(k["c2_group"]):
                    kinds.add("twotime")
                n_bins = src.get(k["dynamic_q"]).size if src.has(k["dynamic_q"]) else 0
            else:
                k = NEXUS_8IDI
                kinds = {kind for kind in ("multitau", "twotime") if src.has(k[kind])}
                n_bins = src.get(k["dynamic_index_mapping"]).shape[0]
            return FileSummary(
                path=path,
                name=path.name,
                kinds=frozenset(kinds),
                sample_name=src.text(k["sample_name"]),
                start_time=src.text(k["start_time"]),
                n_bins=int(n_bins),
                frame_time_s=src.scalar(k["frame_time_s"], np.nan),
                layout=reader.NAME,
            )
    except XpcsFormatError as exc:
        return FileSummary(path, path.name, frozenset(), "", "", 0, np.nan, "", exc.problem)


def scan(folder: str | Path) -> list[FileSummary]:
    """Result files (``.hdf``, ``.h5``, ``.hdf5``, ``.nxs``) directly in ``folder``, by name.

    Unreadable files are listed with ``error`` set rather than dropped, so the GUI can show
    why a file is greyed out. Raises ``NotADirectoryError`` when ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    paths = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in RESULT_SUFFIXES and p.is_file()
    )
    return [summarize(p) for p in paths]
