"""GUI fixtures: offscreen Qt, settings isolated per test, windows that are closed and
deleted, and a check that no top-level widget outlives its test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import gc  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

pytestmark = pytest.mark.gui
WAIT_MS = 90_000  # a cold JAX compile of the two-time kernels on a busy 2-core machine takes 20-30 s


def _flush_deletes() -> None:
    # pyqtgraph's context menus are parentless QMenus owned by Python objects in reference
    # cycles; they go when the cycle is collected, so collect before counting. A full
    # collection costs ~0.2 s once JAX is loaded, so do as few as find everything: deferred
    # deletes, one collection, then the deletes that collection queued.
    for _ in range(2):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
        gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def pytest_collection_modifyitems(items):
    # Allow-list of Qt messages: the offscreen platform cannot propagate size hints of
    # dock widgets and says so on show(); that is the test platform, not a fault of ours.
    for item in items:
        if "tests/gui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"))


@pytest.fixture(autouse=True)
def no_leaked_widgets(qapp):
    """Fail a test that leaves a top-level widget behind (closed windows must be deleted)."""
    before = {id(w) for w in QApplication.topLevelWidgets()}
    yield
    _flush_deletes()
    leaked = [w for w in QApplication.topLevelWidgets() if id(w) not in before]
    names = [f"{type(w).__name__}({w.windowTitle()!r})" for w in leaked]
    for widget in leaked:  # clean up so one leak does not fail every later test
        widget.close()
        widget.deleteLater()
    if leaked:
        _flush_deletes()
    assert not leaked, f"top-level widgets leaked: {names}"


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "xpcsviewer.ini"


@pytest.fixture
def make_window(qtbot, settings_path: Path) -> Callable:
    """``make_window(folder=None, select=None)``: a MainWindow on its own settings file.

    Every window made is closed and deleted at the end of the test (closing saves its
    settings, as a real restart would).
    """
    from xpcsviewer.gui.live import FOLLOW_KEY
    from xpcsviewer.gui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(folder: Path | None = None, select: int | None = None) -> MainWindow:
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        if not settings.contains(FOLLOW_KEY):
            # The app follows a folder by default (live.FOLLOW_DEFAULTS); tests that do not
            # test the live folder list it once, so files they write appear only when asked.
            settings.setValue(FOLLOW_KEY, "false")
        window = MainWindow(settings)
        windows.append(window)
        window.resize(1200, 800)
        window.show()
        if folder is not None:
            window.load_folder(folder, select=select)
            wait_idle(qtbot, window)
        return window

    yield make
    for window in windows:
        close_window(window, flush=False)
    windows.clear()  # drop the last Python references; no_leaked_widgets then flushes


def close_window(window, flush: bool = True) -> None:
    """Close (saving settings, stopping jobs) and delete, as quitting the app would."""
    window.close()
    window.deleteLater()
    if flush:
        _flush_deletes()


@pytest.fixture
def idle(qtbot) -> Callable:
    """``idle(window)``: wait for the window's scan and visible tab."""
    return lambda window: wait_idle(qtbot, window)


@pytest.fixture
def tab(qtbot) -> Callable:
    """``tab(window, key)``: show tab ``key``, wait for it, return its view."""
    return lambda window, key: show_tab(qtbot, window, key)


def wait_idle(qtbot, window) -> None:
    """Wait until the folder is listed and the visible tab shows what it should."""
    def idle() -> bool:
        driver = window.current_driver()
        return window.scan_job is None and not driver.busy and not driver.stale

    qtbot.waitUntil(idle, timeout=WAIT_MS)


def show_tab(qtbot, window, key: str):
    """Make tab ``key`` current, wait for it, and return its view."""
    from xpcsviewer.gui.tabs import TABS

    index = [spec.key for spec in TABS].index(key)
    window.tabs.setCurrentIndex(index)
    wait_idle(qtbot, window)
    return window.drivers[index].view


@pytest.fixture
def folder_with_corrupt_file(tmp_path: Path, data_dir: Path) -> Path:
    """The two real files plus one that is not HDF5 at all."""
    folder = tmp_path / "beamtime"
    folder.mkdir()
    for name in ("brownian_a_results.hdf", "aging_b_results.hdf"):
        (folder / name).symlink_to(data_dir / name)
    (folder / "broken_results.hdf").write_bytes(b"not an HDF5 file, the detector PC crashed" * 10)
    return folder


@pytest.fixture
def copy_of_data(tmp_path: Path, data_dir: Path) -> Path:
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("brownian_a_results.hdf", "aging_b_results.hdf"):
        shutil.copy(data_dir / name, folder / name)
    return folder


class Paints(QObject):
    """Counts the paint events of the widget it watches: ``Paints(widget)`` installs itself
    on ``widget`` (a grid's viewport, say); ``count`` is the paints since (tests reset it)."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        self.count += event.type() == QEvent.Type.Paint
        return False
