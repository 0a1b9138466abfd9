"""Two-time widgets: options, the C2 map, both cuts, g2 from age windows and tau against age."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...plotting import (
    COLORMAPS,
    ColorScale,
    LinePanel,
    LinesFigure,
    MapFigure,
    MapPanel,
    export_panels_figure,
    note_label,
)
from .._base import TabView
from .._model import parse_number
from .controller import TwotimeController, TwotimeData

T_LABEL, AGE_LABEL, LAG_LABEL = "t₁ (s)", "age (t₁+t₂)/2 (s)", "lag t₂−t₁ (s)"
# Short enough for a third of a 1366-px window; the detail is the panel's tooltip.
TAU_TITLE = "τ per age window, ±1σ"
TAU_TIP = ("τ of each age window: a single-exponential fit of that window's g2 from C2 (the "
           "dashed curves in the g2 panel); error bars ±1σ from a block bootstrap over the window's age blocks.")


class TwotimeView(TabView):
    def __init__(self, controller: TwotimeController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.bin_box = QComboBox()
        self.bin_box.setMinimumContentsLength(24)
        self.bin_box.activated.connect(lambda i: setattr(s, "bin", self.bin_box.itemData(i)))
        self.cmap_box = QComboBox()
        self.cmap_box.addItems(list(COLORMAPS))
        self.cmap_box.setCurrentText(s.colormap)
        self.cmap_box.currentTextChanged.connect(lambda name: setattr(s, "colormap", name))
        self.edits: dict[str, QLineEdit] = {}
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        row1.addWidget(QLabel("bin"))
        row1.addWidget(self.bin_box)
        row1.addWidget(QLabel("colour map"))
        row1.addWidget(self.cmap_box)
        for name, text, tip in (("vmin", "C2 min", "colour limit; empty = automatic"),
                                ("vmax", "max", "colour limit; empty = automatic")):
            row1.addWidget(QLabel(text))
            row1.addWidget(self._edit(name, tip))
        self.diag_box = QCheckBox("diagonal correction")
        self.diag_box.setToolTip("replace the shot-noise diagonal by the mean of its neighbours")
        self.diag_box.setChecked(s.diagonal_correction)
        self.diag_box.toggled.connect(lambda on: setattr(s, "diagonal_correction", on))
        row1.addWidget(self.diag_box)
        row1.addStretch(1)
        self.size_spin = self._spin(64, 4096, s.max_size, "max_size")
        self.windows_spin = self._spin(1, 12, s.n_windows, "n_windows")
        row2.addWidget(QLabel("display ≤"))
        row2.addWidget(self.size_spin)
        row2.addWidget(QLabel("px"))
        for name, text in (("lag_s", "cut at lag (s)"), ("age_s", "cut at age (s)")):
            row2.addWidget(QLabel(text))
            row2.addWidget(self._edit(name, "empty = default; or click the map"))
        row2.addWidget(QLabel("age windows"))
        row2.addWidget(self.windows_spin)
        row2.addStretch(1)
        self.note = note_label(" ")  # a failed fit's message once widened the window to 2,659 px
        self.map = MapPanel()
        self.map.clicked.connect(self._map_clicked)
        self.g2_plot, self.lag_plot, self.age_plot = LinePanel(), LinePanel(), LinePanel()
        self.tau_plot = LinePanel()
        self.tau_plot.setToolTip(TAU_TIP)
        # Top: map and g2 side by side (2 columns of 3); bottom: both cuts and tau vs age.
        self.grid = grid = QGridLayout()
        grid.addWidget(self.map, 0, 0, 1, 3)
        grid.addWidget(self.g2_plot, 0, 3, 1, 3)
        grid.addWidget(self.lag_plot, 1, 0, 1, 2)
        grid.addWidget(self.age_plot, 1, 2, 1, 2)
        grid.addWidget(self.tau_plot, 1, 4, 1, 2)
        for column in range(6):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.note)
        layout.addLayout(grid, 1)

    def _edit(self, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("auto")
        edit.setMaximumWidth(90)
        edit.setToolTip(tip)
        edit.editingFinished.connect(
            lambda: setattr(self.state, name, parse_number(edit.text())))
        self.edits[name] = edit
        return edit

    def _spin(self, lo: int, hi: int, value: int, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(lo, hi)
        spin.setValue(value)
        spin.valueChanged.connect(lambda v: setattr(self.state, name, int(v)))
        return spin

    def _map_clicked(self, t1: float, t2: float) -> None:
        # A click puts both cuts through the clicked point.
        self.state.age_s = 0.5 * (t1 + t2)
        self.state.lag_s = abs(t2 - t1)

    # -- drawing ------------------------------------------------------------------------------
    def render(self, data: TwotimeData) -> None:
        # The file's maps, also when the chosen one cannot be read (another may).
        self.bin_box.blockSignals(True)
        self.bin_box.clear()
        for column, label in zip(data.bins, data.bin_labels, strict=True):
            self.bin_box.addItem(label, column)
        if data.column in data.bins:
            self.bin_box.setCurrentIndex(data.bins.index(data.column))
        self.bin_box.blockSignals(False)
        if data.missing:
            self.show_message(data.missing)
            return
        self._map_alone(False)
        live = self.state  # colour settings are applied without recomputing
        levels = self.map.set_image(data.matrix, extent=data.extent, colormap_name=live.colormap,
                                    levels=(live.vmin, live.vmax), label="C2")
        self.edits["vmin"].setPlaceholderText(f"auto ({levels[0]:.3g})")
        self.edits["vmax"].setPlaceholderText(f"auto ({levels[1]:.3g})")
        self.map.set_titles(self.map_title(data), T_LABEL, "t₂ (s)")
        self.map.set_guides(self.guides(data))
        for panel, fig in zip(self.line_panels, self.figures(data)[1:], strict=True):
            panel.set_axes(fig.x_label, fig.y_label, fig.log_x, fig.log_y, fig.title)
            panel.set_lines(fig.lines, fig.scale, legend=fig.legend)  # the cuts say it in the title
        if data.fit_pending:
            self.tau_plot.set_lines([], empty_note="fitting τ per age window …")
        self.note.setText(" — ".join(filter(None, [data.name, data.choice_note, data.display_note,
                                                    data.tau_note])))

    @property
    def line_panels(self) -> tuple[LinePanel, ...]:
        return (self.g2_plot, self.lag_plot, self.age_plot, self.tau_plot)

    @staticmethod
    def map_title(data: TwotimeData) -> str:
        reduced = (f"{data.factor}×{data.factor} block mean (decimation ×{data.factor})"
                   if data.factor > 1 else "full resolution")
        diag = "diagonal corrected" if data.settings["diagonal_correction"] else "raw diagonal"
        return f"C2, roi {data.column + 1}: {diag}, {reduced}"

    @staticmethod
    def guides(data: TwotimeData) -> list[tuple[Any, Any]]:
        lo, hi = data.t_range
        h, a = data.lag_s / 2, data.age_s
        reach = min(a - lo, hi - a)
        return [([lo, hi - 2 * h], [lo + 2 * h, hi]), ([a - reach, a + reach], [a + reach, a - reach])]

    def figures(self, data: TwotimeData) -> list[Any]:
        live = self.state
        lo, hi = self.map.colorbar.levels() if self.map.image.image is not None else (0.0, 1.0)
        c2_map = MapFigure(data.matrix, data.extent, T_LABEL, "t₂ (s)", live.colormap, (lo, hi),
                           "C2", self.map_title(data), self.guides(data))
        ages = data.window_ages
        scale = ColorScale("plasma", ages[0], ages[-1], "window age (s)") if len(ages) > 1 else None
        # Each window in its age's colour, its fit dashed in the same colour and left out of
        # the legend (no fits until the second stage has made them); the stored multi-tau g2
        # and tau per window come in the theme's ink.
        colours = [scale.rgb(age) if scale else None for age in ages]
        lines = [replace(s, colour=c) for s, c in zip(data.window_g2, colours, strict=True)]
        if data.window_fits:
            lines += [replace(s, label="", colour=c)
                      for s, c in zip(data.window_fits, colours, strict=True)]
        lines += [data.stored_g2] if data.stored_g2 is not None else []
        g2 = LinesFigure(lines, "t (s)", "g2", log_x=True, scale=scale,
                         title=f"g2 from C2 (≥{data.settings['min_pairs']} pairs), fits dashed, "
                               "vs multi-tau")
        tau = LinesFigure([] if data.tau_age is None else [data.tau_age], "window age (s)", "τ (s)",
                          legend=False,
                          title=TAU_TITLE if data.tau_age is not None else "τ per age window: "
                          + ("being fitted" if data.fit_pending else "not fitted"))
        lag = LinesFigure([data.lag_cut], AGE_LABEL, "C2", legend=False,
                          title=f"along the diagonal at lag {data.lag_s:.3g} s")
        age = LinesFigure([data.age_cut], LAG_LABEL, "C2", legend=False,
                          title=f"across the diagonal at age {data.age_s:.3g} s")
        return [c2_map, g2, lag, age, tau]

    def show_message(self, text: str) -> None:
        self.map.show_message(text)
        for edit in (self.edits["vmin"], self.edits["vmax"]):  # no map: no automatic limits
            edit.setPlaceholderText("auto")
        for panel in self.line_panels:
            panel.show_message("")
        self._map_alone(True)
        self.note.setText(" ")  # the map says it

    def _map_alone(self, alone: bool) -> None:
        """A message is shown by the map alone, over the whole grid, not beside four empty plots."""
        if self.g2_plot.isHidden() == alone:
            return
        self.grid.removeWidget(self.map)
        self.grid.addWidget(self.map, 0, 0, *((2, 6) if alone else (1, 3)))
        for panel in self.line_panels:
            panel.setHidden(alone)

    def export_figure(self, path: Path) -> Path | None:
        data = self.last_data
        if data is None or data.missing:
            return None
        foot = "; ".join(filter(None, [data.display_note, data.choice_note]))
        return export_panels_figure(path, self.figures(data), ncols=3,
                                    title=f"Two-time: {data.name}, roi {data.column + 1}", footnote=foot)
