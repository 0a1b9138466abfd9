"""τ(q) per φ sector: the power law fitted separately for each φ of each file, so an
anisotropic sample (flow, stretched gels) shows a D that depends on direction. Qt-free.

Each sector's fit is ``xpcsviewer.fit_tauq`` on the g2 fits of that sector's bins only; the
isotropic fit (all sectors together) stays the tab's main result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SectorFit:
    """The power law of one file's bins at one φ (degrees): ``free`` (α fitted) and
    ``fixed`` (α = 2, gives D in Å²/s), both TauQResults whose entry ``file_index`` is this
    file's; ``rows`` the g2-fit rows of the sector; ``phi`` NaN for a file whose bins carry
    no φ (its one sector is the whole file)."""

    phi: float
    file_index: int
    free: Any
    fixed: Any
    rows: np.ndarray

    def value(self, which: str, name: str) -> float:
        return float(getattr(getattr(self, which), name)[self.file_index])

    @property
    def label(self) -> str:
        """``"φ=30°"``, or ``"all φ"`` for a file whose bins carry no φ (a φ average)."""
        return f"φ={self.phi:g}°" if np.isfinite(self.phi) else "all φ"


def sector_fits(fit: Any, phis: list[np.ndarray] | None, q_range: Any) -> list[SectorFit]:
    """One SectorFit per (file, φ) of ``fit`` (a G2FitResult) when some file has several φ;
    ``phis``: per file, the φ (degrees) of each g2 column fitted (NaN for a φ average).
    Empty for isotropic data or without φ. Beside a multi-φ file, a file with one φ (or
    none) is one sector of its own (its fit is then its isotropic fit), so that every file
    fitted is drawn by φ, not only the multi-φ ones."""
    import xpcsviewer

    if fit is None or phis is None or len(phis) != len(fit.paths):
        return []
    per_file = []
    for k, phi in enumerate(phis):
        phi = np.asarray(phi, np.float64)
        rows = np.flatnonzero(fit.file_index == k)
        phi_rows = phi[fit.column[rows]]
        sectors = np.unique(np.round(phi_rows[np.isfinite(phi_rows)], 6))
        per_file.append((k, rows, phi_rows, sectors))
    if all(sectors.size < 2 for *_, sectors in per_file):
        return []
    out = []
    for k, rows, phi_rows, sectors in per_file:
        if rows.size and sectors.size < 2:  # the whole file is its one sector
            cols = np.unique(fit.column[rows])
            mask = np.zeros(fit.file_index.shape, bool)
            mask[rows] = True
            phi_one = float(sectors[0]) if sectors.size else float("nan")
            free = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=None, bins=cols)
            fixed = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=2.0, bins=cols)
            out.append(SectorFit(phi_one, k, free, fixed, mask))
            continue
        for s in sectors:
            cols = np.unique(fit.column[rows][np.isclose(phi_rows, s, atol=1e-6)])
            mask = np.zeros(fit.file_index.shape, bool)
            mask[rows[np.isin(fit.column[rows], cols)]] = True
            free = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=None, bins=cols)
            fixed = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=2.0, bins=cols)
            out.append(SectorFit(float(s), k, free, fixed, mask))
    return out


def sector_table(sectors: list[SectorFit], names: list[str]) -> list[tuple[str, list[str]]]:
    """Per file with several φ: a heading and, per φ sector, α ± error (α fitted) and
    D ± error (α = 2, Å²/s) in words (the values are ``fit_tauq``'s per sector)."""
    out = []
    for k, name in enumerate(names):
        mine = [s for s in sectors if s.file_index == k]
        if len(mine) < 2:  # one sector: its α and D are the file's own, already in the summary
            continue
        rows = []
        for s in mine:
            a, ae = s.value("free", "alpha"), s.value("free", "alpha_err")
            d, de = s.value("fixed", "D"), s.value("fixed", "D_err")
            alpha = f"α = {a:.3f} ± {ae:.3f}" if np.isfinite(a) else "α: —"
            diff = f"D = {d:.3g} ± {de:.2g}" if np.isfinite(d) else "D: —"
            rows.append(f"{s.label}: {alpha}, {diff}")
        out.append((f"{name} by φ (D in Å²/s at α = 2):", rows))
    return out


def sector_lines(sectors: list[SectorFit], names: list[str]) -> list[str]:
    """:func:`sector_table` as one line per file, for the tab (its label wraps them)."""
    return [f"{head} " + ";  ".join(rows) for head, rows in sector_table(sectors, names)]
