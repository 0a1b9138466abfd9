"""Diffusion widgets: tau(q) log-log with the power law and alpha/D in words, and a chosen
fitted parameter against q, from the g2 fits the controller follows."""

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
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from xpcsviewer.fitting import PARAM_UNITS as UNITS

from ...plotting import INK, Line, LinePanel, LinesFigure, export_panels_figure, note_label
from .._base import TabView
from .._model import parse_number
from ._sectors import sector_lines, sector_table
from .controller import (
    Q_LABEL,
    TAU_LABEL,
    DiffusionController,
    DiffusionData,
    param_points,
    summary_lines,
)


class DiffusionView(TabView):
    def __init__(self, controller: DiffusionController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.alpha_free = QCheckBox("α free (else fixed at 2)")
        self.alpha_free.setChecked(s.alpha_free)
        self.alpha_free.toggled.connect(lambda on: setattr(s, "alpha_free", on))
        options = QHBoxLayout()
        options.addWidget(self.alpha_free)
        self.q_edits = {}
        for name, text in (("q_min", "fit q min (Å⁻¹)"), ("q_max", "q max (Å⁻¹)")):
            edit = QLineEdit()
            edit.setPlaceholderText("all")
            edit.setMaximumWidth(90)
            edit.editingFinished.connect(
                lambda e=edit, n=name: setattr(s, n, parse_number(e.text(), positive=True)))
            options.addWidget(QLabel(text))
            options.addWidget(edit)
            self.q_edits[name] = edit
        self.by_phi = QCheckBox("by φ sector")
        self.by_phi.setChecked(s.by_phi)
        self.by_phi.setToolTip("colour τ(q) by φ and fit the power law per sector "
                               "(files with several φ bins)")
        self.by_phi.toggled.connect(lambda on: setattr(s, "by_phi", on))
        options.addWidget(self.by_phi)
        self.param = QComboBox()
        self.param.currentTextChanged.connect(
            lambda text: text and setattr(s, "param_view", text))
        options.addWidget(QLabel("   parameter vs q:"))
        options.addWidget(self.param)
        options.addStretch(1)
        self.summary = note_label("")
        self.summary.setStyleSheet("font-weight: bold")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tauq = LinePanel()
        self.params = LinePanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)  # a narrow window never hides a plot
        split.addWidget(self.tauq)
        split.addWidget(self.params)
        split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def render(self, data: DiffusionData) -> None:
        if data.fit is None:
            self._message(data.message)
            return
        names = data.names
        n = len(names)
        many = n > 1
        shown = data.free if self.state.alpha_free else data.fixed
        points, lines = [], []
        if data.sectors and self.state.by_phi:
            self._render_sectors(data, shown)
            self._render_params(data)
            return
        for k, name in enumerate(names):
            rows = shown.file_index == k
            used = rows & shown.used
            points.append(Line(shown.q[used], shown.tau[used], name if many else "τ from g2 fits",
                               shown.tau_err[used], k, symbol=True))
            if np.isfinite(shown.alpha[k]):
                q, tau = shown.curve(k)
                label = f"τ₀ q^-{shown.alpha[k]:.2f}" if self.state.alpha_free else "τ = 1/(D q²)"
                lines.append(Line(q, tau, f"{name}: {label}" if many else label, colour=k, dashed=True))
        skipped = int((~shown.used).sum())
        note = f" ({skipped} bins left out: failed, at a bound or outside q range)" if skipped else ""
        text = "\n".join(summary_lines(data))
        self.summary.setText(text)
        self.tauq.set_axes(Q_LABEL, TAU_LABEL, log_x=True, log_y=True,
                           title=f"τ(q) from the g2 fits, model {data.fit.model}{note}")
        self.tauq.set_lines(points + lines)
        self._render_params(data)

    def _render_sectors(self, data: DiffusionData, shown: Any) -> None:
        """τ(q) coloured by φ sector, each with its own power law; the isotropic fit (all
        sectors) is the summary's first line."""
        points, lines, title = self._sector_series(data, shown)
        self.summary.setText("\n".join(summary_lines(data) + sector_lines(data.sectors, data.names)))
        self.tauq.set_axes(Q_LABEL, TAU_LABEL, log_x=True, log_y=True, title=title)
        self.tauq.set_lines(points + lines)

    def _sector_series(self, data: DiffusionData, shown: Any) -> tuple[list[Line], list[Line], str]:
        """τ(q) points and power laws per φ sector (colour = sector), then each multi-φ
        file's isotropic power law (all φ together, ink dashed, on top), and their title:
        the window and the export draw the same."""
        which = "free" if self.state.alpha_free else "fixed"
        points, lines = [], []
        many = len(data.names) > 1
        for i, sector in enumerate(data.sectors):
            used = sector.rows & shown.used
            name = f"{data.names[sector.file_index]} {sector.label}" if many else sector.label
            points.append(Line(shown.q[used], shown.tau[used], name, shown.tau_err[used], i, symbol=True))
            result = getattr(sector, which)
            if np.isfinite(result.alpha[sector.file_index]):
                q, tau = result.curve(sector.file_index)
                lines.append(Line(q, tau, colour=i, dashed=True))
        for k, name in enumerate(data.names):
            # a file of one sector: its sector's law is already its isotropic one
            if sum(s.file_index == k for s in data.sectors) > 1 and np.isfinite(shown.alpha[k]):
                q, tau = shown.curve(k)
                label = f"all φ, α = {shown.alpha[k]:.2f}" if self.state.alpha_free else "all φ, α = 2"
                lines.append(Line(q, tau, f"{name}: {label}" if many else label, colour=INK,
                                  dashed=True))
        law = "τ₀ q^-α per sector" if self.state.alpha_free else "τ = 1/(D q²) per sector"
        return points, lines, f"τ(q) by φ, model {data.fit.model}; {law}"

    def _param_series(self, data: DiffusionData, chosen: str) -> list[Line]:
        """The chosen g2-fit parameter vs q in the colours of the τ(q) plot (per φ sector
        when τ(q) is drawn by φ, else per file), so τ(q)'s legend names them and this plot
        needs none of its own: it keeps its width in a narrow window."""
        fit = data.fit
        if not (data.sectors and self.state.by_phi):
            return [Line(q, v, "", e, k, symbol=True) for k, q, v, e in param_points(fit, chosen)]
        values, errors = fit.param(chosen)
        return [Line(fit.q[s.rows & fit.ok], values[s.rows & fit.ok], "", errors[s.rows & fit.ok], i,
                     symbol=True) for i, s in enumerate(data.sectors)]

    def _param_title(self, data: DiffusionData, chosen: str) -> str:
        key = "" if len(data.names) < 2 and not (data.sectors and self.state.by_phi) else \
            "; colours as in τ(q)"
        return f"{chosen} vs q ({data.fit.model} fit{key})"

    def _render_params(self, data: DiffusionData) -> None:
        self.params.show()  # hidden while a message stood alone (by φ too: it was left hidden)
        fit = data.fit
        names = [p for p, free in zip(fit.params, fit.free, strict=True) if free] or list(fit.params)
        was = self.param.blockSignals(True)
        self.param.clear()
        self.param.addItems(names)
        chosen = data.settings["param_view"] if data.settings["param_view"] in names else names[0]
        self.param.setCurrentText(chosen)
        self.param.blockSignals(was)
        chosen = self.state.param_view if self.state.param_view in names else chosen
        unit = f" ({UNITS[chosen]})" if chosen in UNITS else ""
        self.params.set_axes(Q_LABEL, chosen + unit, log_x=False, log_y=chosen.startswith("tau"),
                             title=self._param_title(data, chosen))
        self.params.set_lines(self._param_series(data, chosen), legend=False)

    def _message(self, text: str) -> None:
        self.summary.setText("")
        self.tauq.show_message(text)
        self.params.show_message("")
        self.params.hide()  # one message, not a second empty plot

    def show_message(self, text: str) -> None:
        self._message(text)

    def export_figure(self, path: Path) -> Path | None:
        """τ(q) with its power laws beside the chosen parameter (e.g. contrast) vs q, and the
        results in words below both, as on screen."""
        data = self.last_data
        if data is None or data.fit is None:
            return None
        shown = data.free if self.state.alpha_free else data.fixed
        points, lines = [], []
        text = summary_lines(data)
        if data.sectors and self.state.by_phi:  # coloured by φ, as the window shows it
            points, lines, title = self._sector_series(data, shown)
            for head, rows in sector_table(data.sectors, data.names):  # on paper a table:
                text += [head, *(f"    {row}" for row in rows)]  # a line per φ, none cut mid-value
        else:
            title = "τ(q) from the g2 fits"
            for k, name in enumerate(data.names):
                used = (shown.file_index == k) & shown.used
                points.append(Line(shown.q[used], shown.tau[used], name, shown.tau_err[used], k,
                                   symbol=True))
                if np.isfinite(shown.alpha[k]):
                    q, tau = shown.curve(k)
                    lines.append(Line(q, tau, f"power law, α = {shown.alpha[k]:.3f}", colour=k,
                                      dashed=True))
        panels = [LinesFigure(points + lines, Q_LABEL, TAU_LABEL, log_x=True, log_y=True,
                              title=title)]
        fit = data.fit
        free = [p for p, f in zip(fit.params, fit.free, strict=True) if f] or list(fit.params)
        chosen = self.state.param_view if self.state.param_view in free else free[0]
        unit = f" ({UNITS[chosen]})" if chosen in UNITS else ""
        panels.append(LinesFigure(self._param_series(data, chosen), Q_LABEL, chosen + unit,
                                  log_y=chosen.startswith("tau"), legend=False,
                                  title=self._param_title(data, chosen)))
        return export_panels_figure(path, panels, text="\n".join(text))
