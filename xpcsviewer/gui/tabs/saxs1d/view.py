"""SAXS-1D widgets: options row and the overlay plot."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...plotting import Line, LinePanel, LinesFigure, export_panels_figure
from .._base import TabView
from .._model import parse_number
from .controller import X_LABEL, Y_LABEL, Saxs1dController, Saxs1dData


class Saxs1dView(TabView):
    def __init__(self, controller: Saxs1dController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        options = QHBoxLayout()
        self.boxes = {}
        for name, text in (("log_x", "log q"), ("log_y", "log I"), ("phi_slices", "φ slices")):
            box = QCheckBox(text)
            box.setChecked(getattr(s, name))
            box.toggled.connect(lambda on, n=name: setattr(s, n, on))
            options.addWidget(box)
            self.boxes[name] = box
        self.q_edits = {}
        for name, text in (("q_min", "q min (Å⁻¹)"), ("q_max", "q max (Å⁻¹)")):
            edit = QLineEdit()
            edit.setPlaceholderText("all")
            edit.setMaximumWidth(90)
            edit.editingFinished.connect(
                lambda e=edit, n=name: setattr(s, n, parse_number(e.text(), minimum=0.0))
            )
            options.addWidget(QLabel(text))
            options.addWidget(edit)
            self.q_edits[name] = edit
        options.addStretch(1)
        self.plot = LinePanel()
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.plot, 1)

    def _lines(self, data: Saxs1dData) -> list[Line]:
        return [Line(c.q, c.intensity, c.label) for c in data.curves]

    def render(self, data: Saxs1dData) -> None:
        st = data.settings
        n_files = len({c.file for c in data.curves})
        self.plot.set_axes(X_LABEL, Y_LABEL, st["log_x"], st["log_y"],
                           title=f"SAXS-1D, {n_files} file{'s' if n_files != 1 else ''}")
        self.plot.set_lines(self._lines(data), empty_note=self.empty_note(data))

    @staticmethod
    def empty_note(data: Saxs1dData) -> str:
        """Why no curve has a point: the q range keeps none ("" otherwise)."""
        lo, hi = data.settings["q_min"], data.settings["q_max"]
        if any(c.q.size for c in data.curves) or (lo is None and hi is None):
            return ""
        shown = f"{'0' if lo is None else f'{lo:.4g}'} to {'∞' if hi is None else f'{hi:.4g}'}"
        return f"no q bin lies in the chosen q range ({shown} Å⁻¹): widen or clear q min / q max"

    def show_message(self, text: str) -> None:
        self.plot.show_message(text)

    def export_figure(self, path: Path) -> Path | None:
        data = self.last_data
        if data is None:
            return None
        st = data.settings
        figure = LinesFigure(self._lines(data), X_LABEL, Y_LABEL, st["log_x"], st["log_y"],
                             title="SAXS-1D")
        return export_panels_figure(path, [figure], ncols=1)
