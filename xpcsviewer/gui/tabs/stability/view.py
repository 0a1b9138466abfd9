"""Stability widgets: SAXS-1D per segment coloured by time, each segment's ratio to its
reference (the whole run, or the mean of the segments), and the drift of each segment."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...plotting import (
    COLORMAPS,
    INK,
    ColorScale,
    Line,
    LinePanel,
    LinesFigure,
    export_panels_figure,
    note_label,
)
from .._base import TabView
from .._model import parse_number
from .controller import Q_LABEL, StabilityController, StabilityData


class StabilityView(TabView):
    def __init__(self, controller: StabilityController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        options = QHBoxLayout()
        for name, text in (("log_x", "log q"), ("log_y", "log I")):
            box = QCheckBox(text)
            box.setChecked(getattr(s, name))
            box.toggled.connect(lambda on, n=name: setattr(s, n, on))
            options.addWidget(box)
        self.cmap_box = QComboBox()
        self.cmap_box.addItems(list(COLORMAPS))
        self.cmap_box.setCurrentText(s.colormap)
        self.cmap_box.currentTextChanged.connect(lambda name: setattr(s, "colormap", name))
        options.addWidget(QLabel("colour map"))
        options.addWidget(self.cmap_box)
        for name, text in (("q_min", "drift from q (Å⁻¹)"), ("q_max", "to")):
            edit = QLineEdit()
            edit.setPlaceholderText("all")
            edit.setMaximumWidth(90)
            edit.editingFinished.connect(lambda e=edit, n=name: setattr(s, n, parse_number(e.text(), minimum=0.0)))
            options.addWidget(QLabel(text))
            options.addWidget(edit)
        options.addStretch(1)
        self.summary = note_label(" ")
        # the note line: which scale and reference, and which frames the segments cover
        self.note = note_label(" ")
        self.profiles, self.ratios, self.drift = LinePanel(), LinePanel(), LinePanel()
        grid = QGridLayout()
        grid.addWidget(self.profiles, 0, 0, 1, 2)
        grid.addWidget(self.ratios, 1, 0)
        grid.addWidget(self.drift, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addLayout(grid, 1)

    def figures(self, data: StabilityData) -> list[LinesFigure]:
        live = self.state
        times = data.times
        scale = ColorScale(live.colormap, float(times[0]), float(times[-1]), "segment time (s)")
        profiles = [Line(data.q, data.segments[k], f"segment {k} ({t:.3g} s)", colour=scale.rgb(t))
                    for k, t in enumerate(times)]
        ratios = [Line(data.q, data.ratio[k], f"segment {k}", colour=scale.rgb(t))
                  for k, t in enumerate(times)]
        title = f"{data.name}: SAXS-1D of {len(times)} segments" + (f" ({data.phi_note})" if data.phi_note else "")
        return [
            LinesFigure(profiles, Q_LABEL, data.y_label, live.log_x, live.log_y, title, scale, legend=False),
            LinesFigure(ratios, Q_LABEL, f"segment / {data.reference_name}", live.log_x, False,
                        f"each segment relative to the {data.reference_name}", scale, legend=False),
            LinesFigure([Line(times, 100 * data.drift, "RMS drift", symbol=True, colour=INK)],
                        "segment time (s)", "RMS drift (%)",
                        title=f"drift of each segment vs {data.reference_name} (max {100 * data.max_drift:.3g} %)", legend=False),
        ]

    def render(self, data: StabilityData) -> None:
        if data.missing:
            self.show_message(data.missing)
            return
        for panel in (self.ratios, self.drift):
            panel.show()
        for panel, fig in zip((self.profiles, self.ratios, self.drift), self.figures(data), strict=True):
            panel.set_axes(fig.x_label, fig.y_label, fig.log_x, fig.log_y, fig.title)
            panel.set_lines(fig.lines, fig.scale, legend=fig.legend)
        self.summary.setText(
            f"{data.name}: largest drift {100 * data.max_drift:.3g} % in segment {data.worst_segment} "
            f"(RMS over q of each segment / {data.reference_name} − 1)")
        self.note.setText("; ".join(data.notes))

    def show_message(self, text: str) -> None:
        for panel in (self.ratios, self.drift):
            panel.show_message("")
            panel.hide()  # one message, not two more empty plots
        self.profiles.show_message(text)
        self.summary.setText(" ")
        self.note.setText(" ")

    def export_figure(self, path: Path) -> Path | None:
        data = self.last_data
        if data is None or data.missing:
            return None
        return export_panels_figure(path, self.figures(data), ncols=3, title=f"Stability: {data.name}",
                                    footnote="; ".join(data.notes))

