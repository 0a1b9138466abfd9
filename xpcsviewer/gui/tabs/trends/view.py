"""Trends widgets: what to plot (quantity, x axis, bins, model, files) above one error-bar
plot, with the gaps and their reasons below."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...plotting import Line, LinePanel, LinesFigure, export_panels_figure
from .._base import TabView
from .._model import parse_number
from .controller import (
    D_NAME,
    SCOPES,
    UNITS,
    X_ORDER,
    X_START,
    TrendsController,
    TrendsData,
    parse_q_values,
)

MODELS = ("single", "stretched", "double")


def _log_y(quantity: str) -> bool:
    """τ (tau, tau2 ...) and D are drawn on a log axis."""
    return quantity.startswith("tau") or quantity == D_NAME


def _combo(items: list[str], current: str, setter) -> QComboBox:
    box = QComboBox()
    box.addItems(items)
    box.setCurrentText(current)
    box.currentTextChanged.connect(lambda text: text and setter(text))
    return box


class TrendsView(TabView):
    def __init__(self, controller: TrendsController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.scope = _combo(list(SCOPES), s.scope, lambda t: setattr(s, "scope", t))
        self.model = _combo(list(MODELS), s.model, lambda t: setattr(s, "model", t))
        self.quantity = _combo([s.quantity], s.quantity, lambda t: setattr(s, "quantity", t))
        self.x_axis = _combo([X_START, X_ORDER], s.x_axis, lambda t: setattr(s, "x_axis", t))
        self.q_edit = QLineEdit(s.q_values)
        self.q_edit.setPlaceholderText("first bin")
        self.q_edit.setToolTip("q of the bins to follow, Å⁻¹, comma separated; matched in each "
                               "file by (q, φ) against the first file")
        self.q_edit.editingFinished.connect(self._q_edited)
        self.phi_edit = QLineEdit("" if s.phi is None else f"{s.phi:g}")
        self.phi_edit.setPlaceholderText("first")
        self.phi_edit.setMaximumWidth(70)
        self.phi_edit.editingFinished.connect(self._phi_edited)
        row = QHBoxLayout()
        for text, widget in (("files:", self.scope), ("plot:", self.quantity), ("against:", self.x_axis),
                             ("q (Å⁻¹):", self.q_edit), ("φ (°):", self.phi_edit), ("model:", self.model)):
            row.addWidget(QLabel(text))
            row.addWidget(widget)
        row.addStretch(1)
        self.plot = LinePanel()
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.notes)

    def _q_edited(self) -> None:
        try:
            parse_q_values(self.q_edit.text())
        except ValueError:
            self.q_edit.setStyleSheet("color: #b00020")
            return
        self.q_edit.setStyleSheet("")
        self.state.q_values = self.q_edit.text().strip()

    def _phi_edited(self) -> None:
        text = self.phi_edit.text().strip()
        value = parse_number(text)
        if text and value is None:
            self.phi_edit.setStyleSheet("color: #b00020")
            return
        self.phi_edit.setStyleSheet("")
        self.state.phi = value

    @staticmethod
    def _refill(box: QComboBox, items: list[str], current: str) -> str:
        """Offer ``items`` keeping ``current`` when it is one of them; returns the choice."""
        chosen = current if current in items else items[0]
        was = box.blockSignals(True)
        box.clear()
        box.addItems(items)
        box.setCurrentText(chosen)
        box.blockSignals(was)
        return chosen

    def shown(self, data: TrendsData) -> tuple[list[Line], str, str, str]:
        """(series, x label, y label, title) of what the state asks to plot."""
        quantity = self._refill(self.quantity, list(data.trends), self.state.quantity)
        x_name = self._refill(self.x_axis, list(data.x), self.state.x_axis)
        x = data.x[x_name]
        many = len(data.trends[quantity]) > 1
        series = [Line(x, t.y, t.label if many else "", t.err, j, symbol=True)
                  for j, t in enumerate(data.trends[quantity])]
        unit = f" ({UNITS[quantity]})" if quantity in UNITS else ""
        n_drawn = int(self.drawn_files(data, quantity, x_name).sum())
        title = f"{quantity}{self.where(data.trends[quantity], n_drawn)} ({data.fit.model} fits)"
        return series, data.x_labels[x_name], quantity + unit, title

    @staticmethod
    def drawn_files(data: TrendsData, quantity: str, x_name: str) -> np.ndarray:
        """(n_files,) bool: the files with a point on the plot (a finite x and, in some
        series, a finite y, > 0 on the log axes of τ and D)."""
        x = np.asarray(data.x[x_name], np.float64)
        ys = np.array([np.asarray(t.y, np.float64) for t in data.trends[quantity]])
        ok = np.isfinite(ys) & ((ys > 0) if _log_y(quantity) else True)
        return np.isfinite(x) & ok.any(axis=0)

    def drawn_note(self, data: TrendsData) -> tuple[str, list[str]]:
        """Which files have no point, and why (their own notes, else what they lack), and
        the notes not said in it."""
        quantity, x_name = self.quantity.currentText(), self.x_axis.currentText()  # as shown()
        if quantity not in data.trends or x_name not in data.x:
            return "", data.notes
        drawn = self.drawn_files(data, quantity, x_name)
        gone = [n for n, d in zip(data.names, drawn, strict=True) if not d] + data.left_out
        if not gone:
            return "", data.notes
        rest = [n for n in data.notes if not any(n.startswith(f"{name}: ") for name in gone)]
        why = []
        for k, name in enumerate(data.names):
            if drawn[k]:
                continue
            said = [n.removeprefix(f"{name}: ") for n in data.notes if n.startswith(f"{name}: ")]
            if not np.isfinite(data.x[x_name][k]):
                said.append(f"no {data.x_labels[x_name]}")
            why.append(f"{name} ({'; '.join(said) or f'no {quantity} value'})")
        why += [f"{name} (no multi-tau g2, a two-time only run)" for name in data.left_out]
        total = len(data.names) + len(data.left_out)
        return f"{int(drawn.sum())} of {total} files drawn; not drawn: " + ", ".join(why), rest

    @staticmethod
    def where(trend: list, n_files: int) -> str:
        """The title's " across n files" and which bins: the first file's, and, when another
        file's paired bin lies elsewhere, that the others are at their nearest (how far at
        most); each file's own q is in the notes below the plot."""
        files = f" across {n_files} file{'' if n_files == 1 else 's'}"
        bins = [t for t in trend if t.ref]
        if not bins:
            return files
        dq, dphi = max(t.dq for t in bins), max(t.dphi for t in bins)
        if dq <= 1e-6 and dphi <= 1e-6:  # every file has these very bins
            return f" at {bins[0].label}{files}" if len(trend) == 1 else files
        at = f"{bins[0].ref}'s {bins[0].label}" if len(trend) == 1 else f"{bins[0].ref}'s bins"
        off = f"Δq ≤ {100 * dq:.1f}%" + (f", Δφ ≤ {dphi:.3g}°" if dphi > 1e-6 else "")
        others = "the other at its" if n_files == 2 else "the others at their"
        return f"{files} at {at}, {others} nearest bin ({off})"

    def render(self, data: TrendsData) -> None:
        if not data.names:
            self.plot.show_message(data.message)
            self.notes.setText("\n".join(data.notes))
            return
        series, x_label, y_label, title = self.shown(data)
        log_y = _log_y(self.quantity.currentText())  # the quantity shown() chose
        self.plot.set_axes(x_label, y_label, log_x=False, log_y=log_y, title=title)
        self.plot.set_lines(series)
        # Left-out files and their reasons first; the notes they come from are not repeated.
        head, rest = self.drawn_note(data)
        notes = ([head] if head else []) + rest
        self.notes.setText("\n".join(notes[:20])
                           + (f"\n… {len(notes) - 20} more" if len(notes) > 20 else ""))

    def show_message(self, text: str) -> None:
        self.notes.setText("")
        self.plot.show_message(text)

    def export_figure(self, path: Path) -> Path | None:
        data = self.last_data
        if data is None or not data.names:
            return None
        series, x_label, y_label, title = self.shown(data)
        keep = [s for s in series if np.isfinite(np.asarray(s.y, np.float64)).any()]
        figure = LinesFigure(keep, x_label, y_label, log_y=_log_y(self.quantity.currentText()),
                             title=title)
        return export_panels_figure(path, [figure], ncols=1)
