"""The parameter table: one row per fitted bin, values ± errors, reduced chi², status, and
the NUTS diagnostics (R-hat, bulk ESS, divergences) where a Bayesian fit was run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from xpcsviewer.fitting import PARAM_UNITS as UNITS

from ...plotting import tooltip

_FAILED = QColor(255, 215, 215)
_AT_BOUND = QColor(255, 240, 200)


def value_text(value: float, error: float, free: bool) -> str:
    if not math.isfinite(value):
        return "—"
    if not free:
        return f"{value:.4g} (fixed)"
    return f"{value:.4g} ± {error:.2g}" if math.isfinite(error) else f"{value:.4g} ± ?"


def nuts_summary(result: Any) -> tuple[str, str, str]:
    """(max R-hat, min bulk ESS, divergences) over the sampled parameters."""
    summary = getattr(result, "summary", {}) or {}
    r_hat = [s.get("r_hat", math.nan) for s in summary.values()]
    ess = [s.get("ess_bulk", math.nan) for s in summary.values()]
    return (f"{max(r_hat):.3f}" if r_hat else "—", f"{min(ess):.0f}" if ess else "—",
            str(getattr(result, "divergences", "—")))


class FitTable(QTableWidget):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)

    def show_fit(self, fit: Any, bayes: dict[tuple[str, int], Any], names: list[str],
                 phis: list[Any] | None = None) -> None:
        """``fit`` a G2FitResult (or None); ``bayes`` NUTS results by (path, column);
        ``phis`` each file's φ per column (degrees; NaN for a φ average). Bins are shown
        1-based, as the files' roi labels."""
        self.clear()
        if fit is None:
            self.setRowCount(0)
            self.setColumnCount(1)
            self.setHorizontalHeaderLabels(["No fit yet: press Fit"])
            return
        params = [f"{p} ({UNITS[p]})" if p in UNITS else p for p in fit.params]
        header = ["file", "roi", "q (Å⁻¹)", "φ (°)", *params, "χ²/ν", "status", "R-hat", "ESS",
                  "div."]
        self.setColumnCount(len(header))
        self.setHorizontalHeaderLabels(header)
        self.setRowCount(fit.n_rows)
        for r in range(fit.n_rows):
            path = fit.paths[int(fit.file_index[r])]
            column = int(fit.column[r])
            phi = np.nan if phis is None else float(phis[int(fit.file_index[r])][column])
            # A φ average's columns are q rings, not the file's roi labels (as the panels say)
            bin_text = str(column + 1) if math.isfinite(phi) else f"ring {column + 1}"
            cells = [names[int(fit.file_index[r])] if names else Path(path).name, bin_text,
                     f"{fit.q[r]:.5g}", "avg" if not math.isfinite(phi) else f"{phi:.4g}"]
            cells += [value_text(float(v), float(e), free)
                      for v, e, free in zip(fit.values[r], fit.errors[r], fit.free, strict=True)]
            status = fit.status[r].value
            cells += [f"{fit.chi2_red[r]:.3g}" if math.isfinite(fit.chi2_red[r]) else "—",
                      status if fit.message[r] in ("converged", status) else
                      f"{status}: {fit.message[r]}"]
            result = bayes.get((str(path), column))
            cells += list(nuts_summary(result)) if result is not None else ["", "", ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(fit.message[r] if c == len(cells) - 4 else text))
                if status == "failed":
                    item.setBackground(_FAILED)
                elif status == "at_bound":
                    item.setBackground(_AT_BOUND)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()

    def cell(self, row: int, header: str) -> str:
        """The text under column ``header`` (for tests)."""
        for c in range(self.columnCount()):
            if self.horizontalHeaderItem(c).text() == header:
                item = self.item(row, c)
                return item.text() if item is not None else ""
        raise KeyError(header)
