"""Mask tab: the row that opens an image which is not the current file, and imports a PONI.

"Open image…" takes any file ``io.read_image`` opens: a result file, TIFF/EDF/CBF, or raw
HDF5 frames, averaged over the range typed in "frames" (``A:B``, half-open; blank = all). The
read runs as the tab's :class:`~xpcsviewer.gui.tabs._model.Task`: progress in the status line,
"cancel" stops it between blocks of frames. Raw images carry no geometry: the one in use is
kept, to be typed or imported from a pyFAI PONI file ("PONI…").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from xpcsviewer.io import parse_frames

from .._model import Task

IMAGE_FILTER = ("Detector images (*.tif *.tiff *.edf *.cbf *.h5 *.hdf *.hdf5 *.nxs *.npy);;"
                "All files (*)")


class SourceRow(QWidget):
    """Open image… / frames / cancel / PONI…; reports through ``view.status`` and shows the
    image with ``view.show_opened``. Tests set ``open_path_hook`` / ``poni_path_hook``."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self.open_button = QPushButton("open image…")
        self.open_button.setToolTip("a result file, a TIFF/EDF/CBF image or raw HDF5 frames "
                                    "(/entry/data/data, averaged over 'frames')")
        self.frames_edit = QLineEdit()
        self.frames_edit.setPlaceholderText("all")
        self.frames_edit.setToolTip("raw frames to average, START:STOP (half-open: frames "
                                    "START..STOP-1); blank = all")
        self.frames_edit.setMaximumWidth(90)
        self.cancel_button = QPushButton("cancel")
        self.cancel_button.setEnabled(False)
        self.poni_button = QPushButton("PONI…")
        self.poni_button.setToolTip("geometry from a pyFAI calibration (.poni); detector "
                                    "rotations are ignored and said so")
        self.open_button.clicked.connect(self.ask_open)
        self.cancel_button.clicked.connect(lambda: view.controller.cancel_task())
        self.poni_button.clicked.connect(self.ask_poni)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.open_button, QLabel("frames"), self.frames_edit, self.cancel_button,
                  self.poni_button):
            row.addWidget(w)
        row.addStretch(1)
        self.open_path_hook = None
        self.poni_path_hook = None

    def ask_open(self) -> None:
        if self.open_path_hook is not None:
            path = self.open_path_hook()
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Open image", "", IMAGE_FILTER)
        if path:
            self.open(Path(path))

    def open(self, path: Path) -> Any:
        """Read ``path`` in the background (frames from the field); returns the job."""
        try:
            frames = parse_frames(self.frames_edit.text())
        except ValueError as exc:
            self.view.status.setText(f"not opened: {exc}")
            return None
        c = self.view.controller
        geometry = c.data.geometry if c.data is not None else None
        self.open_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.view.status.setText(f"reading {path.name} …")
        return c.start(Task(
            f"mask: open {path.name}",
            lambda _, token, progress: c.read(path, frames, token, progress, geometry),
            done=self._opened, failed=lambda message: self._ended(f"not opened: {message}"),
            progressed=lambda _, message: self.view.status.setText(message),
            cancelled=lambda: self._ended(f"reading {path.name} cancelled; nothing changed")))

    def _opened(self, data: Any) -> None:
        self._ended("")
        self.view.show_opened(data)

    def _ended(self, message: str) -> None:
        self.open_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if message:
            self.view.status.setText(message)

    def ask_poni(self) -> None:
        if self.view.controller.data is None:
            return
        if self.poni_path_hook is not None:
            path = self.poni_path_hook()
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Geometry from PONI", "",
                                                  "pyFAI PONI (*.poni);;All files (*)")
        if not path:
            return
        try:
            geometry = self.view.controller.import_poni(path)
        except (OSError, ValueError) as exc:  # XpcsFormatError is a ValueError
            self.view.status.setText(f"PONI not used: {exc}")
            return
        self.view.show_geometry(geometry)
        self.view.redraw()
        if geometry.ignored:
            self.view.status.setText(self.view.status.text() + "; ignored from the PONI: "
                                     + "; ".join(geometry.ignored))
