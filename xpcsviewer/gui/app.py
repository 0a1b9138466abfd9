"""Start the Qt application (placeholder until the window shell lands)."""

from __future__ import annotations

from pathlib import Path


def run(folder: Path | None = None, demo: bool = False, snapshot: Path | None = None, select: int = 1) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication([])
    window = QMainWindow()
    window.setWindowTitle("xpcsviewer")
    window.resize(1200, 800)
    if snapshot is not None:
        snapshot.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(snapshot / "main.png"))
        return 0
    window.show()
    return app.exec()
