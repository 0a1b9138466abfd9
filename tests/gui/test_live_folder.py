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
