"""What every tab provides: a Qt-free controller with a state object, and a view.

To add a tab (issue 7): make ``tabs/<name>/controller.py`` with a :class:`TabController`
subclass and ``tabs/<name>/view.py`` with a :class:`TabView` subclass, expose
``TAB = TabSpec(...)`` in ``tabs/<name>/__init__.py`` and list it in ``tabs/__init__.py``.
The main window and the snapshot renderer pick it up from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from .._events import State


@dataclass
class Prepared:
    """What a controller's ``prepare`` hands its view: ``data`` plus per-file problems."""

    data: Any
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "name.hdf: what is wrong"


class TabController:
    """Talks to the Qt-free layers. ``prepare`` runs on a worker thread, so it must only
    read ``state`` (copying what it needs first) and never touch widgets."""

    key = "base"
    title = "Base"
    files_from = "current"  # "current": the file stepped through; "overlay": the selected list
    opens_files = True  # False: prepare receives paths rather than open XpcsFile objects
    state_class: type[State] = State
    # Settings the view applies to the data it already has, without a new background job.
    render_only: frozenset[str] = frozenset()

    def __init__(self, **preferences: Any) -> None:
        self.state = self.state_class(**self.initial_state(preferences))

    def initial_state(self, preferences: dict[str, Any]) -> dict[str, Any]:
        """Settings taken from the preferences (e.g. the default colour map)."""
        return {}

    def empty_message(self) -> str:
        return "Select a file in the file panel (double-click or Enter adds it to the selection)."

    def prepare(self, files: list[Any], token: Any, progress: Callable[[float, str], None]) -> Any:
        raise NotImplementedError

    # Optional exports; the File menu enables what a tab supports.
    def can_export_csv(self) -> bool:
        return False

    def export_csv(self, path: Path, data: Any) -> Path:
        raise NotImplementedError


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

    def export_figure(self, path: Path) -> Path | None:
        """Write the tab's figure through matplotlib; ``None`` when the tab has none."""
        return None


@dataclass(frozen=True)
class TabSpec:
    key: str  # file name of the snapshot: <key>.png
    title: str
    controller: type[TabController]
    view: type[TabView]
