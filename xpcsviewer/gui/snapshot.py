"""Headless snapshots: render every tab of a window to ``<key>.png`` (docs, reports, tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QMainWindow

from .tabs import TABS


def wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    """Run the event loop until ``condition()`` holds; False on time-out."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    return True


def render_tabs(window: QMainWindow, outdir: Path, timeout_s: float = 60.0,
                keys: tuple[str, ...] | None = None) -> list[Path]:
    """Show each tab (or those in ``keys``) in turn, wait for its data and its own second job
    (an image being read in the Mask tab), and save the window as ``outdir/<key>.png``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    wait_for(lambda: window.scan_job is None, timeout_s)
    for driver in window.drivers:  # a tab may show more in snapshots (the g2 tab: a fit)
        getattr(driver.controller, "snapshot_setup", lambda: None)()
    written = []
    for index, spec in enumerate(TABS):
        if keys is not None and spec.key not in keys:
            continue
        window.tabs.setCurrentIndex(index)
        driver = window.drivers[index]

        def settled(d=driver) -> bool:
            task = d.controller.task
            return not d.busy and not d.stale and (task is None or task.done)

        if not wait_for(settled, timeout_s):
            window.report_error(f"{spec.title}: still computing after {timeout_s:.0f} s; snapshot as is")
        window.status_panel.refresh_stats()
        QCoreApplication.processEvents()
        path = outdir / f"{spec.key}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written
