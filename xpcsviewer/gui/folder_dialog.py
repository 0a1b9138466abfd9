"""File → Open folder: Qt's own (non-native) folder dialog with a line under it saying how
many result files the highlighted folder, the folder shown, and each of its sub-folders
hold, so a beamtime's tree can be walked without opening folders one by one.

Counting lists a folder's names (``os.scandir``) and never opens a file; counts are kept per
folder and its modification time, so walking back and forth lists nothing twice.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from xpcsviewer.io._keys import RESULT_SUFFIXES

MAX_LISTED = 8  # sub-folders named in the line; the rest are counted


class ResultCounter:
    """``count(folder)``: result files (``RESULT_SUFFIXES``) directly in ``folder``; 0 for a
    folder that cannot be listed. Cached by (folder, modification time)."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[int, int]] = {}

    def count(self, folder: str | Path) -> int:
        folder = Path(folder)
        try:
            stamp = folder.stat().st_mtime_ns
            cached = self._cache.get(folder)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            with os.scandir(folder) as entries:
                n = sum(1 for e in entries if os.path.splitext(e.name)[1].lower() in RESULT_SUFFIXES
                        and not e.is_dir())
        except OSError:
            return 0
        self._cache[folder] = (stamp, n)
        return n

    def subfolders(self, folder: str | Path) -> list[tuple[str, int]]:
        """(name, count) of ``folder``'s sub-folders that hold result files, by name."""
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith("."))
        except OSError:
            return []
        counted = [(name, self.count(Path(folder) / name)) for name in names]
        return [(name, n) for name, n in counted if n]


def describe(counter: ResultCounter, shown: str | Path, highlighted: str | Path | None) -> str:
    """The dialog's line: the highlighted folder's count, the shown folder's, and which of
    its sub-folders hold result files (plain text)."""
    parts = []
    if highlighted and Path(highlighted) != Path(shown) and Path(highlighted).is_dir():
        parts.append(f"{Path(highlighted).name}: {_files(counter.count(highlighted))}")
    parts.append(f"this folder: {_files(counter.count(shown))}")
    subs = counter.subfolders(shown)
    if subs:
        named = ", ".join(f"{name} ({n})" for name, n in subs[:MAX_LISTED])
        more = f" and {len(subs) - MAX_LISTED} more" if len(subs) > MAX_LISTED else ""
        parts.append(f"sub-folders with result files: {named}{more}")
    return "; ".join(parts)


def _files(n: int) -> str:
    return "no result files" if n == 0 else f"{n} result file{'s' if n != 1 else ''}"


class FolderDialog(QFileDialog):
    """A folder chooser whose ``counts`` line follows the shown and highlighted folder."""

    def __init__(self, parent: QWidget | None, start: str | Path) -> None:
        super().__init__(parent, "Open a folder of result files", str(start))
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # a native one has no line
        self.setFileMode(QFileDialog.FileMode.Directory)
        self.setOption(QFileDialog.Option.ShowDirsOnly, True)
        self.counter = ResultCounter()
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        layout = self.layout()
        layout.addWidget(self.counts, layout.rowCount(), 0, 1, layout.columnCount())
        self._shown = str(start)
        self.directoryEntered.connect(self._entered)
        self.currentChanged.connect(self._highlighted)
        self._entered(str(start))

    def _entered(self, folder: str) -> None:
        self._shown = folder
        self.counts.setText(describe(self.counter, folder, None))

    def _highlighted(self, path: str) -> None:
        self.counts.setText(describe(self.counter, self._shown, path or None))
