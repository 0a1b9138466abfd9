"""Following a folder while the correlator writes into it: the Qt side of ``io.FolderWatcher``.

The watcher is Qt-free and calls back on its own thread; :class:`LiveFolder` re-emits each
event as a Qt signal, which Qt queues onto the GUI thread (the object lives there), where
``Session.file_event`` updates the listing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from xpcsviewer.io import FolderEvent, FolderWatcher

#: QSettings keys of the File menu's follow options.
FOLLOW_KEY = "folder/follow"
POLL_KEY = "folder/follow_poll"  # list the folder instead of waiting for OS events (NFS/GPFS)
NEWEST_KEY = "folder/follow_newest"  # a file that arrives becomes the current one
#: Until the user sets them: a folder is followed (during a beamtime the correlator keeps
#: writing, and a new file must appear without F5), by OS events, the current file kept.
FOLLOW_DEFAULTS = {FOLLOW_KEY: True, POLL_KEY: False, NEWEST_KEY: False}
INTERVAL_S = 0.5  # complete files are listed within ~2 intervals of their last write


class LiveFolder(QObject):
    """``arrived(FolderEvent)`` on the GUI thread for each file written into the folder."""

    arrived = Signal(object)

    def __init__(self, parent: QObject | None = None, interval: float = INTERVAL_S) -> None:
        super().__init__(parent)
        self.interval = interval
        self.watcher: FolderWatcher | None = None

    @property
    def folder(self) -> Path | None:
        return None if self.watcher is None else self.watcher.folder

    def start(self, folder: Path, known: Iterable[Path], poll: bool) -> None:
        """Watch ``folder``; ``known``: files listed as readable (not reported again)."""
        self.stop()
        self.watcher = FolderWatcher(folder, self.arrived.emit, mode="poll" if poll else "events",
                                     interval=self.interval, known=list(known)).start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None


__all__ = ["FOLLOW_DEFAULTS", "FOLLOW_KEY", "NEWEST_KEY", "POLL_KEY", "FolderEvent", "LiveFolder"]
