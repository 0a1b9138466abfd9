"""``FolderWatcher``: follow a folder the correlator is writing into, Qt-free.

A result file appears long before it is complete: boost_corr creates it, then writes for
seconds to minutes. So a file is reported in two steps:

- ``pending``: seen, but still growing, or not yet a valid result file (``summarize`` gives
  an error while the size is unchanged — HDF5 with its end-of-file address beyond the bytes
  on disk, a group not yet written). Retried at every look; never reported as broken;
- ``complete``: its size and modification time were the same at two looks ``interval`` apart
  and it reads as a result file (its ``FileSummary``). A file that stays unreadable and
  unchanged for ``give_up_s`` is complete with the error (a real broken file, shown as such).

A complete file that changes again goes back to pending (and is reported complete once more
when it settles); a removed one is reported ``removed``.

Two ways of noticing, one checking logic:

- ``mode="events"``: the operating system's change events (inotify, FSEvents, ...) through
  ``watchdog``'s native observer;
- ``mode="poll"``: ``watchdog``'s polling observer, which lists the folder every
  ``interval`` seconds. Needed on NFS and GPFS, where a file written on another machine (the
  correlator's) sends no event to ours.

The files are only opened read-only, without HDF5 locking, for the few milliseconds
``summarize`` takes, and only after their size stopped changing, so the writer is never
blocked by us. Callbacks run on the watcher's thread; a GUI marshals them onto its own.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ._keys import RESULT_SUFFIXES
from ._scan import FileSummary, summarize

MODES = ("events", "poll")


@dataclass(frozen=True)
class FolderEvent:
    """What the watcher saw. ``kind``: ``"pending"`` (being written; ``summary`` None),
    ``"complete"`` (``summary`` the file's listing row, ``error`` set only for a file that
    stayed unreadable for ``give_up_s``) or ``"removed"`` (``summary`` None)."""

    kind: str
    path: Path
    summary: FileSummary | None = None


@dataclass
class _Track:
    stat: tuple[int, int] | None  # (size, mtime_ns) at the last look
    since: float  # monotonic time the stat last changed
    state: str  # "new" (not reported yet), "pending", "complete", or "listed" (present
    # at start, unreadable then: reported once it reads, or pending once it changes)


def _is_result(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in RESULT_SUFFIXES


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


class FolderWatcher:
    """Report result files (``.hdf``, ``.h5``, ``.hdf5``, ``.nxs``) directly in ``folder`` as
    they are written, through ``callback(FolderEvent)`` on the watcher's thread.

    Args:
        folder: the folder (not its sub-folders).
        callback: called with each :class:`FolderEvent`; exceptions in it are kept in
            ``errors`` and do not stop the watcher.
        mode: ``"events"`` (operating-system events) or ``"poll"`` (list the folder every
            ``interval`` s, for network file systems).
        interval: seconds between looks at files in progress (and between listings when
            polling). A file is reported complete at most ~2 ``interval`` after its last write.
        known: files already shown as readable (e.g. by ``scan``): reported again only if
            they change. Other result files present at ``start`` (listed as unreadable, maybe
            being written) are reported complete once they read, pending once they change,
            and never as broken while unchanged. ``None``: every file present at ``start``
            counts as known.
        give_up_s: seconds a file may stay unchanged and unreadable before it is reported
            complete with its error.

    Raises ``ValueError`` for an unknown mode or a non-positive interval and
    ``NotADirectoryError`` when ``folder`` is not a folder.
    """

    def __init__(self, folder: str | Path, callback: Callable[[FolderEvent], None], *,
                 mode: str = "events", interval: float = 0.5,
                 known: Iterable[str | Path] | None = None, give_up_s: float = 60.0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown watcher mode {mode!r}; choose one of {MODES}")
        if not interval > 0:
            raise ValueError(f"interval must be > 0 s, got {interval}")
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise NotADirectoryError(f"not a folder: {self.folder}")
        self.mode, self.interval, self.give_up_s = mode, float(interval), float(give_up_s)
        self._callback = callback
        self._known = None if known is None else {Path(p) for p in known}
        self._tracks: dict[Path, _Track] = {}
        self._dirty: set[Path] = set()  # paths with events since the last look
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer = None
        self.errors: list[BaseException] = []  # raised by the callback

    # -- life cycle -----------------------------------------------------------------------------
    def start(self) -> FolderWatcher:
        """Take stock of the folder and start watching; returns self."""
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        now = time.monotonic()
        for path in self._listing():
            if self._known is None or path in self._known:
                self._tracks[path] = _Track(_stat(path), now, "complete")
            else:  # listed before, unreadable then (e.g. being written): look again
                self._tracks[path] = _Track(_stat(path), now, "listed")
                self._dirty.add(path)
        observer = Observer() if self.mode == "events" else PollingObserver(timeout=self.interval)
        observer.schedule(_Handler(self._mark), str(self.folder), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self._thread = threading.Thread(target=self._run, name=f"watch {self.folder.name}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching and wait for the threads (no callback after this returns)."""
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FolderWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- noticing ---------------------------------------------------------------------------
    def _listing(self) -> list[Path]:
        try:
            with os.scandir(self.folder) as entries:
                return sorted(self.folder / e.name for e in entries if _is_result(e.name))
        except OSError:
            return []

    def _mark(self, path: str) -> None:
        """A change event for ``path`` (watchdog's thread)."""
        p = Path(path)
        if p.parent == self.folder and _is_result(p):
            with self._lock:
                self._dirty.add(p)

    # -- checking (the watcher's thread) ------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()

    def check(self) -> None:
        """One look at every file with news or in progress (called every ``interval``)."""
        with self._lock:
            dirty, self._dirty = self._dirty, set()
        busy = {p for p, t in self._tracks.items() if t.state in ("new", "pending")}
        for path in sorted(dirty | busy):
            if self._stop.is_set():
                return
            self._look(path, time.monotonic())

    def _look(self, path: Path, now: float) -> None:
        stat = _stat(path)
        track = self._tracks.get(path)
        if stat is None:  # gone (or a move away)
            if track is not None:
                del self._tracks[path]
                if track.state != "new":
                    self._emit(FolderEvent("removed", path))
            return
        if track is None:
            self._tracks[path] = _Track(stat, now, "new")
            self._report_pending(path)
            return
        if stat != track.stat:  # still being written: wait for two equal looks
            track.stat, track.since = stat, now
            if track.state in ("complete", "listed"):
                self._report_pending(path)
            return
        if track.state == "complete":
            return
        # Unchanged since the last look: open it briefly, read-only.
        summary = summarize(path)
        if summary.error and (track.state == "listed" or now - track.since < self.give_up_s):
            return  # not valid yet (stays pending), or broken: settled after give_up_s
        if _stat(path) != stat:  # written while we read it: the read proves nothing
            return
        track.state = "complete"
        self._emit(FolderEvent("complete", path, summary))

    def _report_pending(self, path: Path) -> None:
        track = self._tracks[path]
        if track.state != "pending":
            track.state = "pending"
            self._emit(FolderEvent("pending", path))

    def _emit(self, event: FolderEvent) -> None:
        try:
            self._callback(event)
        except Exception as exc:  # noqa: BLE001 - a bad callback must not stop the watcher
            self.errors.append(exc)


class _Handler:
    """watchdog's event handler protocol (``dispatch``), marking touched result files."""

    def __init__(self, mark: Callable[[str], None]) -> None:
        self._mark = mark

    def dispatch(self, event) -> None:
        if event.is_directory:
            return
        for name in ("src_path", "dest_path"):  # a rename into place arrives as dest_path
            path = getattr(event, name, "")
            if path:
                self._mark(os.fsdecode(path))


__all__ = ["MODES", "FolderEvent", "FolderWatcher"]
