"""The main window. It only wires: tabs, file panel, status panel, menus and settings.

Each tab's logic lives in ``tabs/<tab>/`` (controller + view); background work in
``jobs.py``; what is open and selected in ``session.py``. The window's own chores are
mixins, one idea a module: listing and following folders (``_window_folders``), sessions
(``_window_sessions``) and exports (``_window_exports``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget

from xpcsviewer.backends import get_backend, reset_adapter_stats

from . import session_file
from ._window_exports import ExportMixin
from ._window_folders import FolderMixin
from ._window_sessions import SessionMixin
from .file_panel import FilePanel
from .jobs import JobRunner
from .live import LiveFolder
from .menus import build_menus
from .preferences import Preferences, apply_preferences, load_preferences, save_preferences
from .preferences_dialog import PreferencesDialog
from .session import Session
from .session_file import SessionData
from .status_panel import StatusPanel
from .tabs import TABS
from .tabs._driver import TabDriver


def fit_to_screen(size: tuple[int, int], available: tuple[int, int]) -> tuple[int, int]:
    """``size`` shrunk to leave a margin on a screen whose free area is ``available`` (window
    frames and a taskbar are outside the free area on most desktops, not all)."""
    return (min(size[0], available[0] - 16), min(size[1], available[1] - 40))


class MainWindow(FolderMixin, SessionMixin, ExportMixin, QMainWindow):
    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.setWindowTitle("xpcsviewer")
        self.settings = settings
        self.prefs = load_preferences(settings)
        self.session = Session(cache_mb=self.prefs.cache_mb)
        self.runner = JobRunner(parent=self)
        self.scan_job: Any = None
        self.preferences_dialog: PreferencesDialog | None = None
        self._scan_generation = 0  # a newer load_folder makes older chunks' results moot
        self._after_scan_select: int | None = None
        self._after_scan_restore: SessionData | None = None
        self.live = LiveFolder(self)  # File → Follow folder
        self.live.arrived.connect(self._file_arrived)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.drivers: list[TabDriver] = []
        for spec in TABS:
            view = spec.view(spec.controller(colormap=self.prefs.colormap))
            self.drivers.append(TabDriver(view.controller, view, self.session, self.runner,
                                          self.report_error, parent=self,
                                          show_status=self.show_status))
            self.tabs.addTab(view, spec.title)
        self.file_panel = FilePanel(self.session)
        self.file_dock = self._dock("Files", "files", self.file_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.status_panel = StatusPanel(self.runner, self.session.budget)
        self.status_dock = self._dock("Status", "status", self.status_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.actions_by_name = build_menus(self)

        self.file_panel.open_folder_requested.connect(self.choose_folder)
        self.session.changed.connect(self._session_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._restore_window()
        self.restore_last_session(files=False)  # every tab's settings, as last closed
        self._apply(self.prefs, previous=None)
        self._tab_changed(self.tabs.currentIndex())

    def _dock(self, title: str, name: str, widget: Any, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}_dock")  # saveState needs stable names
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- tabs ---------------------------------------------------------------------------------
    def _session_changed(self, reason: str) -> None:
        if reason == "shared:wrote":  # a tab wrote a result file: list it
            self.file_written(self.session.shared["wrote"])
        for driver in self.drivers:
            driver.session_changed(reason)
        current = self.session.current
        self.setWindowTitle(f"xpcsviewer — {current.name}" if current else "xpcsviewer")

    def _tab_changed(self, index: int) -> None:
        for position, driver in enumerate(self.drivers):
            driver.set_visible(position == index)
        self.settings.setValue("window/tab", index)
        controller = self.drivers[index].controller if 0 <= index < len(self.drivers) else None
        self.actions_by_name["export_csv"].setEnabled(bool(controller and controller.can_export_csv()))

    def current_driver(self) -> TabDriver:
        return self.drivers[self.tabs.currentIndex()]

    # -- preferences and status -------------------------------------------------------------------
    def open_preferences(self) -> PreferencesDialog:
        """Show the dialog without blocking; OK saves and applies."""
        dialog = PreferencesDialog(self.prefs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_preferences(dialog.preferences()))
        dialog.destroyed.connect(lambda: setattr(self, "preferences_dialog", None))
        self.preferences_dialog = dialog
        dialog.open()
        return dialog

    def set_preferences(self, prefs: Preferences) -> None:
        previous, self.prefs = self.prefs, prefs
        save_preferences(self.settings, prefs)
        self.session.cache_mb = prefs.cache_mb
        if previous.colormap != prefs.colormap:
            # A new default colour map reaches the tabs still on the old default (a map chosen
            # in a tab stays); sessions then save it like any other tab setting.
            for driver in self.drivers:
                state = driver.controller.state
                if getattr(state, "colormap", None) == previous.colormap:
                    state.colormap = prefs.colormap
        self._apply(prefs, previous)

    def use_backend_for_this_run(self, backend: str) -> None:
        """``--backend`` on the command line: wins over the saved preference, is not saved."""
        previous, self.prefs = self.prefs, replace(self.prefs, backend=backend)
        self._apply(self.prefs, previous)

    def _apply(self, prefs: Preferences, previous: Preferences | None) -> None:
        applied = apply_preferences(prefs, previous)
        if previous is not None and any(getattr(previous, k) != getattr(prefs, k)
                                        for k in ("backend", "use_gpu", "memory_fraction")):
            self.runner.restart_worker_process()  # the job process computes as this one now does
        if previous is not None and previous.theme != prefs.theme:
            applied.notices.append(f"The {prefs.theme} theme applies when xpcsviewer next starts.")
        self.status_panel.set_backend(get_backend().name, applied.device_label)
        self.status_panel.set_notice("\n".join(applied.notices))
        for notice in applied.notices:
            self.status_panel.add_message(notice)
            self.statusBar().showMessage(notice, 15000)

    def show_status(self, message: str) -> None:
        """A passing line in the status bar (what a click in a tab did)."""
        self.statusBar().showMessage(message, 10000)

    def report_error(self, message: str) -> None:
        """A problem the user should see (a bad file, a failed job); the app carries on."""
        self.status_panel.add_message(message)
        self.statusBar().showMessage(message, 15000)

    def reset_adapter_counters(self) -> None:
        reset_adapter_stats()
        self.status_panel.refresh_stats()

    # -- window state ---------------------------------------------------------------------------
    def _restore_window(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
        # First start, or a size saved on a bigger screen: fit the screen it opens on.
        fit = fit_to_screen((self.width(), self.height()), self._available_size())
        if fit != (self.width(), self.height()):
            self.resize(*fit)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        else:  # first start: plots get most of the room (the status dock is one line)
            self.resizeDocks([self.file_dock], [min(430, self.width() // 4)], Qt.Orientation.Horizontal)
        tab = int(self.settings.value("window/tab", 0) or 0)
        self.tabs.setCurrentIndex(tab if 0 <= tab < self.tabs.count() else 0)

    def _available_size(self) -> tuple[int, int]:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return (1500, 950)
        area = screen.availableGeometry()
        return (area.width(), area.height())

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.settings.setValue("session/last", session_file.dumps(self.capture_session()))
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        self.settings.sync()
        self.live.stop()
        self.runner.shutdown()
        self.session.close_all()
        super().closeEvent(event)
