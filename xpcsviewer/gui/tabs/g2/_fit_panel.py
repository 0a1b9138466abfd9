"""The fit panel: model, per-parameter free/fixed, value and bounds, t range, Fit, and the
Bayesian fit of one bin. Widgets only write into :class:`G2State` and follow it back, so
the settings live in the state (and survive replots and file switches), not here."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xpcsviewer.fitting import MODELS
from xpcsviewer.fitting import PARAM_UNITS as UNITS

from ...plotting import note_label
from .._model import parse_number
from ._settings import DEFAULT_VALUES, param_names, setting, with_setting

MODEL_TEXT = {"single": "single exponential", "stretched": "stretched (KWW)",
              "double": "double exponential"}


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


class FitPanel(QWidget):
    def __init__(self, state: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = QComboBox()
        for name in MODELS:
            self.model.addItem(MODEL_TEXT.get(name, name), name)
        self.model.currentIndexChanged.connect(
            lambda i: setattr(state, "model", self.model.itemData(i)))
        self.grid = QGridLayout()
        self.rows: dict[str, dict[str, Any]] = {}
        self.t_edits = {}
        t_row = QHBoxLayout()
        for name, text in (("t_min", "t min (s)"), ("t_max", "t max (s)")):
            edit = QLineEdit()
            edit.setPlaceholderText("all")
            edit.setMaximumWidth(80)
            edit.editingFinished.connect(
                lambda e=edit, n=name: setattr(state, n, parse_number(e.text(), positive=True)))
            t_row.addWidget(QLabel(text))
            t_row.addWidget(edit)
            self.t_edits[name] = edit
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Fit every shown bin of every selected file (least squares)")
        self.fit_button.clicked.connect(self.request_fit)
        self.clear_button = QPushButton("Fitting off")
        self.clear_button.clicked.connect(lambda: setattr(state, "fit_on", False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.fit_button)
        buttons.addWidget(self.clear_button)

        fit_box = QGroupBox("Least-squares fit")
        fit_layout = QVBoxLayout(fit_box)
        form = QFormLayout()
        form.addRow("model", self.model)
        fit_layout.addLayout(form)
        fit_layout.addLayout(self.grid)
        fit_layout.addLayout(t_row)
        fit_layout.addLayout(buttons)

        # roi numbers as the file and the g2 panels show them (1-based); the state keeps the
        # 0-based g2 column
        self.bayes_column = QSpinBox()
        self.bayes_column.setPrefix("roi ")
        self.bayes_column.valueChanged.connect(lambda v: setattr(state, "bayes_column", v - 1))
        self.bayes_samples = QSpinBox()
        self.bayes_samples.setRange(20, 20000)
        self.bayes_samples.setSingleStep(100)
        self.bayes_samples.valueChanged.connect(lambda v: setattr(state, "bayes_samples", v))
        self.bayes_chains = QSpinBox()
        self.bayes_chains.setRange(1, 8)
        self.bayes_chains.valueChanged.connect(lambda v: setattr(state, "bayes_chains", v))
        self.bayes_button = QPushButton("Bayesian fit")
        self.bayes_button.setToolTip("NUTS on the chosen bin, started at the least-squares optimum")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.bayes_status = note_label("")  # quotes file names and error messages
        bayes_box = QGroupBox("Bayesian fit (NUTS, one bin)")
        bayes_form = QFormLayout(bayes_box)
        bayes_form.addRow("bin", self.bayes_column)
        bayes_form.addRow("draws per chain", self.bayes_samples)
        bayes_form.addRow("chains", self.bayes_chains)
        row = QHBoxLayout()
        row.addWidget(self.bayes_button)
        row.addWidget(self.cancel_button)
        bayes_form.addRow(row)
        bayes_form.addRow(self.progress)
        bayes_form.addRow(self.bayes_status)

        layout = QVBoxLayout(self)
        layout.addWidget(fit_box)
        layout.addWidget(bayes_box)
        layout.addStretch(1)
        state.changed.connect(self._state_changed)
        self.sync()

    def request_fit(self) -> None:
        """Fitting on; pressing again refits with the same settings."""
        if self.state.fit_on:
            self.state.fit_request += 1
        else:
            self.state.fit_on = True

    def set_has_data(self, has: bool) -> None:
        """Fit and Bayesian fit only when a file with multi-tau g2 is shown (a two-time only
        file, or none, has nothing to fit)."""
        self.fit_button.setEnabled(has)
        self.bayes_button.setEnabled(has)

    def set_bin_count(self, n_bins: int) -> None:
        self.bayes_column.setRange(1, max(1, n_bins))

    # -- parameters --------------------------------------------------------------------------
    def _build_rows(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = {}
        for col, text in enumerate(("parameter", "fixed", "value", "lower", "upper")):
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        model = self.state.model
        for r, name in enumerate(param_names(model), start=1):
            unit = f" ({UNITS[name]})" if name in UNITS else ""
            fixed = QCheckBox()
            edits = {key: QLineEdit() for key in ("value", "lower", "upper")}
            edits["value"].setPlaceholderText("auto")
            for key in ("lower", "upper"):
                edits[key].setPlaceholderText("default")
            for edit in edits.values():
                edit.setMaximumWidth(80)
            fixed.toggled.connect(lambda on, n=name: self._set(n, fixed=on))
            for key, edit in edits.items():
                edit.editingFinished.connect(
                    lambda e=edit, n=name, k=key: self._set(n, **{k: parse_number(e.text())}))
            self.grid.addWidget(QLabel(name + unit), r, 0)
            self.grid.addWidget(fixed, r, 1)
            for c, key in enumerate(("value", "lower", "upper"), start=2):
                self.grid.addWidget(edits[key], r, c)
            self.rows[name] = {"fixed": fixed, **edits}
        self._rows_model = model

    def _set(self, name: str, **changes: Any) -> None:
        s = self.state
        s.params = with_setting(s.params, s.model, name, **changes)

    # -- follow the state back into the widgets -------------------------------------------------
    def _state_changed(self, name: str) -> None:
        if name in ("model", "params", "t_min", "t_max", "bayes_column", "bayes_samples",
                    "bayes_chains", "fit_on"):
            self.sync()

    def sync(self) -> None:
        s = self.state
        if getattr(self, "_rows_model", None) != s.model:
            self._build_rows()
        widgets = [self.model, self.bayes_column, self.bayes_samples, self.bayes_chains,
                   *self.t_edits.values()]
        for row in self.rows.values():
            widgets += row.values()
        blocked = [w.blockSignals(True) for w in widgets]
        try:
            self.model.setCurrentIndex(max(0, self.model.findData(s.model)))
            for name, row in self.rows.items():
                p = setting(s.params, s.model, name)
                row["fixed"].setChecked(p.fixed)
                for key in ("value", "lower", "upper"):
                    if not row[key].hasFocus():
                        row[key].setText(_fmt(getattr(p, key)))
                row["value"].setPlaceholderText(f"{DEFAULT_VALUES[name]:.4g}" if p.fixed else "auto")
            for name, edit in self.t_edits.items():
                if not edit.hasFocus():
                    edit.setText(_fmt(getattr(s, name)))
            self.bayes_column.setValue(s.bayes_column + 1)
            self.bayes_samples.setValue(s.bayes_samples)
            self.bayes_chains.setValue(s.bayes_chains)
        finally:
            for widget, was in zip(widgets, blocked, strict=True):
                widget.blockSignals(was)
        self.clear_button.setEnabled(s.fit_on)
        self.fit_button.setText("Refit" if s.fit_on else "Fit")
