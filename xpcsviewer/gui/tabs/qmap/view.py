"""Q-map widgets: four maps in a grid sharing one colour map and one readout line."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...plotting import COLORMAPS, ImagePanel, note_label
from .._base import TabView
from .._model import PICK_TIP
from .controller import QmapController, QmapData


class QmapView(TabView):
    def __init__(self, controller: QmapController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.cmap_box = QComboBox()
        self.cmap_box.addItems(list(COLORMAPS))
        self.cmap_box.setCurrentText(s.colormap)
        self.cmap_box.currentTextChanged.connect(lambda name: setattr(s, "colormap", name))
        self.center_box = QCheckBox("beam centre")
        self.center_box.setChecked(s.show_beam_center)
        self.center_box.toggled.connect(lambda on: setattr(s, "show_beam_center", on))
        options = QHBoxLayout()
        options.addWidget(QLabel("colour map"))
        options.addWidget(self.cmap_box)
        options.addWidget(self.center_box)
        options.addStretch(1)
        grid = QGridLayout()
        self.panels: dict[str, ImagePanel] = {}
        for index, key in enumerate(("dynamic", "static", "q", "phi")):
            panel = ImagePanel()
            panel.hovered.connect(self._hovered)
            panel.picked.connect(self.pick)  # every map has the same pixels, so any picks a bin
            grid.addWidget(panel, index // 2, index % 2)
            self.panels[key] = panel
        self.readout = note_label(" ")
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addLayout(grid, 1)
        layout.addWidget(self.readout)

    def render(self, data: QmapData) -> None:
        st = data.settings
        for item in data.panels:
            panel = self.panels[item.key]
            panel.set_image(item.image, colormap_name=st["colormap"], label=item.label)
            panel.set_titles(f"{data.name}: {item.title}")
            panel.set_marker(*(data.beam_center if st["show_beam_center"] else (None, None)))

    def show_message(self, text: str) -> None:
        for panel in self.panels.values():
            panel.show_message(text)
        self.readout.setText(" ")

    def pick(self, column: int, row: int) -> int | None:
        """A click on pixel (``column``, ``row``) of any map; returns the g2 column picked."""
        return self.controller.pick(self.last_data, column, row)

    def _hovered(self, column: int, row: int) -> None:
        text = self.controller.readout(self.last_data, column, row)
        self.readout.setText(f"{text}  — {PICK_TIP}" if text else " ")
