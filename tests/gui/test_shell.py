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
    labels = sorted(label for _x, _y, label in view.plot.curve_data())
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
def test_snapshot_renders_every_tab(qapp, data_dir, tmp_path):
    from xpcsviewer.gui.app import run
    from xpcsviewer.gui.tabs import TABS

    assert run(folder=data_dir, snapshot=tmp_path, select=2) == 0
    for spec in TABS:
        assert (tmp_path / f"{spec.key}.png").stat().st_size > 10_000, spec.key


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
