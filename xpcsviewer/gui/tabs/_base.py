"""The Qt half of a tab: :class:`TabView`, the widgets bound to a controller's state.

The controller, its state and the tab spec are Qt-free and live in ``_model.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from ._model import TabController


class TabView(QWidget):
    """Widgets bound to a controller's state. ``render`` runs on the GUI thread."""

    def __init__(self, controller: TabController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.state = controller.state
        self.last_data: Any = None

    def render(self, data: Any) -> None:
        raise NotImplementedError

    def show_message(self, text: str) -> None:
        raise NotImplementedError

    def stage(self, data: Any) -> bool:
        """Do the first part of drawing ``data`` now, when it is costly (e.g. a new panel
        layout), and return True; the driver then calls :meth:`render` on the next turn of
        the event loop, so that neither part holds the window over 100 ms (issue 13). The
        view must not paint the half-drawn state between the two. False: nothing staged."""
        return False

    def unstage(self) -> None:
        """A staged draw will not be rendered (newer data is on its way): paint again."""

    def export_figure(self, path: Path) -> Path | None:
        """Write the tab's figure through matplotlib; ``None`` when the tab has none."""
        return None
