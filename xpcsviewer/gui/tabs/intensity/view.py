"""Intensity widgets: rebinning factor, the overlaid traces and their power spectra."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ..._words import listed
from ...plotting import Line, LinePanel, LinesFigure, export_panels_figure
from .._base import TabView
from .controller import I_LABEL, IntensityController, IntensityData


class IntensityView(TabView):
    def __init__(self, controller: IntensityController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.rebin_spin = QSpinBox()
        self.rebin_spin.setRange(1, 100_000)
        self.rebin_spin.setValue(s.rebin)
        self.rebin_spin.setToolTip("frames averaged into each plotted point")
        self.rebin_spin.valueChanged.connect(lambda v: setattr(s, "rebin", int(v)))
        self.log_box = QCheckBox("log power")
        self.log_box.setChecked(s.log_psd)
        self.log_box.toggled.connect(lambda on: setattr(s, "log_psd", on))
        options = QHBoxLayout()
        for widget in (QLabel("rebin (frames)"), self.rebin_spin, self.log_box):
            options.addWidget(widget)
        options.addStretch(1)
        self.trace_plot, self.psd_plot = LinePanel(), LinePanel()
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.trace_plot, 1)
        layout.addWidget(self.psd_plot, 1)

    def figures(self, data: IntensityData) -> list[LinesFigure]:
        asked = int(data.settings["rebin"])
        factor = data.traces[0].factor if data.traces else asked
        short = [tr.file for tr in data.traces if tr.last_block != tr.factor]
        note = f"; last point of {listed(short)} averages fewer frames" if short else ""
        note += f"; {data.note}" if data.note else ""
        whole = [f"{tr.file} ({tr.n_frames} frames)" for tr in data.traces if tr.factor < asked]
        if whole:  # the factor was cut to the run length: each such trace is a single point
            note += f"; rebin {asked} ≥ the frames of {listed(whole)}: one point, the run's mean"
        if data.missing:
            note += f"; {data.missing_note()}"
        traces = [Line(tr.t, tr.intensity, tr.file) for tr in data.traces]
        spectra = [Line(tr.frequency, tr.power, f"{tr.file} ({tr.n_frames} frames)") for tr in data.traces]
        return [
            LinesFigure(traces, "t (s)", I_LABEL,
                        title=f"intensity vs time, rebinned ×{factor} (block mean of {factor} frames){note}"),
            LinesFigure(spectra, "frequency (Hz)", "power (I²/Hz)", True, self.state.log_psd,
                        title="power spectrum of the raw trace (mean removed)"),
        ]

    def render(self, data: IntensityData) -> None:
        if not data.traces:
            self.show_message(data.missing_note())
            return
        self.psd_plot.show()
        for panel, fig in zip((self.trace_plot, self.psd_plot), self.figures(data), strict=True):
            panel.set_axes(fig.x_label, fig.y_label, fig.log_x, fig.log_y, fig.title)
            panel.set_lines(fig.lines, empty_note="no trace has two frames: no spectrum"
                            if panel is self.psd_plot else "")

    def show_message(self, text: str) -> None:
        self.trace_plot.show_message(text)
        self.psd_plot.hide()  # one message, not a second empty plot

    def export_figure(self, path: Path) -> Path | None:
        if self.last_data is None or not self.last_data.traces:
            return None
        return export_panels_figure(path, self.figures(self.last_data), ncols=1, title="Intensity")
