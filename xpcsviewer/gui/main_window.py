"""The main window. It only wires: tabs, file panel, status panel, menus and settings.

Each tab's logic lives in ``tabs/<tab>/`` (controller + view); background work in
``jobs.py``; what is open and selected in ``session.py``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QTabWidget

from xpcsviewer.backends import get_backend, reset_adapter_stats

from . import session_file
from .export_names import start_path, suggest_name
from .file_panel import FilePanel
from .folder_dialog import FolderDialog
from .jobs import JobError, JobRunner
from .live import FOLLOW_KEY, NEWEST_KEY, POLL_KEY, LiveFolder
from .menus import build_menus
from .preferences import Preferences, apply_preferences, load_preferences, save_preferences
from .preferences_dialog import PreferencesDialog
from .session import Session
from .session_file import SessionData, SessionError, capture_state, restore_state
from .status_panel import StatusPanel
from .tabs import TABS
from .tabs._driver import TabDriver

SCAN_CHUNK = 64  # files summarized per background job: rows fill in ~2 s steps
EXPORT_FOLDER_KEY = "export/last_folder"  # where the last export went (QSettings)


def fit_to_screen(size: tuple[int, int], available: tuple[int, int]) -> tuple[int, int]:
    """``size`` shrunk to leave a margin on a screen whose free area is ``available`` (window
    frames and a taskbar are outside the free area on most desktops, not all)."""
    return (min(size[0], available[0] - 16), min(size[1], available[1] - 40))


class MainWindow(QMainWindow):
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

    # -- folders ------------------------------------------------------------------------------
    def load_folder(self, folder: Path, select: int | None = None,
                    restore: SessionData | None = None) -> None:
        """List ``folder`` in the background: names and sizes first (no file opened), then
        each file's kind, sample and bins, a chunk at a time; when all are read, put the
        first ``select`` files on the list (or, with ``restore``, the session's selection and
        current file)."""
        from xpcsviewer.io import list_folder

        folder = Path(folder)
        if self.scan_job is not None:
            self.scan_job.cancel()
        self.live.stop()  # restarted once every row is read (it needs the readable files)
        self._scan_generation += 1
        generation = self._scan_generation
        self._after_scan_select = select
        self._after_scan_restore = restore
        self.statusBar().showMessage(f"Scanning {folder} …")
        self.scan_job = self.runner.submit(
            f"list {folder.name}", lambda token, progress: list_folder(folder),
            on_result=lambda rows: self._listed(folder, rows, generation),
            on_error=lambda error: self._scan_failed(folder, error),
        )

    def _listed(self, folder: Path, rows: list[Any], generation: int) -> None:
        """Names on show: now read the files' summaries, SCAN_CHUNK at a time."""
        if generation != self._scan_generation:
            return
        if folder == self.session.folder:  # reload: a file unchanged on disk is not read again
            known = {(Path(s.path), s.size_bytes, s.mtime): s for s in self.session.summaries
                     if getattr(s, "summarized", False) and not getattr(s, "error", None)}
            rows = [known.get((Path(r.path), r.size_bytes, r.mtime), r) for r in rows]
        self.session.set_listing(folder, rows)
        self.settings.setValue("window/last_folder", str(folder))
        self._summarize_next(folder, generation, self.session.unsummarized(), 0)

    def _summarize_next(self, folder: Path, generation: int, paths: list[Path], done: int) -> None:
        from xpcsviewer.io import summarize

        if done >= len(paths):
            self._scanned(folder)
            return
        chunk = paths[done:done + SCAN_CHUNK]

        def work(token: Any, progress: Any) -> list[Any]:
            out = []
            for i, path in enumerate(chunk):
                token.raise_if_cancelled()
                progress((done + i) / len(paths), f"{done + i} of {len(paths)} files read")
                out.append(summarize(path))
            return out

        def filled(summaries: list[Any]) -> None:
            if generation != self._scan_generation:
                return
            self.session.fill_summaries(summaries)
            self._summarize_next(folder, generation, paths, done + len(chunk))

        self.scan_job = self.runner.submit(
            f"scan {folder.name}", work, on_result=filled,
            on_error=lambda error: self._scan_failed(folder, error),
        )

    def _scanned(self, folder: Path) -> None:
        """Every row read: report bad files and notes, then select or restore."""
        self.scan_job = None
        summaries = self.session.summaries
        bad = [s for s in summaries if getattr(s, "error", None)]
        for summary in bad:
            self.report_error(f"{summary.name}: {summary.error}")
        for summary in summaries:  # readable, but with values left out: say which and why
            for note in self.session.new_notes(summary):  # once: tabs reading it stay quiet
                self.report_error(f"{summary.name}: {note}")
        self.statusBar().showMessage(f"{folder}: {len(summaries)} files, {len(bad)} unreadable", 10000)
        if self._after_scan_select:
            self.file_panel.select_first(self._after_scan_select)
        if self._after_scan_restore is not None:
            self._restore_files(self._after_scan_restore, summaries)
            self._after_scan_restore = None
        self._follow()

    # -- live folder ----------------------------------------------------------------------------
    def follow_option(self, key: str) -> bool:
        return str(self.settings.value(key, "false")).lower() == "true"

    def set_follow_option(self, key: str, on: bool) -> None:
        """File menu: follow the folder, by polling, showing the newest file (remembered)."""
        self.settings.setValue(key, "true" if on else "false")
        self._follow()

    def _follow(self) -> None:
        """Watch the listed folder while "Follow folder" is on (restarted for a new folder
        or mode); files listed unreadable are looked at again, as they may be in progress."""
        self.live.stop()
        if self.follow_option(FOLLOW_KEY) and self.session.folder is not None and self.scan_job is None:
            known = self.session.readable_paths()
            try:
                self.live.start(self.session.folder, known, poll=self.follow_option(POLL_KEY))
            except OSError as exc:  # the folder vanished, or no OS watch left (inotify limit)
                self.report_error(f"Cannot follow {self.session.folder}: {exc}; "
                                  "try File → Follow by polling.")

    def _file_arrived(self, event: Any) -> None:
        if event.path.parent != self.live.folder:  # queued before a switch of folder
            return
        self.session.file_event(event.kind, event.path, event.summary)
        if event.kind != "complete":
            return
        if event.summary.error:  # unreadable and unchanged for a minute: really broken
            self.report_error(f"{event.summary.name}: {event.summary.error}")
            return
        for note in self.session.new_notes(event.summary):
            self.report_error(f"{event.summary.name}: {note}")
        self.statusBar().showMessage(f"New file: {event.summary.name}", 10000)
        if self.follow_option(NEWEST_KEY):
            self.session.set_current(event.path)

    # -- sessions -------------------------------------------------------------------------------
    def capture_session(self) -> SessionData:
        """Folder, current file, overlay set, shown tab and every tab's settings."""
        return SessionData(
            folder=self.session.folder, current=self.session.current,
            selected=list(self.session.selected), tab=self.current_driver().controller.key,
            tabs={d.controller.key: capture_state(d.controller.state) for d in self.drivers},
        )  # fmt: skip

    def apply_session(self, data: SessionData, files: bool = True) -> None:
        """Restore each tab's settings (those that still exist) and, with ``files``, the
        folder, overlay set and current file once the folder is listed."""
        for driver in self.drivers:
            restore_state(driver.controller.state, data.tabs.get(driver.controller.key, {}))
        keys = [d.controller.key for d in self.drivers]
        if data.tab in keys:
            self.tabs.setCurrentIndex(keys.index(data.tab))
        if files and data.folder is not None:
            if data.folder.is_dir():
                self.load_folder(data.folder, restore=data)
            else:
                self.report_error(f"The session's folder {data.folder} no longer exists.")

    def _restore_files(self, data: SessionData, summaries: list[Any]) -> None:
        listed = {Path(s.path) for s in summaries if not getattr(s, "error", None)}
        chosen = [p for p in data.selected if p in listed]
        if len(chosen) < len(data.selected):
            self.report_error(f"{len(data.selected) - len(chosen)} files of the session are "
                              "no longer in the folder (or unreadable).")
        self.session.set_selected(chosen)
        if data.current in listed:
            self.session.set_current(data.current)

    def restore_last_session(self, files: bool) -> bool:
        """The session saved when the window last closed: tab settings always; with
        ``files`` also its folder and selection. False when there is none (or it is unusable,
        which is reported and otherwise ignored)."""
        text = self.settings.value("session/last", "")
        if not text:
            return False
        try:
            data = session_file.loads(str(text), Path.home())
        except SessionError as exc:
            self.report_error(f"{exc}; starting with default settings.")
            return False
        self.apply_session(data, files=files)
        return data.folder is not None and data.folder.is_dir()

    def open_session(self, path: Path) -> bool:
        try:
            data = session_file.load(path)
        except SessionError as exc:
            self.report_error(str(exc))
            return False
        self.apply_session(data)
        return True

    def save_session(self, path: Path) -> Path:
        return session_file.save(self.capture_session(), path)

    def choose_session_open(self) -> None:
        start = str(self.session.folder or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open session", start, "Sessions (*.json)")
        if path:
            self.open_session(Path(path))

    def choose_session_save(self) -> None:
        start = str((self.session.folder or Path.home()) / "xpcsviewer-session.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save session", start, "Sessions (*.json)")
        if path:
            self.statusBar().showMessage(f"Wrote {self.save_session(Path(path))}", 10000)

    def _scan_failed(self, folder: Path, error: JobError) -> None:
        self.scan_job = None
        self.report_error(f"Could not list {folder}: {error}")

    def choose_folder(self) -> FolderDialog:
        """Qt's folder dialog with a line counting the result files of the folders on show
        (``folder_dialog``); the chosen folder is listed. Returns the (open) dialog."""
        start = str(self.settings.value("window/last_folder", "") or Path.home())
        dialog = FolderDialog(self, start)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda folder: folder and self.load_folder(Path(folder)))
        dialog.open()
        return dialog

    def reload_folder(self) -> None:
        """List the folder again, keeping the selection and the current file (F5)."""
        if self.session.folder is not None:
            keep = SessionData(folder=self.session.folder, current=self.session.current,
                               selected=list(self.session.selected))
            self.load_folder(self.session.folder, restore=keep)

    def load_demo(self) -> None:
        from xpcsviewer.demo import ensure_demo

        self.statusBar().showMessage("Preparing demo data …")
        self.runner.submit("demo data", lambda token, progress: ensure_demo(),
                           on_result=lambda folder: self.load_folder(folder, select=2),
                           on_error=lambda error: self.report_error(f"Demo data failed: {error}"))

    def step_file(self, step: int) -> None:
        paths = self.file_panel.visible_paths()
        if not paths:
            return
        current = self.session.current
        index = paths.index(current) + step if current in paths else 0
        self.session.set_current(paths[max(0, min(index, len(paths) - 1))])

    # -- tabs ---------------------------------------------------------------------------------
    def _session_changed(self, reason: str) -> None:
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

    # -- exports --------------------------------------------------------------------------------
    def export_csv(self, path: Path) -> Path | None:
        driver = self.current_driver()
        if not driver.controller.can_export_csv() or driver.view.last_data is None:
            self.report_error(f"{driver.controller.title}: nothing to export as CSV")
            return None
        return driver.controller.export_csv(Path(path), driver.view.last_data)

    def export_start(self, suffix: str) -> Path:
        """The save dialog's start: the last export folder and a name made of the file(s),
        the tab and the bins shown (``export_names.suggest_name``)."""
        driver = self.current_driver()
        data = driver.view.last_data
        bins = None
        if data is not None and getattr(data, "slots", None):  # the g2 tab's plotted range
            bins = (data.first_slot + 1, data.first_slot + len(data.slots))
        name = suggest_name(driver.paths(), driver.controller.key, suffix, bins)
        return start_path(self.settings.value(EXPORT_FOLDER_KEY, ""),
                          self.session.folder or Path.home(), name)

    def _exported(self, written: Path) -> None:
        self.settings.setValue(EXPORT_FOLDER_KEY, str(Path(written).parent))
        self.statusBar().showMessage(f"Wrote {written}", 10000)

    def choose_csv_export(self) -> None:
        start = self.export_start(".csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export data", str(start), "CSV (*.csv)")
        written = self.export_csv(Path(path)) if path else None
        if written:
            self._exported(written)

    def choose_figure_export(self) -> None:
        start = self.export_start(".png")
        path, _ = QFileDialog.getSaveFileName(self, "Export figure", str(start),
                                              "Figures (*.png *.svg *.pdf)")
        if path:
            written = self.current_driver().view.export_figure(Path(path))
            if written is None:
                self.report_error("This tab has no figure export yet.")
            else:
                self._exported(written)

    def choose_snapshot_folder(self) -> None:
        from .snapshot import render_tabs

        folder = QFileDialog.getExistingDirectory(self, "Save snapshots of every tab into")
        if folder:
            written = render_tabs(self, Path(folder))
            self.statusBar().showMessage(f"Wrote {len(written)} snapshots to {folder}", 10000)

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
