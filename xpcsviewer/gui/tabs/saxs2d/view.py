"""SAXS-2D widgets: options row, the image, and the cursor readout line."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...plotting import COLORMAPS, ImagePanel, note_label
from .._base import TabView
from .._model import PICK_TIP, parse_number
from .controller import IMAGE_UNITS, Saxs2dController, Saxs2dData


class Saxs2dView(TabView):
    def __init__(self, controller: Saxs2dController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.log_box = QCheckBox("log scale")
        self.log_box.setChecked(s.log_scale)
        self.log_box.toggled.connect(lambda on: setattr(s, "log_scale", on))
        self.cmap_box = QComboBox()
        self.cmap_box.addItems(list(COLORMAPS))
        self.cmap_box.setCurrentText(s.colormap)
        self.cmap_box.currentTextChanged.connect(lambda name: setattr(s, "colormap", name))
        self.vmin_edit, self.vmax_edit = QLineEdit(), QLineEdit()
        for edit, name in ((self.vmin_edit, "vmin"), (self.vmax_edit, "vmax")):
            edit.setPlaceholderText("auto")
            edit.setMaximumWidth(90)
            edit.setToolTip(f"colour limit in {IMAGE_UNITS}; empty = automatic")
            edit.editingFinished.connect(
                lambda e=edit, n=name: setattr(s, n, parse_number(e.text()))
            )
        self.mask_box = QCheckBox("mask overlay")
        self.mask_box.setChecked(s.show_mask)
        self.mask_box.toggled.connect(lambda on: setattr(s, "show_mask", on))
        self.center_box = QCheckBox("beam centre")
        self.center_box.setChecked(s.show_beam_center)
        self.center_box.toggled.connect(lambda on: setattr(s, "show_beam_center", on))

        options = QHBoxLayout()
        for widget in (self.log_box, QLabel("colour map"), self.cmap_box, QLabel("min"),
                       self.vmin_edit, QLabel("max"), self.vmax_edit, self.mask_box, self.center_box):
            options.addWidget(widget)
        options.addStretch(1)
        self.panel = ImagePanel()
        self.panel.hovered.connect(self._hovered)
        self.panel.picked.connect(self.pick)
        self.readout = note_label(" ")
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.readout)

    def render(self, data: Saxs2dData) -> None:
        st = data.settings
        limits = (st["vmin"], st["vmax"])
        used = self.panel.set_image(
            data.image, colormap_name=st["colormap"], levels=limits, log=st["log_scale"],
            label=f"I ({IMAGE_UNITS})",
        )
        self.panel.set_mask_overlay(data.excluded if st["show_mask"] else None)
        self.panel.set_marker(*(data.beam_center if st["show_beam_center"] else (None, None)))
        self.panel.set_titles(f"{data.name} — time-averaged intensity")
        # Show the automatic limits so the user can start from them.
        self.vmin_edit.setPlaceholderText(f"auto ({used[0]:.3g})")
        self.vmax_edit.setPlaceholderText(f"auto ({used[1]:.3g})")

    def show_message(self, text: str) -> None:
        self.panel.show_message(text)
        for edit in (self.vmin_edit, self.vmax_edit):  # no image: no automatic limits
            edit.setPlaceholderText("auto")
        self.readout.setText(" ")

    def pick(self, column: int, row: int) -> int | None:
        """A click on pixel (``column``, ``row``); returns the g2 column picked, if any."""
        return self.controller.pick(self.last_data, column, row)

    def _hovered(self, column: int, row: int) -> None:
        text = self.controller.readout(self.last_data, column, row)
        self.readout.setText(f"{text}  — {PICK_TIP}" if text else " ")
