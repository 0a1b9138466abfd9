"""The main window's folder handling: list a folder in the background (names first, then
each file's summary, a chunk at a time), follow it for new files, and step through it.

A mixin of :class:`~xpcsviewer.gui.main_window.MainWindow`: it uses the window's
``session``, ``runner``, ``settings``, ``live``, ``file_panel`` and ``report_error``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from ._words import counted
from .folder_dialog import FolderDialog
from .jobs import JobError, give_way
from .live import FOLLOW_DEFAULTS, FOLLOW_KEY, NEWEST_KEY, POLL_KEY
from .session_file import SessionData

SCAN_CHUNK = 64  # files summarized per background job: rows fill in ~2 s steps


class FolderMixin:
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
        from xpcsviewer.io import summarize, summarize_many

        if done >= len(paths):
            self._scanned(folder)
            return
        chunk = paths[done:done + SCAN_CHUNK]
        reader = self.runner.reader

        def work(token: Any, progress: Any) -> list[Any]:
            if reader is not None:  # the app's reader process: this thread only waits
                return reader.call(summarize_many, (chunk,), {
                    "progress": lambda f, _m="": progress(
                        (done + f * len(chunk)) / len(paths),
                        f"{done + round(f * len(chunk))} of {len(paths)} files read"),
                    "cancel": lambda: token.cancelled}, token)
            out = []
            for i, path in enumerate(chunk):
                token.raise_if_cancelled()
                progress((done + i) / len(paths), f"{done + i} of {len(paths)} files read")
                out.append(summarize(path))
                give_way()
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
        self.statusBar().showMessage(f"{folder}: {counted(len(summaries), 'file')}, {len(bad)} unreadable", 10000)
        if self._after_scan_select:
            self.file_panel.select_first(self._after_scan_select)
        if self._after_scan_restore is not None:
            self._restore_files(self._after_scan_restore, summaries)
            self._after_scan_restore = None
        self._follow()

    # -- live folder: File → Follow folder --------------------------------------------------------
    def follow_option(self, key: str) -> bool:
        """A File-menu follow option: the user's choice, else ``live.FOLLOW_DEFAULTS``."""
        if not self.settings.contains(key):
            return FOLLOW_DEFAULTS.get(key, False)
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

    def file_written(self, path: Path) -> None:
        """A file this window wrote (the Average tab's result): when it is in the folder on
        show, read its summary in the background and add its row, keeping the selection,
        as the live folder does. Elsewhere, nothing to list."""
        from xpcsviewer.io import summarize

        path = Path(path)
        folder = self.session.folder
        if folder is None or path.parent.resolve() != Path(folder).resolve():
            return
        row = Path(folder) / path.name  # as the listing names it
        self.runner.submit(f"read {row.name}", lambda token, progress: summarize(row),
                           on_result=lambda summary: self._written_listed(row, summary))

    def _written_listed(self, path: Path, summary: Any) -> None:
        if path.parent == self.session.folder:  # not after a switch of folder
            self.session.file_event("complete", path, summary)
            self.statusBar().showMessage(f"Listed {path.name}", 10000)

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
