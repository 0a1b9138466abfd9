"""File → Follow folder: files written into the open folder join the list when complete,
pending (grey, not an error) while being written; selection and current file are kept, also
by Reload (F5)."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from conftest import WAIT_MS

from xpcsviewer.gui.live import FOLLOW_KEY, NEWEST_KEY, POLL_KEY


def _rows(window) -> dict[str, str]:
    model = window.file_panel.model
    return {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}


def _write_slowly(source, target, pieces: int, pause: float) -> None:
    data = source.read_bytes()
    step = -(-len(data) // pieces)
    with target.open("wb") as h:
        for k in range(pieces):
            h.write(data[k * step:(k + 1) * step])
            h.flush()
            if k < pieces - 1:
                time.sleep(pause)


@pytest.mark.parametrize("poll", [False, True], ids=["events", "poll"])
def test_follow_folder_lists_new_files_when_complete(qtbot, make_window, idle, tmp_path,
                                                     data_dir, poll):
    folder = tmp_path / "live"
    folder.mkdir()
    shutil.copy(data_dir / "brownian_a_results.hdf", folder / "a_results.hdf")
    window = make_window(folder)
    window.session.set_selected([folder / "a_results.hdf"])
    window.live.interval = 0.2
    window.set_follow_option(POLL_KEY, poll)
    window.set_follow_option(NEWEST_KEY, False)
    window.set_follow_option(FOLLOW_KEY, True)
    assert window.live.watcher is not None and window.live.watcher.mode == ("poll" if poll else "events")

    slow = folder / "b_results.hdf"
    writer = threading.Thread(target=_write_slowly,
                              args=(data_dir / "aging_b_results.hdf", slow, 4, 0.6))
    writer.start()
    try:
        qtbot.waitUntil(lambda: slow in window.session.pending, timeout=WAIT_MS)
        assert _rows(window)["b_results.hdf"] == "writing…"  # pending, not "unreadable"
        # A pending row cannot become the current file (nothing to show yet).
        window.file_panel.table.selectRow(window.file_panel.visible_paths().index(slow))
        assert window.session.current == folder / "a_results.hdf"
    finally:
        writer.join()
    qtbot.waitUntil(lambda: slow in window.session.readable_paths(), timeout=WAIT_MS)
    assert _rows(window)["b_results.hdf"] == "g2+C2"  # aging_b holds both (multi-tau and two-time)
    assert [s.name for s in window.session.summaries] == ["a_results.hdf", "b_results.hdf"]
    messages = [window.status_panel.messages.item(i).text()
                for i in range(window.status_panel.messages.count())]
    assert not any("b_results.hdf" in m for m in messages), messages  # never reported broken
    # The selection and current file survived the arrival, and survive a reload (F5).
    assert window.session.selected == [folder / "a_results.hdf"]
    window.actions_by_name["reload"].trigger()
    idle(window)
    assert window.session.selected == [folder / "a_results.hdf"]
    assert window.session.current == folder / "a_results.hdf"

    # "Show the newest file": the next complete file becomes current.
    window.set_follow_option(NEWEST_KEY, True)
    shutil.copy(data_dir / "brownian_a_results.hdf", folder / "c_results.hdf")
    qtbot.waitUntil(lambda: window.session.current == folder / "c_results.hdf", timeout=WAIT_MS)
    window.set_follow_option(FOLLOW_KEY, False)
    assert window.live.watcher is None


def test_follow_setting_is_remembered(qtbot, make_window):
    first = make_window()
    first.actions_by_name["follow"].setChecked(True)
    first.close()
    second = make_window()
    assert second.actions_by_name["follow"].isChecked()
    assert second.follow_option(FOLLOW_KEY)


def test_a_first_start_follows_the_folder_so_a_new_file_appears_without_f5(
        qtbot, settings_path, tmp_path, data_dir):
    # During a beamtime the correlator keeps writing: with no choice made yet, a folder is
    # followed (by OS events), and a file written after the listing appears by itself.
    from conftest import close_window, wait_idle
    from PySide6.QtCore import QSettings

    from xpcsviewer.gui.main_window import MainWindow

    folder = tmp_path / "run"
    folder.mkdir()
    shutil.copy(data_dir / "brownian_a_results.hdf", folder / "a_results.hdf")
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert not settings.contains(FOLLOW_KEY)  # a first start: nothing chosen
    window = MainWindow(settings)
    try:
        assert window.follow_option(FOLLOW_KEY) and window.actions_by_name["follow"].isChecked()
        assert not window.follow_option(POLL_KEY) and not window.follow_option(NEWEST_KEY)
        window.load_folder(folder, select=1)
        wait_idle(qtbot, window)
        assert window.live.watcher is not None and window.live.watcher.mode == "events"
        window.live.interval = 0.2
        shutil.copy(data_dir / "aging_b_results.hdf", folder / "b_results.hdf")
        qtbot.waitUntil(lambda: folder / "b_results.hdf" in window.session.readable_paths(),
                        timeout=WAIT_MS)
        assert window.session.selected == [folder / "a_results.hdf"]  # the selection stays
    finally:
        close_window(window)
