"""What the user has open: the folder, its file list, the selected files and the current one.

Plain Python (no Qt) so the file panel's behaviour is testable on its own. Files are opened
through ``xpcsviewer.open`` on worker threads; the lock keeps two workers from opening the
same file twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ._events import Event

OPEN_FILE_LIMIT = 64  # open handles kept; older ones are closed when more are opened


class Session:
    """Folder listing and selection. ``changed(reason)`` fires on the GUI thread's calls.

    ``selected`` is the overlay list the user built; ``current`` is the file the single-file
    tabs (SAXS-2D, Q-map, Metadata) show, stepped with the arrow keys. ``shared`` holds what
    tabs publish for each other (the g2 fits, the bin last picked on a detector image).
    """

    def __init__(self, cache_mb: int = 0) -> None:
        from xpcsviewer.io import CacheBudget

        self.budget = CacheBudget(cache_mb or None)  # every open file's arrays, together
        self._cache_mb = cache_mb
        self.folder: Path | None = None
        self.summaries: list[Any] = []  # xpcsviewer FileSummary objects from scan()
        self.pending: set[Path] = set()  # listed files still being written (live folder)
        self.selected: list[Path] = []
        self.current: Path | None = None
        self.changed = Event()
        self.shared: dict[str, Any] = {}  # results one tab publishes for others (see publish)
        self._open: OrderedDict[Path, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._noted: set[tuple[str, str]] = set()  # (path, note) already reported

    @property
    def cache_mb(self) -> int:
        """The session's memory budget for cached arrays in MB (0: a quarter of RAM)."""
        return self._cache_mb

    @cache_mb.setter
    def cache_mb(self, value: int) -> None:
        from xpcsviewer.io import default_budget_mb

        self._cache_mb = int(value)
        self.budget.resize(value or default_budget_mb())

    # -- listing and selection (GUI thread) -----------------------------------------------
    def set_listing(self, folder: Path, summaries: list[Any]) -> None:
        self.close_all()
        self.folder = Path(folder)
        self.summaries = list(summaries)
        self.pending = set()
        self.selected = []
        self.current = None
        self.changed.emit("listing")

    def fill_summaries(self, summaries: list[Any]) -> None:
        """Rows of the current listing read in full (a ``list_folder`` row replaced by its
        ``summarize`` row); rows no longer listed are ignored. Keeps selection and current
        file; emits ``changed("files")``."""
        fresh = {Path(s.path): s for s in summaries}
        rows = [fresh.get(Path(s.path), s) for s in self.summaries]
        if any(new is not old for new, old in zip(rows, self.summaries, strict=True)):
            self.summaries = rows
            self.changed.emit("files")

    def unsummarized(self) -> list[Path]:
        """Listed files whose kind, sample and bins are not read yet, in name order."""
        return [Path(s.path) for s in self.summaries if not getattr(s, "summarized", True)]

    def file_event(self, kind: str, path: Path, summary: Any = None) -> None:
        """A live folder's news (``io.FolderEvent``): ``pending`` adds a row that is being
        written (not openable, not an error), ``complete`` puts its summary in place,
        ``removed`` drops it (also from the selection). Keeps selection and current file.
        Emits ``changed("files")`` (the list and the folder-wide tabs update), or
        ``changed("listing")`` when a file on show changed, so every tab reads it again."""
        from xpcsviewer.io import FileSummary

        path = Path(path)
        shown = path == self.current or path in self.selected
        rows = {Path(s.path): s for s in self.summaries}
        if kind == "removed":
            rows.pop(path, None)
            self.pending.discard(path)
            self.selected = [p for p in self.selected if p != path]
            if self.current == path:
                self.current = None
        elif kind == "pending":
            rows.setdefault(path, FileSummary(path, path.name, frozenset(), "", "", 0, float("nan")))
            self.pending.add(path)
        else:
            rows[path] = summary
            self.pending.discard(path)
        with self._lock:  # a file that changed on disk is read afresh
            handle = self._open.pop(path, None)
        if handle is not None:
            handle.close()
        self.summaries = sorted(rows.values(), key=lambda s: s.name)
        self.changed.emit("listing" if shown else "files")

    def readable_paths(self) -> list[Path]:
        """Listed files that read (not unreadable, not being written, not still being
        summarized), in name order."""
        return [Path(s.path) for s in self.summaries
                if not getattr(s, "error", None) and Path(s.path) not in self.pending
                and getattr(s, "summarized", True)]

    def set_current(self, path: Path | None) -> None:
        if path != self.current:
            self.current = path
            self.changed.emit("current")

    def set_selected(self, paths: list[Path]) -> None:
        unique = list(dict.fromkeys(Path(p) for p in paths))
        if unique != self.selected:
            self.selected = unique
            if self.current is None and unique:
                self.current = unique[0]
            self.changed.emit("selected")

    def add_selected(self, paths: list[Path]) -> None:
        self.set_selected([*self.selected, *paths])

    def remove_selected(self, paths: list[Path]) -> None:
        drop = {Path(p) for p in paths}
        self.set_selected([p for p in self.selected if p not in drop])

    def overlay_paths(self) -> list[Path]:
        """Files the overlay tabs plot: the selected list, else the current file."""
        if self.selected:
            return list(self.selected)
        return [self.current] if self.current is not None else []

    def current_paths(self) -> list[Path]:
        return [self.current] if self.current is not None else []

    # -- results shared between tabs (GUI thread) ---------------------------------------------
    def publish(self, key: str, value: Any, again: bool = False) -> None:
        """Share a result between tabs, e.g. ``"g2_fit"``: the g2 tab's current fits, which the
        Diffusion tab plots. Emits ``changed("shared:<key>")``, which moves no selection, when
        ``value`` is new, or with ``again`` (a user's act, e.g. picking the same bin twice)."""
        if again or self.shared.get(key) is not value:
            self.shared[key] = value
            self.changed.emit(f"shared:{key}")

    # -- reading (any thread) ---------------------------------------------------------------
    def open(self, path: Path) -> Any:
        """The open ``XpcsFile`` for ``path``; raises the reader's error for a bad file."""
        # The reader directly: ``import xpcsviewer`` would also load the fitting stack.
        from xpcsviewer.io import open_file

        path = Path(path)
        with self._lock:
            if path in self._open:
                self._open.move_to_end(path)
                return self._open[path]
        handle = open_file(path, budget=self.budget)
        with self._lock:
            if path in self._open:  # another worker won the race; keep one handle
                handle.close()
                return self._open[path]
            self._open[path] = handle
            while len(self._open) > OPEN_FILE_LIMIT:
                _, old = self._open.popitem(last=False)
                old.close()
            return handle

    def new_notes(self, f: Any) -> list[str]:
        """Notes of ``f`` (an open XpcsFile, whose ``notes`` grow as lazy parts are read, or
        a listing's FileSummary) not returned before in this session (any thread)."""
        path = str(getattr(f, "path", ""))
        with self._lock:
            fresh = [n for n in getattr(f, "notes", ()) if (path, n) not in self._noted]
            self._noted.update((path, n) for n in fresh)
        return fresh

    def close_all(self) -> None:
        with self._lock:
            handles = list(self._open.values())
            self._open.clear()
        for handle in handles:
            handle.close()
