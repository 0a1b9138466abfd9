"""Average widgets: criteria, the table of used/rejected files, the preview g2, and the
write button with its own progress bar and cancel."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...plotting import INK, Line, LinePanel, LinesFigure, export_panels_figure, note_label, tooltip
from .._base import TabView
from .._model import Task
from .controller import AverageController, AverageData

# Short headers, so that "why" is on screen beside the others in a 1366-px window (the
# units header once pushed it out of view); each header's tooltip says it in full.
COLUMNS = ("file", "sample", "mean I", "g2 baseline", "used", "why")
HEADER_TIPS = ("the result file", "sample name (metadata)",
               "mean intensity over the kept frames, photons per pixel per frame",
               "mean g2 over the last delays (see 'baseline' above)",
               "averaged, or REJECTED", "why a file is rejected (full text in the cell's tooltip)")
REJECTED_RGB, MEAN_RGB = (150, 150, 150), INK
FILE_MIN_PX = 90  # the file column gives up width for "why" down to this


def _number(value: float, spec: str) -> str:
    return format(value, spec) if math.isfinite(value) else "—"


class AverageView(TabView):
    def __init__(self, controller: AverageController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.written: Path | None = None
        options = QHBoxLayout()
        self.spins = {
            "intensity_tolerance": self._double(s.intensity_tolerance, 0.0, 10.0, 0.01, "fraction of the median"),
            "baseline_tolerance": self._double(s.baseline_tolerance, 0.0, 1.0, 0.005, "absolute, on g2"),
        }
        self.points_spin = self._int(s.baseline_points, 1, 100, "baseline_points")
        # roi numbers as the file counts them (1-based); the state keeps the 0-based column
        self.bin_spin = QSpinBox()
        self.bin_spin.setPrefix("roi ")
        self.bin_spin.setRange(1, 1000)
        self.bin_spin.setValue(s.bin + 1)
        self.bin_spin.valueChanged.connect(lambda v: setattr(s, "bin", v - 1))
        self.mixed_box = QCheckBox("allow different samples / frame times")
        self.mixed_box.setToolTip("average files whose sample name or frame time differ "
                                  "(they are refused otherwise; the differences are listed)")
        self.mixed_box.setChecked(s.allow_mixed)
        self.mixed_box.toggled.connect(lambda on: setattr(s, "allow_mixed", on))
        for widget in (QLabel("reject when mean I differs from the median by >"),
                       self.spins["intensity_tolerance"], QLabel("or g2 baseline (last"), self.points_spin,
                       QLabel("delays) by >"), self.spins["baseline_tolerance"], QLabel("preview bin"), self.bin_spin):
            options.addWidget(widget)
        options.addStretch(1)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for j, tip in enumerate(HEADER_TIPS):
            self.table.horizontalHeaderItem(j).setToolTip(tip)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)  # one line per file, cut with "…"; the tooltip has it all
        self.plot = LinePanel()
        split = QSplitter()
        split.setChildrenCollapsible(False)  # a narrow window never hides a plot
        split.addWidget(self.table)
        split.addWidget(self.plot)
        split.setSizes([600, 500])
        self.write_button = QPushButton("Write averaged file…")
        self.write_button.clicked.connect(self.choose_output)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(controller.cancel_task)
        self.status = note_label(" ")
        actions = QHBoxLayout()
        for widget in (self.mixed_box, self.write_button, self.progress, self.cancel_button):
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(actions)

    def _double(self, value: float, lo: float, hi: float, step: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(lo, hi)
        spin.setDecimals(3)
        spin.setSingleStep(step)
        spin.setValue(value)
        spin.setToolTip(tip)
        name = "intensity_tolerance" if "median" in tip else "baseline_tolerance"
        spin.valueChanged.connect(lambda v: setattr(self.state, name, float(v)))
        return spin

    def _int(self, value: int, lo: int, hi: int, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(lo, hi)
        spin.setValue(value)
        spin.valueChanged.connect(lambda v: setattr(self.state, name, int(v)))
        return spin

    def render(self, data: AverageData) -> None:
        self.table.setRowCount(len(data.rows))
        for i, r in enumerate(data.rows):
            # "—" where a value was not computed (no g2, or files refused before judging)
            cells = (r.name, r.sample, _number(r.intensity, ".4g"), _number(r.baseline, ".4f"),
                     "yes" if r.used else "REJECTED", r.reason)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip(text))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self._fit_reasons()
        n_used = sum(r.used for r in data.rows)
        text = data.error or f"{n_used} of {len(data.rows)} files would be averaged."
        self.status.setText(" ".join([text, *data.notes]))
        self.write_button.setEnabled(not data.error and self.controller.task is None)
        if data.tau is None:
            self.plot.show_message(data.error)
            return
        fig = self.figure(data)
        self.plot.set_axes(fig.x_label, fig.y_label, fig.log_x, fig.log_y, fig.title)
        self.plot.set_lines(fig.lines)

    def _fit_reasons(self) -> None:
        """The sized-to-contents columns before "why" leave it the rest of the table; the
        file column gives up width (down to its header) so that "why" keeps at least its
        header's width in view: a long reason is then cut, with the full text as tooltip."""
        if not self.table.isVisible():  # not laid out yet: its width means nothing
            return
        header = self.table.horizontalHeader()
        why = len(COLUMNS) - 1
        need = header.sectionSizeHint(why) + 40  # the header and the first few characters
        others = sum(header.sectionSize(j) for j in range(why))
        spare = self.table.viewport().width() - others - need
        if spare < 0:  # the file column keeps room for a short name ("a1_results…")
            header.resizeSection(0, max(FILE_MIN_PX, header.sectionSize(0) + spare))
        # "why" as the stretched last column: the rest of the view, not its longest reason
        others = sum(header.sectionSize(j) for j in range(why))
        header.resizeSection(why, max(need, self.table.viewport().width() - others))

    def figure(self, data: AverageData) -> LinesFigure:
        lines = [Line(tau, g2, name if used else f"{name} (rejected)", colour=None if used else REJECTED_RGB,
                      dashed=not used) for name, tau, g2, used in data.curves]
        lines.append(Line(data.tau, data.mean, "weighted mean", err=data.err, colour=MEAN_RGB, symbol=True))
        return LinesFigure(lines, "t (s)", "g2", log_x=True, title=f"preview, roi {data.column + 1}: {data.bin_label}")

    def show_message(self, text: str) -> None:
        self.table.setRowCount(0)
        self.plot.show_message(text)
        self.status.setText(text)
        self.write_button.setEnabled(False)

    def export_figure(self, path: Path) -> Path | None:
        data = self.last_data
        if data is None or data.tau is None:
            return None
        return export_panels_figure(path, [self.figure(data)], ncols=1, title="Average preview",
                                    footnote="; ".join(data.notes))

    # -- writing ------------------------------------------------------------------------------
    def choose_output(self) -> None:
        data = self.last_data
        if data is None:
            return
        default = str(self.controller.default_output(data))
        path, _ = QFileDialog.getSaveFileName(self, "Write the averaged result to a new file", default,
                                              "XPCS result (*.hdf *.h5)")
        if path:
            self.write_to(Path(path))

    def write_to(self, out: Path) -> Any:
        """Check ``out`` and write the average there in the background; returns the job."""
        data = self.last_data
        problem = self.controller.check_output(out, data.paths) if data is not None else "nothing to average"
        if problem:
            self.status.setText(f"Not written: {problem}.")
            return None
        self.written = None
        self.write_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        return self.controller.start(Task(
            f"average → {out.name}",
            lambda _, token, progress: self.controller.write(data, out, token, progress),
            done=self._written, failed=lambda message: self._write_ended(f"Write failed: {message}"),
            progressed=self._progressed, cancelled=lambda: self._cancelled(out)))

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(round(100 * fraction)))
        self.status.setText(message)

    def _cancelled(self, out: Path) -> None:
        # A cancel that lands after the rename cannot unmake the file: say what is on disk.
        if out.exists():
            self.written = out
            self._write_ended(f"Cancel came after the file was complete: {out} was written.")
        else:
            self.progress.setValue(0)
            self._write_ended(f"Write cancelled; {out.name} was not written.")

    def _written(self, result: Any) -> None:
        self.written = result.path
        self.controller.publish("wrote", Path(result.path))
        self.progress.setValue(100)
        self._write_ended(f"Wrote {result.path} ({len(result.average.report.used)} files averaged).")

    def _write_ended(self, message: str) -> None:
        self.cancel_button.setEnabled(False)
        self.write_button.setEnabled(self.last_data is not None and not self.last_data.error)
        self.status.setText(message)
