"""Start the Qt application: the window on a folder, on demo data, or headless snapshots."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from pathlib import Path

ORGANISATION = "xpcsviewer"
APPLICATION = "xpcsviewer"


def run(folder: Path | None = None, demo: bool = False, snapshot: Path | None = None,
        select: int = 1, backend: str | None = None, theme: str | None = None,
        size: tuple[int, int] = (1600, 1000), file: Path | None = None,
        tab: str | None = None) -> int:
    """Open the window; with ``snapshot`` render every tab to ``snapshot/<tab>.png`` and exit.
    With ``file`` (and ``tab``): open its folder with that file current, on that tab
    (``xpcsviewer mask FILE``); a file that is no result file (a TIFF/EDF/CBF image, raw
    HDF5 frames) is opened in the Mask tab's editor instead, with no folder listed.

    A ``folder`` that is a file is taken as ``file`` (a result file: its folder, with it
    current; an image: the Mask tab). A path that does not exist is refused on stderr with
    exit code 2, before any window is made (a script or a snapshot run must not succeed on
    an empty window).
    """
    if folder is not None and Path(folder).is_file() and file is None:
        file, folder = Path(folder), None
    problem = argument_problem(folder, file)
    if problem:
        print(f"xpcsviewer: {problem}", file=sys.stderr)
        return 2
    if file is not None and tab is None and Path(file).suffix.lower() not in _result_suffixes():
        tab = "mask"  # a detector image: the one tab that opens images
    if snapshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    _set_icon(app)
    if snapshot is not None:
        # Snapshots must look the same on every machine: default preferences, no saved layout.
        scratch = tempfile.TemporaryDirectory(prefix="xpcsviewer-snapshot-")
        settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
    else:
        settings = QSettings()
    from .preferences import load_preferences
    from .theme import apply_theme

    # Before the window is built: plots take their background when they are made.
    apply_theme(theme or load_preferences(settings).theme, app)
    window = MainWindow(settings)
    if backend is not None:
        window.use_backend_for_this_run(backend)
    if snapshot is not None:
        return _snapshot(window, folder, demo, Path(snapshot), select, scratch, size, file, tab)
    window.show()
    from .warm_up import start_fit_warm_up

    # Fits and NUTS run in a job process (JAX holding the GIL on a thread stalls the window);
    # the programs of the first fit are built (or read from disk) there while the user
    # picks files.
    window.runner.use_worker_process()
    # Folder summaries are read in a process of their own: h5py holds the GIL while it
    # reads, and a job thread doing so stalled the window's paints (jobs.use_reader_process).
    window.runner.use_reader_process()
    start_fit_warm_up(window.runner)
    # What exists now (Qt, JAX, pyqtgraph, the window) lives for the whole session: keep it
    # out of the cyclic collector, whose full passes over it stalled the event loop for
    # 40-140 ms at random moments (measured with scripts/bench_gui_gaps.py).
    gc.freeze()
    if file is not None or tab is not None:
        open_on_tab(window, file, tab)
    if file is not None:
        pass  # its folder is being listed (or, not a result file, the image is being read)
    elif folder is not None and not demo:
        window.load_folder(Path(folder))
    elif demo:
        window.load_demo()
    elif not window.restore_last_session(files=True):
        # No folder given: the last session (folder, selection, tab), else the last folder,
        # and the demo data only on a first start.
        last = settings.value("window/last_folder", "")
        if last and Path(str(last)).is_dir():
            window.load_folder(Path(str(last)))
        else:
            window.load_demo()
    code = app.exec()
    # Closing the window cancelled the jobs and waited 5 s; a job still inside a JAX compile
    # (it cannot be interrupted) is waited for here, so no worker thread runs Python while
    # the interpreter finalises (that aborts the process).
    window.runner.shutdown(timeout_ms=-1)
    return code


def _result_suffixes() -> tuple[str, ...]:
    from xpcsviewer.io._keys import RESULT_SUFFIXES

    return RESULT_SUFFIXES


def argument_problem(folder: Path | None, file: Path | None) -> str:
    """What is wrong with the paths given on the command line, in words ("" when nothing)."""
    if file is not None and not Path(file).is_file():
        return f"{file}: no such file" if not Path(file).exists() else f"{file}: not a file"
    if folder is not None and not Path(folder).is_dir():
        return (f"{folder}: no such folder" if not Path(folder).exists()
                else f"{folder}: not a folder or a file that can be opened")
    return ""


def open_on_tab(window, file: Path | None, tab: str | None) -> None:
    """Show tab ``tab``; list ``file``'s folder and make ``file`` current once it is listed.
    On the Mask tab, an image that is not a result file is opened in its editor."""
    from xpcsviewer.io import is_result_file

    from .tabs import TABS

    index = None if tab is None else [spec.key for spec in TABS].index(tab)
    if index is not None:
        window.tabs.setCurrentIndex(index)
    if file is None:
        return
    if tab == "mask" and not is_result_file(file):
        window.drivers[index].view.source_row.open(Path(file))
        return
    target = Path(file).resolve()
    session = window.session

    def listed(reason: str) -> None:
        if reason != "listing":
            return
        session.changed.disconnect(listed)
        for summary in session.summaries:
            if Path(summary.path).resolve() == target:
                session.set_selected([Path(summary.path)])
                session.set_current(Path(summary.path))

    session.changed.connect(listed)
    window.load_folder(target.parent)


def _set_icon(app) -> None:
    # The icon lives in the source tree's resources/; an installed wheel runs without it.
    from PySide6.QtGui import QIcon

    icon = Path(__file__).resolve().parents[2] / "resources" / "xpcsviewer.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def _snapshot(window, folder, demo, outdir, select, scratch, size=(1600, 1000), file=None,
              tab=None) -> int:
    from xpcsviewer.demo import ensure_demo

    from .snapshot import render_tabs

    window.resize(*size)
    # Shown (offscreen: nothing appears) so widgets are laid out as a user sees them; grab()
    # of a hidden window paints plots before their layouts settle (colour bars lost ticks).
    window.show()
    if file is not None:  # as the window opens it: ``xpcsviewer mask FILE --snapshot DIR``
        open_on_tab(window, Path(file), tab)
    else:
        window.load_folder(ensure_demo() if demo or folder is None else Path(folder), select=select)
    # A file opened on a tab (``mask FILE``): that tab is the picture asked for.
    written = render_tabs(window, outdir, keys=(tab,) if file is not None and tab else None)
    window.close()
    window.deleteLater()
    scratch.cleanup()
    for path in written:
        print(path)
    return 0
