"""The Qt-free half of a tab: its controller (with a state object) and the tab's spec.

Controllers and their state import and run without PySide6 (the napari/glue contract in
HOUSE.md); ``tests/test_house_rules.py`` imports every controller with Qt made unimportable.
To add a tab: ``tabs/<name>/controller.py`` with a :class:`TabController` subclass,
``tabs/<name>/view.py`` with a ``TabView`` subclass (``_base.py``), ``TAB = TabSpec(...)``
in ``tabs/<name>/__init__.py`` naming the view by module path (imported only by the window),
and the tab listed in ``tabs/__init__.py``.

Tabs never import each other. What one tab hands another is declared on the controllers:
``publishes`` names the shared keys a tab writes (its :meth:`TabController.results` after each
render, or :meth:`TabController.publish` for a user's act such as a picked bin), ``follows``
maps shared keys to the state fields they set. The tab driver (``_driver.py``) wires both to
the session, and runs a tab's second job (:class:`Task`) on the window's one job runner.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._events import Event, State


def parse_number(text: str, *, positive: bool = False, minimum: float | None = None) -> float | None:
    """The number typed in a text field, or None for blank or unusable text (which the
    fields read as "automatic" / "no limit"): not a number, not finite, not > 0 with
    ``positive``, below ``minimum``. The one parser of every tab's typed numbers."""
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    if not math.isfinite(value) or (positive and value <= 0):
        return None
    if minimum is not None and value < minimum:
        return None
    return value


def _ignore(*args: Any) -> None:
    return None


@dataclass(frozen=True)
class Task:
    """A tab's second background job (NUTS on one bin, writing an average), run by its
    driver on the window's job runner. ``run(files, token, progress)`` runs on a worker with
    ``files`` the open files of ``paths``; the callbacks run on the GUI thread: ``done(result)``,
    ``failed(message)``, ``progressed(fraction, message)``, and ``cancelled()`` once a
    cancelled run has stopped."""

    name: str
    run: Callable[[list[Any], Any, Callable[[float, str], None]], Any]
    paths: tuple[Path, ...] = ()
    done: Callable[[Any], None] = _ignore
    failed: Callable[[str], None] = _ignore
    progressed: Callable[[float, str], None] = _ignore
    cancelled: Callable[[], None] = _ignore


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
    # The most files ``prepare`` uses (the first that open); None: all. The driver opens no
    # more than that and passes how many it left unopened as ``prepare(..., not_opened=n)``
    # (opening 200 selected files for a tab that overlays 12 held the GIL for seconds).
    open_limit: int | None = None
    state_class: type[State] = State
    # Settings the view applies to the data it already has, without a new background job.
    render_only: frozenset[str] = frozenset()
    # Shared keys this tab writes, and {shared key: state field} it follows (module doc).
    publishes: tuple[str, ...] = ()
    follows: Mapping[str, str] = MappingProxyType({})
    # A state field the driver sets to the session's current file (its path as str) while
    # that file is among the tab's files, else None (the g2 overlay pairs bins to it).
    current_field: str | None = None

    def __init__(self, **preferences: Any) -> None:
        self.state = self.state_class(**self.initial_state(preferences))
        self.shared = Event()  # (key, value, again) for the session; the driver connects it
        self.said = Event()  # (message) for the window's status line
        self.task: Any = None  # the running second job (a jobs.Job), None when there is none
        self._submit: Callable[[Task], Any] | None = None  # the driver's, once wired

    # -- links to other tabs and the window (wired by the driver) ------------------------------
    def results(self, data: Any) -> dict[str, Any]:
        """{shared key: value} to publish after ``data`` was rendered (``None``: a message
        is shown instead). Keys must be in ``publishes``."""
        return {}

    def publish(self, key: str, value: Any, again: bool = False) -> None:
        """Share ``value`` under ``key`` with the tabs that follow it; ``again`` tells them
        even when the value is the one already shared (a second pick of the same bin)."""
        if key not in self.publishes:
            raise KeyError(f"{type(self).__name__} does not declare {key!r} in publishes")
        self.shared.emit(key, value, again)

    def say(self, message: str) -> None:
        """A line for the window's status bar (what a click did)."""
        self.said.emit(message)

    def attach(self, submit: Callable[[Task], Any]) -> None:
        """The driver's way to run a :class:`Task`; it returns the job."""
        self._submit = submit

    def start(self, task: Task) -> Any:
        """Run ``task`` in the background, cancelling this tab's previous one; the job."""
        if self._submit is None:
            raise RuntimeError(f"{type(self).__name__} runs tasks only once a driver wired it")
        self.cancel_task()
        self.task = self._submit(task)
        return self.task

    def cancel_task(self) -> None:
        """Ask the running task to stop; its ``cancelled`` callback says when it has."""
        if self.task is not None and not self.task.done:
            self.task.cancel()

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

    # A second stage: what ``prepare`` left for later (the Two-time tab's τ fit) is computed
    # after its data is drawn, as the same background work (the tab stays busy until then).
    def refines(self, data: Any) -> bool:
        """Whether ``data``, just drawn, still lacks parts :meth:`refine` computes."""
        return False

    def refine(self, data: Any, files: list[Any], token: Any,
               progress: Callable[[float, str], None]) -> Any:
        """``data`` completed (a new object; worker thread, like ``prepare``)."""
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


PICK_TIP = "click: show this dynamic bin on the Two-time tab"


class BinPicker(TabController):
    """A controller whose detector images pick a g2 column for the Two-time tab (Q-map,
    SAXS-2D): subclasses define :meth:`bin_at`."""

    publishes = ("picked_bin",)

    @staticmethod
    def bin_at(data: Any, column: int, row: int) -> int | None:
        raise NotImplementedError

    def pick(self, data: Any, column: int, row: int) -> int | None:
        """The g2 column of pixel (``column``, ``row``), published as ``picked_bin`` (every
        pick, the same bin again too) and said in the status line; a masked or unbinned
        pixel picks nothing."""
        picked = self.bin_at(data, column, row)
        if picked is None:
            self.say(f"pixel ({column}, {row}) is masked or in no dynamic bin: no bin picked")
            return None
        self.publish("picked_bin", int(picked), again=True)
        self.say(f"roi {picked + 1} picked for Two-time")
        return int(picked)
