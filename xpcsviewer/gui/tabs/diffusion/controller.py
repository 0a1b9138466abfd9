"""Diffusion: tau(q) from the g2 tab's current fits, the power law tau = tau0 q^-alpha,
and D when alpha is fixed at 2. Qt-free.

The g2 fits reach this tab through the session (``Session.publish("g2_fit", ...)``); the
view copies the current one into ``state.g2_fit``, so a new fit invalidates this tab like
any other setting.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..._events import State
from .._model import TabController

Q_LABEL = "q (Å⁻¹)"
TAU_LABEL = "τ (s)"
NO_FIT = "No g2 fits yet: fit g2 first (g2 tab → Fit)."


class DiffusionState(State):
    g2_fit: Any = None  # the g2 tab's current G2FitResult (compared by identity)
    alpha_free = True  # draw the power law with alpha fitted, else fixed at 2
    q_min: float | None = None  # power-law q range, 1/A; None = no limit
    q_max: float | None = None
    param_view = "contrast"  # parameter shown against q in the second plot
    _transient = frozenset({"g2_fit"})


@dataclass(frozen=True)
class DiffusionData:
    fit: Any  # G2FitResult or None
    free: Any = None  # TauQResult with alpha fitted
    fixed: Any = None  # TauQResult with alpha = 2 (gives D)
    message: str = ""  # why nothing is plotted
    settings: dict | None = None

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
        out.append(f"{name}: {alpha};  {d};  {int(free.n_used[k])} bins")
    return out


class DiffusionController(TabController):
    key = "diffusion"
    title = "Diffusion"
    files_from = "overlay"
    opens_files = False  # works from the fits, not the files
    state_class = DiffusionState
    render_only = frozenset({"param_view", "alpha_free"})

    def empty_message(self) -> str:
        return NO_FIT

    def prepare(self, files: list[Any], token: Any, progress: Any) -> DiffusionData:
        import xpcsviewer

        settings = self.state.as_dict()
        fit = settings["g2_fit"]
        if fit is None:
            return DiffusionData(None, message=NO_FIT, settings=settings)
        wanted = {str(Path(p)) for p in files}
        if not wanted & set(fit.paths):
            return DiffusionData(None, message="The g2 fits are for other files: "
                                 "fit g2 first (g2 tab → Fit).", settings=settings)
        q_range = self.q_range(settings)
        free = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=None)
        fixed = xpcsviewer.fit_tauq(fit, q_range=q_range, alpha=2.0)
        return DiffusionData(fit, free, fixed, settings=settings)

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
        path.write_text(text, encoding="utf-8")
        with path.with_name(f"{path.stem}_points.csv").open("w", newline="", encoding="utf-8") as h:
            h.write("# tau(q) from the g2 fits; q in 1/A, tau in s\n")
            writer = csv.writer(h)
            writer.writerow(["file", "column", "q_1_per_A", "tau_s", "tau_err_s", "used"])
            t = data.free
            for r in range(t.q.size):
                writer.writerow([data.names[int(t.file_index[r])], int(t.column[r]),
                                 repr(float(t.q[r])), repr(float(t.tau[r])),
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
