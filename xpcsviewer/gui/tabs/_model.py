"""The Qt-free half of a tab: its controller (with a state object) and the tab's spec.

Controllers and their state import and run without PySide6 (the napari/glue contract in
HOUSE.md); ``tests/test_house_rules.py`` imports every controller with Qt made unimportable.
To add a tab: ``tabs/<name>/controller.py`` with a :class:`TabController` subclass,
``tabs/<name>/view.py`` with a ``TabView`` subclass (``_base.py``), ``TAB = TabSpec(...)``
in ``tabs/<name>/__init__.py`` naming the view by module path (imported only by the window),
and the tab listed in ``tabs/__init__.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    # "current": the file stepped through; "overlay": the selected list; "folder": every
    # readable file listed (a live folder's new files included)
    files_from = "current"
    opens_files = True  # False: prepare receives paths rather than open XpcsFile objects
    state_class: type[State] = State
    # Settings the view applies to the data it already has, without a new background job.
    render_only: frozenset[str] = frozenset()

    def __init__(self, **preferences: Any) -> None:
        self.state = self.state_class(**self.initial_state(preferences))

    def initial_state(self, preferences: dict[str, Any]) -> dict[str, Any]:
        """Settings taken from the preferences (e.g. the default colour map)."""
        return {}

    def source(self) -> str:
        """Which files ``prepare`` gets (``files_from``; a tab may let its state choose)."""
        return self.files_from

    def empty_message(self) -> str:
        return "Select a file in the file panel (double-click or Enter adds it to the selection)."

    def prepare(self, files: list[Any], token: Any, progress: Callable[[float, str], None]) -> Any:
        raise NotImplementedError

    # Optional exports; the File menu enables what a tab supports.
    def can_export_csv(self) -> bool:
        return False

    def export_csv(self, path: Path, data: Any) -> Path:
        raise NotImplementedError


@dataclass(frozen=True)
class TabSpec:
    """A tab: ``key`` (file name of its snapshot, ``<key>.png``), ``title``, its controller
    class, and its view as ``"package.module:Class"`` so that listing the tabs loads no Qt."""

    key: str
    title: str
    controller: type[TabController]
    view_path: str

    @property
    def view(self) -> Any:
        """The view class (imports Qt)."""
        module, name = self.view_path.split(":")
        return getattr(importlib.import_module(module), name)
