"""g2 per part of a boost_corr ``-np`` run (``XpcsFile.g2_partial``), as curves. Qt-free.

The correlator flushes g2 after each part of the frames; part k holds the g2 of the frames
up to the end of part k (cumulative), NaN where a part was not written. Drawn over the final
g2, they show whether the sample changed during the run (a drift moves later parts away).
A φ average (a column with no source of its own in the file) has no stored parts.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def read_partial(files: list[Any]) -> tuple[dict[str, np.ndarray], list[str]]:
    """{path: (n_parts, n_tau, n_bins)} of the files that store g2 per part, and notes for
    those whose parts cannot be read (the file's other data stay usable)."""
    from xpcsviewer.io import XpcsFormatError

    out, notes = {}, []
    for f in files:
        try:
            parts = f.g2_partial
        except XpcsFormatError as exc:
            notes.append(f"{f.name}: g2 per part left out: {exc.problem}")
            continue
        if parts is not None:
            out[str(f.path)] = parts
    return out, notes


def part_curves(partial: dict[str, np.ndarray], f: Any, column: int) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(t (n_tau,) s, g2 (n_tau,), label) per written part of plotted column ``column`` of
    ``f`` (a ``FileG2``); parts that are all NaN (not yet written) are left out."""
    parts = partial.get(f.path)
    source = int(f.source[column])
    if parts is None or source < 0:
        return []
    n = parts.shape[0]
    return [(f.t, parts[k, :, source], f"part {k + 1}/{n}") for k in range(n)
            if np.isfinite(parts[k, :, source]).any()]
