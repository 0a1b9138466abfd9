"""g2 widgets: bin range and view options, the panel grid or the g2(q, t) map, the fit panel
and the parameter table. The controller publishes the fits (the Diffusion tab follows them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...export_names import file_stem
from ...line import marker
from ...plotting import (
    G2MapPanel,
    Line,
    Panel,
    PanelGrid,
    escape,
    export_grid_figure,
)
from ...theme import active
from .._base import TabView
from .._model import Task
from ._bins import PHI_MODES, page_of
from ._fit_panel import FitPanel
from ._notes_row import NotesRow
from ._partial import part_curves
from ._settings import describe
from ._table import FitTable, nuts_summary
from .controller import G2_LABEL, T_LABEL, G2Controller, G2Data

MAP_LABEL = "(g2 − tail) / (first − tail)"


def normalised(g2: np.ndarray) -> np.ndarray:
    """(n_bins, n_tau) g2 rescaled per bin to 1 at the first delays and 0 at the tail, so
    decays of bins with different contrast share one colour scale (label says so)."""
    head = np.nanmean(g2[:, :3], axis=1, keepdims=True)
    tail = np.nanmean(g2[:, -5:], axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (g2 - tail) / (head - tail)


class _Split(QSplitter):
    """A splitter that calls ``resized()`` once it has laid out its new size."""

    resized: Any = None

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.resized is not None:
            self.resized()


class G2View(TabView):
    def __init__(self, controller: G2Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        # Bins are numbered from 1 on screen, as roi labels and boost_corr's "-d 2-4" are.
        self.first, self.last = QSpinBox(), QSpinBox()
        self.first.setMinimum(1)
        self.first.valueChanged.connect(lambda v: setattr(s, "bin_first", v - 1))
        self.last.setSpecialValueText("last")  # minimum (0) means "up to the last bin"
        self.last.setMinimum(0)
        self.last.valueChanged.connect(lambda v: setattr(s, "bin_last", None if v < 1 else v - 1))
        self.per_panel = QCheckBox("own y range per panel")
        self.per_panel.setToolTip("each panel its own y range instead of one shared range")
        self.per_panel.toggled.connect(lambda on: setattr(s, "y_per_panel", on))
        self.mode = QComboBox()
        self.mode.addItem("panel per bin", "panels")
        self.mode.addItem("g2(q, t) map", "map")
        self.mode.currentIndexChanged.connect(
            lambda i: setattr(s, "view_mode", self.mode.itemData(i)))
        self.phi_mode = QComboBox()
        for key, text in PHI_MODES.items():
            self.phi_mode.addItem(text, key)
        self.phi_mode.currentIndexChanged.connect(
            lambda i: setattr(s, "phi_mode", self.phi_mode.itemData(i)))
        self.phi_pick = QComboBox()  # filled with the file's φ sectors
        self.phi_pick.activated.connect(
            lambda i: setattr(s, "phi_pick", self.phi_pick.itemData(i)))
        self.partial = QCheckBox("partial g2 per part")
        self.partial.setToolTip("g2 after each part of a boost_corr -np run, when the file has it")
        self.partial.toggled.connect(lambda on: setattr(s, "show_partial", on))
        # Two short rows rather than one long one: the tab fits a 1366 px laptop screen.
        self.per_panel.setText("own y range")
        self.partial.setText("partial g2")
        options = QHBoxLayout()
        for widget in (QLabel("bins"), self.first, QLabel("to"), self.last, QLabel("φ"),
                       self.phi_mode, self.phi_pick, self.mode):
            options.addWidget(widget)
        options.addStretch(1)
        self.prev_page, self.next_page = QToolButton(), QToolButton()
        self.prev_page.setText("◀ previous")
        self.next_page.setText("next ▶")
        self.prev_page.clicked.connect(lambda: setattr(s, "page", max(0, s.page - 1)))
        self.next_page.clicked.connect(lambda: setattr(s, "page", s.page + 1))
        self.page_label = QLabel("")
        self.notes_label = NotesRow()  # one line, opened by a click: never widens the window
        self.notes_label.setStyleSheet(f"color: {active().note};")
        self.notes_label.hide()
        paging = QHBoxLayout()
        for widget in (self.prev_page, self.page_label, self.next_page, self.per_panel,
                       self.partial):
            paging.addWidget(widget)
        paging.addStretch(1)
        # Notes get a row of their own (beside the paging buttons a long note grew into a
        # column that ate the panels), one line unless opened: three lines of "partitions
        # differ" cost a row of panels at 1366x768.

        self.grid = PanelGrid()
        self.map = G2MapPanel()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.map)
        self.fit_panel = FitPanel(s)
        self.fit_panel.setMaximumWidth(340)
        self.fit_panel.bayes_button.clicked.connect(self.start_bayes)
        self.fit_panel.cancel_button.clicked.connect(self.cancel_bayes)
        self.table = FitTable()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.setChildrenCollapsible(False)  # a narrow window never hides a plot
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(options)
        left_layout.addLayout(paging)
        left_layout.addWidget(self.notes_label)
        left_layout.addWidget(self.stack, 1)
        top.addWidget(left)
        top.addWidget(self.fit_panel)
        top.setStretchFactor(0, 1)
        split = _Split(Qt.Orientation.Vertical)
        split.resized = lambda: None if self._table_dragged else self._size_table()
        split.setChildrenCollapsible(False)  # a narrow window never hides a plot
        split.addWidget(top)
        split.addWidget(self.table)
        split.setSizes([700, 170])
        self.split = split
        self._table_dragged = False  # the user's own table height is kept from then on
        split.splitterMoved.connect(lambda *_: setattr(self, "_table_dragged", True))
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        s.changed.connect(self._sync_options)
        self.grid.capacity_changed.connect(self._capacity_changed)
        self._sync_options("")

    def _size_table(self) -> None:
        """The fit table's default height: its old share (170 of 870 px) of a tall tab, but
        110 px (a header and three rows) below 800 px: at 1366x768 that share cost the grid
        its second row of panels. The table scrolls, and dragging the splitter sets another
        height, kept from then on."""
        total = sum(self.split.sizes())
        if total > 0:
            table = round(total * 170 / 870) if total >= 800 else min(110, total // 3)
            self.split.setSizes([total - table, table])

    def _sync_options(self, name: str) -> None:
        s = self.state
        for widget, value in ((self.first, s.bin_first + 1),
                              (self.last, 0 if s.bin_last is None else s.bin_last + 1)):
            was = widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(was)
        self.per_panel.setChecked(s.y_per_panel)
        self.partial.setChecked(s.show_partial)
        self.mode.setCurrentIndex(max(0, self.mode.findData(s.view_mode)))
        was = self.phi_mode.blockSignals(True)
        self.phi_mode.setCurrentIndex(max(0, self.phi_mode.findData(s.phi_mode)))
        self.phi_mode.blockSignals(was)
        self.phi_pick.setVisible(s.phi_mode == "one")

    def _capacity_changed(self) -> None:
        # More or fewer panels fit now: re-page what is already loaded (no new job).
        if self.last_data is not None and self.last_data.files and self.state.view_mode == "panels":
            self.render(self.last_data)

    # -- drawing --------------------------------------------------------------------------------
    def stage(self, data: G2Data) -> bool:
        """A new number of panels (another file, bin range or φ mode) is laid out first."""
        if not data.files or self.state.view_mode != "panels":
            return False
        _, start, stop = page_of(len(data.slots), self.grid.per_page, self._page_for(data))
        return self.grid.stage(stop - start)

    def unstage(self) -> None:
        self.grid.unstage()

    def _page_for(self, data: G2Data) -> int:
        """The page to show: the one in the state, or the first for other files."""
        paths = tuple(f.path for f in data.files)
        return self.state.page if paths == getattr(self, "_paged_paths", paths) else 0

    def render(self, data: G2Data) -> None:
        self._cancel_bayes_unless([f.path for f in data.files])
        n_max = max(data.n_slots_all, 1)
        for widget, low in ((self.first, 1), (self.last, 0)):
            was = widget.blockSignals(True)
            widget.setRange(low, n_max)
            widget.blockSignals(was)
        if data.files:  # the spinners show the range plotted, clamped to what exists
            self._show_range(data.first_slot + 1, data.first_slot + len(data.slots))
        self.fit_panel.set_bin_count(data.files[data.reference].n_bins if data.files else 0)
        self.fit_panel.set_has_data(bool(data.files))
        self._fill_phi_pick(data)
        if not data.files:
            self.show_message("; ".join(data.notes))
            return
        # The table (a row per fitted bin: 500 rows for 100 bins of 5 files) only when what
        # it shows changed: refilled on every page flip it was most of a flip's time.
        table_for = (data.fit, dict(self.controller.bayes), [f.path for f in data.files])
        shown = getattr(self, "_table_for", None)
        if shown is None or shown[0] is not table_for[0] or shown[2] != table_for[2] \
                or shown[1].keys() != table_for[1].keys() \
                or any(shown[1][k] is not v for k, v in table_for[1].items()):
            self.table.show_fit(data.fit, self.controller.bayes, [f.name for f in data.files],
                                [f.phi for f in data.files])
            self._table_for = table_for
        self.table.setVisible(data.fit is not None)  # no fit: the panels get the height
        self.notes_label.set_notes("; ".join(data.notes))
        self.notes_label.setVisible(bool(data.notes))
        paged = self.state.view_mode != "map"  # the map shows the whole bin range at once
        for widget in (self.prev_page, self.page_label, self.next_page):
            widget.setVisible(paged)
        if not paged:
            self._render_map(data)
            self.stack.setCurrentWidget(self.map)
            return
        if self._page_for(data) != self.state.page:
            # Other files: start again from their first page. Set without the change event:
            # this render is already the one that event would ask for.
            object.__setattr__(self.state, "page", 0)
        self._paged_paths = tuple(f.path for f in data.files)
        page, start, stop = page_of(len(data.slots), self.grid.per_page, self.state.page)
        n_pages = max(1, -(-len(data.slots) // self.grid.per_page))
        what = "q rings" if data.settings.get("phi_mode") == "per_q" else "bins"  # a panel each
        self.page_label.setText(f"{what} {data.first_slot + start + 1}–{data.first_slot + stop} "
                                f"of {data.n_slots_all} (page {page + 1}/{n_pages})")
        self.prev_page.setEnabled(page > 0)
        self.next_page.setEnabled(page < n_pages - 1)
        self.grid.set_panels(self.panels(data, start, stop), data.n_colours, T_LABEL, G2_LABEL,
                             shared_y=not self.state.y_per_panel, heading=self.heading(data),
                             legend=self.legend(data), markers=self.markers(data))
        self.stack.setCurrentWidget(self.grid)

    def _show_range(self, first: int, last: int) -> None:
        for widget, value in ((self.first, first), (self.last, last)):
            was = widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(was)

    def _fill_phi_pick(self, data: G2Data) -> None:
        """The φ sectors of the reference file, the one shown in "one" mode selected."""
        ref = data.files[data.reference].phi if data.files else []
        was = self.phi_pick.blockSignals(True)
        if [self.phi_pick.itemData(i) for i in range(self.phi_pick.count())] != data.sectors:
            self.phi_pick.clear()
            for phi in data.sectors:
                self.phi_pick.addItem(f"{phi:g}°", phi)
        shown = ref if data.settings["phi_mode"] == "one" else []
        if len(shown):
            self.phi_pick.setCurrentIndex(max(0, self.phi_pick.findData(round(float(shown[0]), 6))))
        self.phi_pick.blockSignals(was)

    def heading(self, data: G2Data, rich: bool = True) -> str:
        """The line above the grid: rich text (user strings escaped) or, for the matplotlib
        export, plain. Notes on the files are in the notes line above, not here."""
        text = escape if rich else str
        if rich and len(data.files) > 1:  # the key below names each file (elided to fit)
            names = f"{len(data.files)} files"
        else:
            names = ", ".join(f.name for f in data.files[:2]) + (
                f" +{len(data.files) - 2} more" if len(data.files) > 2 else "")
        if len(data.files) > 1:  # whose bins the panels are (the current file, when overlaid)
            names += f" (bins of {file_stem(data.files[data.reference].name)})"
        if data.fit_kwargs is None:
            fit = "fitting off (press Fit)"
        elif data.fit_error:
            fit = f"fit failed: {data.fit_error}"
            if rich:
                fit = f"<span style='color:{active().alarm}'>{text(fit)}</span>"
        else:
            n_bad = sum(1 for s in data.fit.status if s.value == "failed")
            fit = text(f"fit: {describe(data.fit_kwargs)}" + (f", {n_bad} bins failed" if n_bad else ""))
        key = ("   (points: data ± 1σ, lines: fit)" if data.fit is not None
               else "   (points: data ± 1σ)") if rich else ""
        return f"{text(f'g2 of {names}')} — {fit}{key}"

    @staticmethod
    def legend(data: G2Data) -> list[str]:
        """One name per colour, in colour order (files; φ sectors in the per-q mode); what
        points and lines are is said on the heading line (a long key is elided)."""
        names: dict[int, str] = {}
        for slot in data.slots:
            for m in slot.members:
                names.setdefault(m.colour, m.key or m.label)
        return [names.get(i, "") for i in range(data.n_colours)]

    @staticmethod
    def markers(data: G2Data) -> list[str]:
        """One name per point shape (``line.MARKERS`` order) where the shapes tell the files
        apart (the per-q mode of several files: colours are φ sectors there), "" for a file
        with no curve in the panels (e.g. not φ-resolved: nothing pairs); else none."""
        members = [m for slot in data.slots for m in slot.members]
        if not any(m.marker for m in members):
            return []
        drawn = {m.file_index for m in members}
        return [f.name if k in drawn else "" for k, f in enumerate(data.files)]

    def panels(self, data: G2Data, start: int = 0, stop: int | None = None) -> list[Panel]:
        """Panels for ``data.slots[start:stop]`` (one page; all by default)."""
        panels = []
        for slot in data.slots[start:stop]:
            points, lines, band, note = [], [], None, slot.note
            for m in slot.members:
                f, c = data.files[m.file_index], m.column
                points.append(Line(f.t, f.g2[:, c], m.label, f.g2_err[:, c], m.colour, symbol=True,
                                   marker=marker(m.marker)))
                lines += [Line(t, y, f"{m.label} {part}", colour=data.n_colours + k)  # own colours
                          for k, (t, y, part) in enumerate(part_curves(data.partial, f, c))]
                row = data.fit_row(m.file_index, c)
                if data.fit_error:
                    note = f"fit failed: {data.fit_error}"
                elif row is not None and data.fit.status[row].value == "failed":
                    note = f"fit failed: {data.fit.message[row]}"
                elif row is not None:
                    t, y = self._fit_curve(data.fit, row)
                    lines.append(Line(t, y, f"{m.label} {data.fit.model} fit", colour=m.colour))
                    if data.fit.status[row].value == "at_bound":
                        note = data.fit.message[row]
                result = self.controller.bayes.get((f.path, int(f.source[c])))
                if result is not None and band is None:
                    band = (result.band_t, result.band_lo, result.band_hi)
            panels.append(Panel(slot.title, points, lines, band, note, slot.tip))
        return panels

    def _fit_curve(self, fit: Any, row: int) -> tuple[np.ndarray, np.ndarray]:
        """``fit.curve(row)``, evaluated once per fit: paging back and forth evaluated the
        model for every panel of every page again."""
        cached = getattr(self, "_curves", None)
        if cached is None or cached[0] is not fit:
            cached = self._curves = (fit, {})
        curve = cached[1].get(row)
        if curve is None:
            curve = cached[1][row] = fit.curve(row)
        return curve

    def _render_map(self, data: G2Data) -> None:
        f = data.files[data.reference]  # the file whose bins the panels are
        cols = [c for c in data.columns if c < f.n_bins]
        values = normalised(np.asarray(f.g2[:, cols], dtype=np.float64).T)
        others = (f" ({len(data.files) - 1} more selected; the map shows the current one)"
                  if len(data.files) > 1 else "")
        self.map.set_map(f.t, values, [f"{f.q[c]:.4g}" + ("" if not np.isfinite(f.phi[c]) or
                                                           np.unique(f.phi).size < 2
                                                           else f", {f.phi[c]:.3g}°") for c in cols],
                         title=f"g2(q, t) of {f.name}{others}", x_label=T_LABEL,
                         y_label="q (Å⁻¹), one row per bin", colour_label=MAP_LABEL)

    def show_message(self, text: str) -> None:
        if text == self.controller.empty_message():  # no file left on the tab
            self._cancel_bayes_unless([])
        self.grid.show_message(text)
        self.map.show_message(text)
        self.fit_panel.set_has_data(False)
        self.stack.setCurrentWidget(self.grid)
        # Nothing of the files shown before stays: fit table, notes, page, NUTS line (the
        # driver withdraws the published fit: results(None)).
        self.table.show_fit(None, {}, [])
        self._table_for = None
        self.table.hide()
        self.notes_label.hide()
        self.page_label.setText("")
        task = self.controller.task
        if task is None or task.done:  # a NUTS run still going names its own file
            self.fit_panel.bayes_status.setText("")
            self.fit_panel.progress.setValue(0)

    def export_figure(self, path: Path) -> Path | None:
        data = self.last_data
        if data is None or not data.files:
            return None
        return export_grid_figure(path, self.panels(data), T_LABEL, G2_LABEL,
                                  title=self.heading(data, rich=False),
                                  shared_y=not self.state.y_per_panel, n_colours=data.n_colours,
                                  key=(self.legend(data), self.markers(data)))

    # -- Bayesian fit of one bin (the tab's second job, run by its driver) ------------------------
    def start_bayes(self) -> Any:
        data, s = self.last_data, self.state
        # the reference file (whose bins the panels are) first, then the others
        ordered = [] if data is None else [data.files[data.reference]] + [
            f for k, f in enumerate(data.files) if k != data.reference]
        files = [f for f in ordered if s.bayes_column < f.n_bins]
        if not files:
            self.fit_panel.bayes_status.setText("Select a file with that bin first.")
            return None
        f, settings = files[0], s.as_dict()
        column = int(f.source[s.bayes_column])  # the file's own g2 column
        if column < 0:
            self.fit_panel.bayes_status.setText(
                "NUTS fits one of the file's own bins: choose φ mode 'each (q, φ) bin'.")
            return None
        job = self.controller.start(Task(
            f"NUTS {f.name} roi {column + 1}",  # roi label = column + 1
            lambda opened, token, progress: self.controller.run_bayes(opened[0], column, settings,
                                                                      token, progress),
            paths=(Path(f.path),),
            done=lambda result: self._bayes_done(f.path, column, result),
            failed=lambda message: self._bayes_ended(f"NUTS failed: {message}"),
            progressed=lambda fraction, _: self.fit_panel.progress.setValue(int(100 * fraction)),
            cancelled=lambda: self._bayes_ended("NUTS cancelled."),
        ))
        self._bayes_path = f.path
        self.fit_panel.cancel_button.setEnabled(True)
        self.fit_panel.progress.setValue(0)
        self.fit_panel.bayes_status.setText(f"NUTS on roi {column + 1} of {f.name} …")
        return job

    def cancel_bayes(self) -> None:
        self.controller.cancel_task()

    def _cancel_bayes_unless(self, paths: list[str]) -> None:
        """A NUTS run belongs to its file: once the tab shows other files, it is cancelled
        (it would go on for minutes, and end in a result for a file no longer on screen)."""
        task = self.controller.task
        if task is not None and not task.done and getattr(self, "_bayes_path", None) not in paths:
            self.controller.cancel_task()

    def _bayes_ended(self, message: str) -> None:
        self.fit_panel.bayes_status.setText(message)
        self.fit_panel.cancel_button.setEnabled(False)

    def _bayes_done(self, path: str, column: int, result: Any) -> None:
        self.controller.store_bayes(path, column, result)
        r_hat, ess, div = nuts_summary(result)
        self.fit_panel.progress.setValue(100)
        self._bayes_ended(f"NUTS roi {column + 1}: R-hat {r_hat}, bulk ESS {ess}, divergences {div}")
        if self.last_data is not None:
            self.render(self.last_data)
