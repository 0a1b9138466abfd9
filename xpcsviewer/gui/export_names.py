"""Suggested names for exported data and figures (Qt-free, so it is tested on its own).

A name says what is in the file: the file it came from (``brownian_a`` for
``brownian_a_results.hdf``, ``+2`` for two more files overlaid), the tab, and for tabs that
show a bin range the bins as the window shows them, 1-based like roi labels and boost_corr's
``-d 2-4``. Example: ``brownian_a_g2_bins1-12.csv``.
"""

from __future__ import annotations

import re
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")  # what a file name may hold on every OS


def file_stem(path: str | Path) -> str:
    """``brownian_a`` for ``…/brownian_a_results.hdf`` (boost_corr's suffix dropped)."""
    stem = Path(path).stem
    return stem[: -len("_results")] if stem.endswith("_results") and len(stem) > 8 else stem


def suggest_name(files: list[str | Path], tab: str, suffix: str,
                 bins: tuple[int, int] | None = None) -> str:
    """A file name for an export of tab ``tab`` (its key, e.g. ``"g2"``) showing ``files``
    (the first named, the others counted) and, when given, 1-based ``bins`` (first, last),
    ending in ``suffix`` (``".csv"``, ``".png"`` …). Characters unsafe in file names become
    ``_``; with no file it is ``xpcsviewer_<tab>``."""
    head = file_stem(files[0]) if files else "xpcsviewer"
    if len(files) > 1:
        head += f"+{len(files) - 1}"
    parts = [head, tab]
    if bins is not None:
        first, last = bins
        parts.append(f"bins{first}" if first == last else f"bins{first}-{last}")
    name = _UNSAFE.sub("_", "_".join(parts)).strip("._") or "export"
    return name + (suffix if suffix.startswith(".") else f".{suffix}")


def start_path(last_folder: str | Path | None, fallback: Path, name: str) -> Path:
    """Where a save dialog opens: the last export folder while it still exists, else
    ``fallback`` (the data folder, or home), with the suggested ``name``."""
    folder = Path(last_folder) if last_folder else None
    return (folder if folder is not None and folder.is_dir() else fallback) / name
