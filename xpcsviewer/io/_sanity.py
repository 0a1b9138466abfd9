"""Impossible values are reported, not shown as fine: what the physics requires, checked at read.

A file can be well formed and still say impossible things. What cannot be right is set aside
here, what is usable is kept, and each finding becomes a note (``XpcsFile.notes``) that says
what was wrong and what was done, so a plot never looks fine when it is not:

- multi-tau delays are positive, finite, strictly increasing times: rows with a negative, zero
  or non-finite delay are left out; delays out of order are sorted (each g2 row moves with its
  delay); a repeated delay keeps its first row. No usable delay at all: the multi-tau results
  are dropped (the file is refused when it has nothing else);
- g2 is finite or missing: ±inf becomes NaN (missing), as NaN already is everywhere;
- an error bar is a finite, non-negative number: others become NaN (the fit then masks the
  point, or fits the bin unweighted; see ``fitting._prepare``);
- roi labels name a stored column: a pixel whose label lies beyond the q lists (label > the
  number of stored bins, or negative) belongs to no bin and becomes 0, "unused".
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ._core import Core
from ._errors import XpcsFormatError
from ._records import QMap, frozen


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def check_core(path: Path, core: Core) -> Core:
    """``core`` with impossible multi-tau values set aside and ``notes`` saying so."""
    if core.tau is None or core.g2 is None or core.g2_err is None:
        return core
    notes: list[str] = list(core.notes)
    tau, g2, err = core.tau, core.g2, core.g2_err
    keep = np.isfinite(tau) & (tau > 0)
    if not keep.all():
        bad = np.flatnonzero(~keep)
        notes.append(f"{_plural(bad.size, 'delay')} negative, zero or NaN (rows {_rows(bad)}): "
                     "left out with their g2 rows")
    rows = np.flatnonzero(keep)
    if rows.size and np.any(np.diff(tau[rows]) <= 0):
        order = rows[np.argsort(tau[rows], kind="stable")]
        first = np.concatenate([[True], np.diff(tau[order]) > 0])
        if not np.all(np.diff(tau[rows]) >= 0):
            notes.append("delays were not in increasing order: sorted, each g2 row with its delay")
        if not first.all():
            notes.append(f"{_plural(int((~first).sum()), 'delay')} repeated: the first row of "
                         "each delay kept, the repeats left out")
        rows = order[first]
    if rows.size == 0:
        if "twotime" not in core.kinds:
            raise XpcsFormatError(path, "no usable multi-tau delay (all negative, zero or NaN)")
        notes.append("no usable multi-tau delay: multi-tau results left out, two-time kept")
        return replace(core, kinds=core.kinds - {"multitau"}, tau=None, g2=None, g2_err=None,
                       notes=tuple(notes))
    if rows.size != tau.size or np.any(rows != np.arange(tau.size)):
        tau, g2, err = tau[rows], g2[rows], err[rows]
    inf = np.isinf(g2)
    if inf.any():
        g2 = np.where(inf, np.nan, g2)
        notes.append(f"{_plural(int(inf.sum()), 'g2 value')} ±inf in bins "
                     f"{_rows(np.flatnonzero(inf.any(axis=0)))}: treated as missing (NaN)")
    bad_err = ~np.isnan(err) & ~(np.isfinite(err) & (err >= 0))
    if bad_err.any():
        err = np.where(bad_err, np.nan, err)
        notes.append(f"{_plural(int(bad_err.sum()), 'g2 error bar')} negative or infinite: "
                     "treated as unknown (NaN)")
    if len(notes) == len(core.notes):
        return core
    return replace(core, tau=_ro(tau), g2=_ro(g2), g2_err=_ro(err), notes=tuple(notes))


def check_qmap(path: Path, qm: QMap) -> tuple[QMap, tuple[str, ...]]:
    """``qm`` with roi labels beyond its q lists set to 0 (unused), and notes saying so."""
    notes: list[str] = []
    changes = {}
    for prefix in ("dynamic", "static"):
        roi = getattr(qm, f"{prefix}_roi_map")
        n = int(np.asarray(getattr(qm, f"{prefix}_index_mapping")).size)
        bad = (roi < 0) | (roi > n)
        if bad.any():
            labels = np.unique(roi[bad])
            notes.append(f"{prefix}_roi_map: {_plural(int(bad.sum()), 'pixel')} carry labels "
                         f"beyond the {n} stored {prefix} bins ({_rows(labels)}): treated as "
                         "unused (label 0)")
            changes[f"{prefix}_roi_map"] = frozen(np.where(bad, 0, roi))
    return (replace(qm, **changes) if changes else qm), tuple(notes)


def _rows(idx: np.ndarray) -> str:
    shown = ", ".join(str(int(i)) for i in idx[:6])
    return shown + (f" ... ({idx.size} in all)" if idx.size > 6 else "")


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)  # a fresh copy: the stored arrays stay untouched
    return frozen(a)
