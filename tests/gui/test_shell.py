"""The window shell: preferences, GPU fallback, bad files, jobs, big folders, snapshots."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from xpcsviewer.gui.preferences import Preferences


def test_preferences_persist_across_a_restart(qtbot, make_window, tab):
    from PySide6.QtWidgets import QDialogButtonBox

    first = make_window()
    dialog = first.open_preferences()
    dialog.backend_box.setCurrentText("numpy")
    dialog.cmap_box.setCurrentText("magma")
    dialog.cache_spin.setValue(256)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    first.tabs.setCurrentIndex(2)
    first.close()

    second = make_window()
    assert second.prefs == Preferences(backend="numpy", colormap="magma", cache_mb=256)
    assert second.tabs.currentIndex() == 2  # the selected tab is remembered too
    assert second.drivers[0].controller.state.colormap == "magma"  # applied at start-up
    assert second.session.cache_mb == 256
    assert "backend: numpy" in second.status_panel.backend_label.text()


def test_command_line_backend_wins_for_this_run_only(qtbot, make_window):
    from xpcsviewer.backends import get_backend

    first = make_window()
    first.set_preferences(Preferences(backend="jax"))
    first.use_backend_for_this_run("numpy")  # what `xpcsviewer --backend numpy` does
    assert get_backend().name == "numpy"
    assert "backend: numpy" in first.status_panel.backend_label.text()
    first.close()
    assert make_window().prefs.backend == "jax"  # the saved preference is untouched


def test_gpu_toggle_without_a_gpu_shows_the_fallback_notice(qtbot, make_window):
    import jax

    window = make_window()
    window.set_preferences(Preferences(backend="jax", use_gpu=True))
    has_gpu = any(d.platform != "cpu" for d in jax.devices())
    notice = window.status_panel.notice_label
    if has_gpu:  # on a GPU machine the same switch must reach the GPU instead
        assert "device: gpu" in window.status_panel.backend_label.text()
    else:
        assert not notice.isHidden() and "CPU" in notice.text() and "fallback" in notice.text()
        assert "device: cpu" in window.status_panel.backend_label.text()
    window.set_preferences(Preferences(backend="jax", use_gpu=False))
    assert notice.isHidden()


def test_a_corrupt_file_is_named_and_the_others_still_plot(qtbot, make_window, tab, folder_with_corrupt_file):
    window = make_window(folder_with_corrupt_file)
    messages = [window.status_panel.messages.item(i).text()
                for i in range(window.status_panel.messages.count())]
    assert any("broken_results.hdf" in m for m in messages), messages
    paths = sorted(folder_with_corrupt_file.iterdir())
    window.session.set_selected(paths)  # force the bad one in, as a user dragging it would
    view = tab(window, "saxs_1d")
    labels = sorted(label for _x, _y, label in view.plot.line_data())
    assert labels == ["aging_b_results.hdf", "brownian_a_results.hdf"]
    messages = [window.status_panel.messages.item(i).text()
                for i in range(window.status_panel.messages.count())]
    assert sum("broken_results.hdf" in m for m in messages) >= 2  # listing and plotting
    window.session.set_current(folder_with_corrupt_file / "broken_results.hdf")
    view = tab(window, "saxs_2d")
    assert view.last_data is None or view.last_data.name != "broken_results.hdf"
    assert "broken_results.hdf" in view.panel.note.text


def test_jobs_deliver_results_and_errors_on_the_gui_thread_and_cancel(qtbot):
    from xpcsviewer.gui.jobs import JobRunner

    runner = JobRunner()
    seen: dict[str, object] = {}
    gui_thread = threading.current_thread()

    def work(token, progress):
        progress(0.5, "half")
        return threading.current_thread()

    runner.submit("ok", work, on_result=lambda worker: seen.update(
        worker=worker, callback=threading.current_thread()))
    runner.submit("bad", lambda t, p: 1 / 0, on_error=lambda e: seen.update(error=str(e)))

    def slow(token, progress):
        for _ in range(500):
            token.raise_if_cancelled()
            time.sleep(0.01)
        return "finished"

    job = runner.submit("slow", slow, on_result=lambda r: seen.update(slow=r))
    job.cancel()
    qtbot.waitUntil(lambda: not runner.running, timeout=10_000)
    assert seen["worker"] is not gui_thread and seen["callback"] is gui_thread
    assert "division by zero" in seen["error"]
    assert "slow" not in seen
    assert runner.shutdown()


def test_a_folder_of_1000_files_lists_filters_and_sorts(qtbot, make_window):
    # How fast is a benchmark question; a wall-clock bound here would be flaky on loaded CI.
    window = make_window()
    summaries = [
        SimpleNamespace(path=Path(f"/beamtime/run_{i:04d}_results.hdf"), name=f"run_{i:04d}_results.hdf",
                        kinds=frozenset({"multitau"}), sample_name=f"sample_{i % 7}",
                        start_time=f"2026-11-24T12:{i % 60:02d}:00", n_bins=12, frame_time_s=1e-3, error="")
        for i in range(1000)
    ]
    window.session.set_listing(Path("/beamtime"), summaries)
    window.file_panel.filter_edit.setText("sample_3")
    assert window.file_panel.proxy.rowCount() == sum(1 for i in range(1000) if i % 7 == 3)
    window.file_panel.table.sortByColumn(0, window.file_panel.table.horizontalHeader().sortIndicatorOrder().DescendingOrder)
    assert window.file_panel.visible_paths()[0].name == "run_0997_results.hdf"


@pytest.mark.slow
def test_snapshot_renders_every_tab_in_the_dark_theme(qapp, data_dir, tmp_path):
    # The light theme is what every other GUI test renders; this one renders each tab dark
    # (xpcsviewer --snapshot --theme dark) and checks the pictures are dark, not half light.
    from PySide6.QtGui import QImage

    from xpcsviewer.gui.app import run
    from xpcsviewer.gui.tabs import TABS
    from xpcsviewer.gui.theme import DARK, active, apply_theme

    try:
        assert run(folder=data_dir, snapshot=tmp_path, select=2, theme="dark") == 0
        assert active() is DARK
    finally:
        apply_theme("light", qapp)  # the theme is process-wide: later tests expect light
    for spec in TABS:
        image = QImage(str(tmp_path / f"{spec.key}.png"))
        assert image.width() > 1000, spec.key
        step = 16  # mean brightness over a grid of pixels: dark background, light ink
        values = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), step)
                  for y in range(0, image.height(), step)]
        assert sum(values) / len(values) < 110, (spec.key, sum(values) / len(values))


def test_line_colours_are_colour_blind_safe_and_exports_stay_light(qapp):
    from xpcsviewer.gui.line import INK, resolve
    from xpcsviewer.gui.theme import DARK, LIGHT

    assert LIGHT.lines[:3] == ("#0072B2", "#D55E00", "#009E73")  # Okabe-Ito
    assert resolve(INK, 0, LIGHT) == (0, 0, 0) and resolve(INK, 0, DARK) == (220, 220, 220)
    assert resolve(None, 1, LIGHT) == (0xD5, 0x5E, 0x00)  # by place in the list
    assert resolve(9, 0, LIGHT) == resolve(1, 5, LIGHT) == (0xD5, 0x5E, 0x00)  # cycles
    # every line colour stands out of its background (WCAG-style luminance ratio >= 3)
    for theme in (LIGHT, DARK):
        bg = _luminance(theme.background)
        for colour in theme.lines:
            lum = _luminance(colour)
            assert (max(lum, bg) + 0.05) / (min(lum, bg) + 0.05) >= 3.0, (theme.name, colour)


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_runners_come_and_go_without_crashing(qapp):
    """Regression: a runner deleted while its finished jobs' relays awaited deleteLater made
    the next processEvents segfault about once in 25 runs of the test above."""
    from xpcsviewer.gui.jobs import JobRunner

    results = []
    for _ in range(300):
        runner = JobRunner()
        runner.submit("ok", lambda t, p: p(0.5, "half") or 1, on_result=results.append)
        runner.submit("bad", lambda t, p: 1 / 0)
        runner.submit("cancelled", lambda t, p: t.raise_if_cancelled()).cancel()
        while runner.running:
            qapp.processEvents()
        assert runner.shutdown()
        del runner
        qapp.processEvents()
    assert results == [1] * 300


def test_first_window_fits_a_laptop_screen_and_the_status_is_one_line(qtbot, settings_path):
    # A 1366x768 laptop (issue 13): the first window is no bigger than the screen's free
    # area; a size saved on a bigger screen is shrunk to fit; the status dock is one line
    # until Details is pressed, and says how many messages came in meanwhile.
    from PySide6.QtCore import QSettings

    from xpcsviewer.gui.main_window import MainWindow, fit_to_screen

    assert fit_to_screen((1500, 950), (1366, 728)) == (1350, 688)
    assert fit_to_screen((1200, 700), (1920, 1040)) == (1200, 700)
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    free = window.screen().availableGeometry()
    assert window.width() <= free.width() and window.height() <= free.height()
    window.show()
    qtbot.waitExposed(window)
    panel = window.status_panel
    assert not panel.expanded and not panel.details.isVisible()
    line = panel.cancel_button.sizeHint().height()
    assert panel.sizeHint().height() < 2.5 * line  # one summary row (+ margins)
    assert "conversions" in panel.totals_label.text()
    panel.add_message("bad.hdf: not a result file")
    assert "1 new" in panel.details_button.text()
    panel.details_button.click()
    assert panel.expanded and panel.details.isVisible() and panel.messages.count() == 1
    assert "new" not in panel.details_button.text()
    panel.details_button.click()
    assert not panel.details.isVisible()
    window.close()


def test_what_the_reader_left_out_is_said_in_the_window(qtbot, make_window, tab, data_dir,
                                                         tmp_path):
    # A file with a NaN delay (said at listing: amber row, tooltip, status message) and roi
    # labels beyond its bins (said when a tab first reads its q-map), each said once.
    import shutil

    import h5py
    import numpy as np
    from PySide6.QtCore import Qt

    from xpcsviewer.gui.file_panel import PATH_ROLE

    folder = tmp_path / "odd"
    folder.mkdir()
    path = folder / "odd_results.hdf"
    shutil.copyfile(data_dir / "brownian_a_results.hdf", path)
    with h5py.File(path, "a") as h5:
        delays = h5["/xpcs/multitau/delay_list"][()].astype(np.float64)
        delays[3] = np.nan
        del h5["/xpcs/multitau/delay_list"]
        h5["/xpcs/multitau/delay_list"] = delays
        roi = h5["/xpcs/qmap/dynamic_roi_map"][()]
        roi[0, :4] = 99
        del h5["/xpcs/qmap/dynamic_roi_map"]
        h5["/xpcs/qmap/dynamic_roi_map"] = roi
    window = make_window(folder, select=1)
    model = window.file_panel.proxy
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(PATH_ROLE) == str(path))
    assert "NaN" in model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#9a6200"
    tab(window, "qmap")
    tab(window, "saxs_2d")  # reads the q-map again: the note is not repeated

    def messages():
        panel = window.status_panel
        return [panel.messages.item(i).text() for i in range(panel.messages.count())]

    assert sum("NaN" in m for m in messages()) == 1
    assert sum("beyond the 12 stored dynamic bins" in m for m in messages()) == 1


def test_demo_menu_lists_the_demo_folder(qtbot, make_window, idle):
    # File → Demo data: the window asks xpcsviewer.demo for the folder itself (it once went
    # through gui.app, which imports the window: an import circle).
    from xpcsviewer.demo import FILES, ensure_demo

    window = make_window()
    window.load_demo()
    qtbot.waitUntil(lambda: window.session.folder is not None, timeout=60_000)
    idle(window)
    assert window.session.folder == ensure_demo()
    assert {p.name for p in window.session.readable_paths()} == set(FILES)
    assert len(window.session.selected) == 2  # the first two, as a first start shows them


def test_the_status_panel_shows_progress_at_most_every_50_ms(qtbot):
    """A job that reports 400 times (200 files opened) repaints the bar a few times, not 400
    (each repaint of a queued report stalled the event loop); start, last state and end show."""
    from xpcsviewer.gui.jobs import JobRunner
    from xpcsviewer.gui.status_panel import StatusPanel

    runner = JobRunner()
    panel = StatusPanel(runner)
    qtbot.addWidget(panel)
    values = []
    panel.progress.valueChanged.connect(values.append)
    release = threading.Event()

    def work(token, progress):
        for k in range(400):
            progress((k + 1) / 400, f"file {k + 1}")
        release.wait(5)
        return 1

    job = runner.submit("open files", work)
    qtbot.waitUntil(lambda: panel.job_label.text().startswith("open files file 400"), timeout=10_000)
    assert panel.progress.value() == 1000 and len(values) < 40
    release.set()
    qtbot.waitUntil(lambda: job.done and panel.job_label.text() == "idle", timeout=10_000)
    assert panel.progress.value() == 0
    assert runner.shutdown()


def test_counts_are_said_in_words():
    from xpcsviewer.gui._words import counted

    assert counted(1, "file") == "1 file" and counted(0, "file") == "0 files"
    assert counted(2, "new message") == "2 new messages" and counted(3, "index", "indices") == "3 indices"
