"""Average widgets (being built)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout

from .._base import TabView


class AverageView(TabView):
    def __init__(self, controller: Any, parent: Any = None) -> None:
        super().__init__(controller, parent)
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)

    def render(self, data: Any) -> None:
        self.label.setText(", ".join(data))

    def show_message(self, text: str) -> None:
        self.label.setText(text)
