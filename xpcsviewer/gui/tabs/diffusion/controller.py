"""Diffusion: tau(q) from the g2 tab's current fits, the power law tau = tau0 q^-alpha,
and D when alpha is fixed at 2. Qt-free.

The g2 tab publishes its current fits (``"g2_fit"``, with ``"g2_phi"`` the φ of each fitted
column); this tab follows both into ``state.g2_fit`` / ``state.g2_phi`` (the driver wires
the link), so a new fit invalidates this tab like any other setting.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from ..._events import State
from ..._words import listed
from .._model import TabController
from ._sectors import SectorFit, sector_fits

Q_LABEL = "q (Å⁻¹)"
TAU_LABEL = "τ (s)"
NO_FIT = "No g2 fits yet: fit g2 first (g2 tab → Fit)."


class DiffusionState(State):
    g2_fit: Any = None  # the g2 tab's current G2FitResult (compared by identity)
    alpha_free = True  # draw the power law with alpha fitted, else fixed at 2
    q_min: float | None = None  # power-law q range, 1/A; None = no limit
    q_max: float | None = None
    param_view = "contrast"  # parameter shown against q in the second plot
    g2_phi: Any = None  # per file, the φ of each g2 column of g2_fit (published with it)
    by_phi = True  # colour τ(q) by φ sector and fit each sector (when there are several)
    _transient = frozenset({"g2_fit", "g2_phi"})


@dataclass(frozen=True)
class DiffusionData:
    fit: Any  # G2FitResult or None
    free: Any = None  # TauQResult with alpha fitted
    fixed: Any = None  # TauQResult with alpha = 2 (gives D)
    message: str = ""  # why nothing is plotted
    settings: dict | None = None
    sectors: list[SectorFit] = field(default_factory=list)  # per (file, φ), when φ-resolved
    left_out: list[str] = field(default_factory=list)  # selected files the g2 fit does not hold

    @property
    def names(self) -> list[str]:
        return [] if self.fit is None else [Path(p).name for p in self.fit.paths]


def summary_lines(data: DiffusionData) -> list[str]:
    """Per file: alpha ± err (alpha fitted) and D ± err (alpha = 2), in words for the plot."""
    out = []
    for k, name in enumerate(data.names):
        free, fixed = data.free, data.fixed
        if not math.isfinite(free.alpha[k]) and not math.isfinite(fixed.D[k]):
            out.append(f"{name}: {free.message[k]}")
            continue
        alpha = (f"α = {free.alpha[k]:.3f} ± {free.alpha_err[k]:.3f}"
                 if math.isfinite(free.alpha[k]) else f"α: {free.message[k]}")
        # 1 Å²/s = 1e-8 µm²/s; both units, as colloid people think in µm²/s.
        d = (f"D = {fixed.D[k]:.4g} ± {fixed.D_err[k]:.2g} Å²/s = {fixed.D[k] * 1e-8:.4g} µm²/s (α = 2)"
             if math.isfinite(fixed.D[k]) else "D: —")
        cols = free.column[(free.file_index == k) & free.used] + 1
        # A φ-averaged fit's columns are q rings (the g2 tab's "φ average"), not the file's
        # roi labels: name them as the g2 panels do ("q bin 3").
        phis = (data.settings or {}).get("g2_phi")
        ringed = phis is not None and k < len(phis) and np.isnan(np.asarray(phis[k], float)).all()
        what = "q rings" if ringed else "roi"
        out.append(f"{name}: {alpha};  {d};  {int(free.n_used[k])} bins ({what} {label_ranges(cols)})")
    out += [f"{name}: not in the g2 fit (no multi-tau g2, a two-time only run; or selected "
            "after the fit)" for name in data.left_out]
    return out


def label_ranges(labels: Any) -> str:
    """``[1, 2, 3, 5, 7, 8]`` -> ``"1–3, 5, 7–8"``: which bins a fit used, briefly."""
    values = sorted({int(v) for v in labels})
    if not values:
        return "none"
    parts, start, prev = [], values[0], values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(parts)


def _no_fit_message(paths: list[Any]) -> str:
    """Why there is nothing to plot: a two-time only file has no multi-tau g2 at all."""
    from xpcsviewer.io import XpcsFormatError, open_file

    without = []
    for path in paths:
        try:
            if open_file(path).g2 is None:
                without.append(Path(path).name)
        except (XpcsFormatError, OSError):
            continue
    if without and len(without) == len(paths):
        return (f"{listed(without)}: no multi-tau g2 in this file (a two-time only run), "
                "so no τ(q): see the Two-time tab.")
    return NO_FIT


class DiffusionController(TabController):
    key = "diffusion"
    title = "Diffusion"
    files_from = "overlay"
    opens_files = False  # works from the fits, not the files
    state_class = DiffusionState
    render_only = frozenset({"param_view", "alpha_free", "by_phi"})
    follows = MappingProxyType({"g2_fit": "g2_fit", "g2_phi": "g2_phi"})

    def empty_message(self) -> str:
        return NO_FIT

    def prepare(self, files: list[Any], token: Any, progress: Any) -> DiffusionData:
        import xpcsviewer

        settings = self.state.as_dict()
        fit = settings["g2_fit"]
        if fit is None:
            return DiffusionData(None, message=_no_fit_message(files), settings=settings)
        wanted = {str(Path(p)) for p in files}
        if not wanted & set(fit.paths):
            return DiffusionData(None, message="The g2 fits are for other files: "
                                 "fit g2 first (g2 tab → Fit).", settings=settings)
        q_range = self.q_range(settings)
        free = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=None)
        fixed = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=2.0)
        sectors = sector_fits(fit, settings["g2_phi"], q_range)
        left_out = [Path(p).name for p in files if str(Path(p)) not in set(fit.paths)]
        return DiffusionData(fit, free, fixed, settings=settings, sectors=sectors,
                             left_out=left_out)

    @staticmethod
    def q_range(settings: dict[str, Any]) -> tuple[float, float] | None:
        lo, hi = settings["q_min"], settings["q_max"]
        if lo is None and hi is None:
            return None
        return (0.0 if lo is None else lo, math.inf if hi is None else hi)

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: DiffusionData) -> Path:
        """``path``: the power-law fits per file (alpha fitted, then alpha = 2) with their
        provenance as comments; ``<stem>_points.csv``: tau(q) per bin; ``<stem>.json``: both
        fits in full (the engine's own exports)."""
        path = Path(path)
        if data.fit is None:
            path.write_text(f"# {data.message}\n", encoding="utf-8")
            return path
        text = "# alpha fitted\n" + data.free.to_csv() + "# alpha fixed at 2 (D)\n" + data.fixed.to_csv()
        if data.sectors:  # the same per φ sector: D (alpha = 2) and alpha, each with its error
            text += "# per phi sector (phi in degrees)\nfile,phi_deg,alpha,alpha_err,D_A2_per_s,D_err_A2_per_s,n_used\n"
            for s in data.sectors:
                text += (f"{data.names[s.file_index]},{s.phi!r},{s.value('free', 'alpha')!r},"
                         f"{s.value('free', 'alpha_err')!r},{s.value('fixed', 'D')!r},"
                         f"{s.value('fixed', 'D_err')!r},{int(s.value('fixed', 'n_used'))}\n")
        path.write_text(text, encoding="utf-8")
        with path.with_name(f"{path.stem}_points.csv").open("w", newline="", encoding="utf-8") as h:
            h.write("# tau(q) from the g2 fits; q in 1/A, tau in s\n")
            writer = csv.writer(h)
            writer.writerow(["file", "column", "q_1_per_A", "phi_deg", "tau_s", "tau_err_s", "used"])
            t, phis = data.free, data.settings.get("g2_phi") if data.settings else None
            for r in range(t.q.size):
                k, c = int(t.file_index[r]), int(t.column[r])
                phi = float(phis[k][c]) if phis is not None else float("nan")
                writer.writerow([data.names[k], c, repr(float(t.q[r])), repr(phi), repr(float(t.tau[r])),
                                 repr(float(t.tau_err[r])), bool(t.used[r])])
        path.with_name(f"{path.stem}.json").write_text(
            '{"alpha_fitted": ' + data.free.to_json() + ', "alpha_2": ' + data.fixed.to_json() + "}",
            encoding="utf-8")
        return path


def param_points(fit: Any, name: str) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Per file: (file index, q, value, error) of parameter ``name`` over rows that did not fail."""
    values, errors = fit.param(name)
    out = []
    for k in range(len(fit.paths)):
        rows = (fit.file_index == k) & fit.ok
        out.append((k, fit.q[rows], values[rows], errors[rows]))
    return out
