"""The main window's sessions: capture and apply every tab's settings with the folder, the
overlay set and the current file; the last session at start; Save / Open session.

A mixin of :class:`~xpcsviewer.gui.main_window.MainWindow` (its ``session``, ``drivers``,
``tabs``, ``settings``, ``load_folder`` and ``report_error``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from . import session_file
from .session_file import SessionData, SessionError, capture_state, restore_state


class SessionMixin:
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
