"""A folder's names and sizes show before any file is read; kind, sample and bins fill in from
the background, a chunk at a time, ending with exactly ``scan``'s rows (issue 16)."""

from __future__ import annotations

import dataclasses
import math
import shutil
import threading

import xpcsviewer.io as xio


def _same(a, b) -> bool:
    return all(x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))
               for x, y in zip(dataclasses.astuple(a), dataclasses.astuple(b), strict=True))


def test_names_show_first_and_rows_fill_in_chunks_to_scans_rows(qtbot, make_window, idle, data_dir,
                                                                 tmp_path, monkeypatch):
    import xpcsviewer.gui._window_folders as window_folders

    for i in range(4):
        shutil.copyfile(data_dir / "brownian_a_results.hdf", tmp_path / f"run_{i}_results.hdf")
    shutil.copyfile(data_dir / "phi_c_results.hdf", tmp_path / "run_9_results.hdf")
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    gate = threading.Semaphore(0)  # each file's summary waits for the test's go
    real = xio.summarize

    def gated(path):
        assert gate.acquire(timeout=60)
        return real(path)

    monkeypatch.setattr(xio, "summarize", gated)
    monkeypatch.setattr(window_folders, "SCAN_CHUNK", 2)
    window = make_window()
    try:
        _check_filling(qtbot, window, idle, data_dir, tmp_path, gate, monkeypatch, real)
    finally:
        gate.release(100)  # a failed check leaves no worker waiting


def _check_filling(qtbot, window, idle, data_dir, tmp_path, gate, monkeypatch, real):
    from xpcsviewer.gui.file_panel import READING

    window.load_folder(tmp_path, select=2)
    model, session = window.file_panel.model, window.session
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=10_000)
    names = [model.index(r, 0).data() for r in range(6)]
    assert names == ["broken.h5", *[f"run_{i}_results.hdf" for i in range(4)], "run_9_results.hdf"]
    assert [model.index(r, 1).data() for r in range(6)] == [READING] * 6
    assert (data_dir / "phi_c_results.hdf").stat().st_size == 806774
    assert model.index(5, 5).data() == "788 kB"  # the size column, from the directory alone
    assert session.selected == [] and window.scan_job is not None  # chosen once all are read

    window.file_panel.table.selectRow(3)  # the user's highlight survives the rows filling in
    gate.release(2)  # the first chunk
    qtbot.waitUntil(lambda: len(session.unsummarized()) == 4, timeout=30_000)
    assert model.index(0, 1).data() == "unreadable" and model.index(1, 1).data() == "g2"
    assert model.index(1, 4).data() == "12" and model.index(2, 1).data() == READING
    assert window.file_panel.highlighted_paths() == [tmp_path / "run_2_results.hdf"]

    gate.release(4)
    idle(window)
    monkeypatch.setattr(xio, "summarize", real)
    scanned = xio.scan(tmp_path)
    assert len(session.summaries) == len(scanned) == 6
    assert all(_same(a, b) for a, b in zip(session.summaries, scanned, strict=True))
    assert [model.index(r, 1).data() for r in range(6)] == ["unreadable", *["g2"] * 4, "g2"]
    assert model.index(5, 4).data() == str(scanned[5].n_bins)
    assert session.selected == [tmp_path / "run_0_results.hdf", tmp_path / "run_1_results.hdf"]
    assert session.current == tmp_path / "run_0_results.hdf"


def test_a_new_folder_while_filling_drops_the_old_rows(qtbot, make_window, idle, data_dir, tmp_path,
                                                       monkeypatch):
    import xpcsviewer.gui._window_folders as window_folders

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    for i in range(3):
        shutil.copyfile(data_dir / "brownian_a_results.hdf", old / f"a_{i}_results.hdf")
    shutil.copyfile(data_dir / "aging_b_results.hdf", new / "b_results.hdf")
    gate = threading.Event()
    real = xio.summarize
    monkeypatch.setattr(xio, "summarize", lambda p: (gate.wait(60), real(p))[1])
    monkeypatch.setattr(window_folders, "SCAN_CHUNK", 1)
    window = make_window()
    window.load_folder(old)
    qtbot.waitUntil(lambda: window.file_panel.model.rowCount() == 3, timeout=10_000)
    window.load_folder(new)
    gate.set()
    idle(window)
    assert [s.name for s in window.session.summaries] == ["b_results.hdf"]
    assert window.session.summaries[0].summarized and window.session.summaries[0].n_bins == 10


def test_the_status_panel_shows_the_sessions_cache_use_and_budget(qtbot, make_window, data_dir):
    window = make_window(folder=data_dir)
    budget = window.session.budget
    assert budget.budget_bytes == int(xio.default_budget_mb() * 2**20)  # preference 0: automatic
    f = window.session.open(data_dir / "brownian_a_results.hdf")
    before = budget.used_bytes
    image = f.saxs_2d
    assert budget.used_bytes == before + image.nbytes
    window.status_panel.refresh_stats()
    assert window.status_panel.memory_label.text() == window.status_panel.memory_text()
    assert window.status_panel.memory_text().startswith("cache: ") and " / " in window.status_panel.memory_text()
    window.session.cache_mb = 64
    assert budget.budget_bytes == 64 * 2**20 and budget.used_bytes <= budget.budget_bytes


def test_the_kind_column_shows_short_words_whole_in_a_laptop_window(qtbot, data_dir):
    # At 1366x768 the kind column of the narrow file dock clipped "multitau+twotime" to
    # "multitau+twc…". It shows g2 / C2 (the tabs' words), whole and beside the name in the
    # dock; the tooltip has the full kinds and the filter still finds "twotime".
    from PySide6.QtCore import Qt

    from xpcsviewer.gui.file_panel import FilePanel, kind_label
    from xpcsviewer.gui.session import Session

    panel = FilePanel(Session())
    qtbot.addWidget(panel)
    panel.resize(270, 600)  # the file dock of a 1366x768 window: its table's viewport 250 px
    panel.show()
    qtbot.waitExposed(panel)
    summaries = xio.scan(data_dir)
    panel.model.set_summaries(summaries)
    table, header = panel.table, panel.table.horizontalHeader()
    shown = {s.name: kind_label(s.kinds) for s in summaries}
    assert shown["aging_b_results.hdf"] == "g2+C2" and shown["brownian_a_results.hdf"] == "g2"
    assert shown["dstep_c_results.hdf"] == "C2"
    metrics = table.fontMetrics()
    for row in range(panel.model.rowCount()):
        text = panel.model.index(row, 1).data()
        assert metrics.horizontalAdvance(text) + 6 <= header.sectionSize(1), text
    for word in ("unreadable", "reading…", "writing…"):  # the states a row passes through
        assert metrics.horizontalAdvance(word) + 6 <= header.sectionSize(1), word
    # name and kind both inside the dock's visible table, not scrolled out of sight
    assert header.sectionPosition(1) + header.sectionSize(1) <= table.viewport().width()
    row = [s.name for s in summaries].index("aging_b_results.hdf")
    tip = panel.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "multitau" in tip and "twotime" in tip
    panel.filter_edit.setText("twotime")
    assert sorted(panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())) == [
        "aging_b_results.hdf", "dstep_c_results.hdf"]


def test_the_reader_process_fills_the_rows_as_scan_does(qtbot, make_window, idle, data_dir, tmp_path):
    # The app reads summaries in a process of its own (h5py holds the GIL while it reads:
    # on a job thread it stalled the window's paints). Same rows as scan(), read there.
    for name in ("brownian_a_results.hdf", "phi_c_results.hdf", "dstep_c_results.hdf"):
        shutil.copyfile(data_dir / name, tmp_path / name)
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    window = make_window()
    reader = window.runner.use_reader_process()
    window.load_folder(tmp_path, select=2)
    idle(window)
    assert reader.alive and reader.remote_calls >= 1  # read there, not on the thread
    scanned = xio.scan(tmp_path)
    assert len(window.session.summaries) == len(scanned) == 4
    assert all(_same(a, b) for a, b in zip(window.session.summaries, scanned, strict=True))
    assert window.session.summaries[0].error  # broken.h5: a row with its problem
    assert window.session.selected == [tmp_path / "brownian_a_results.hdf",
                                       tmp_path / "dstep_c_results.hdf"]
    window.runner.shutdown()
    assert window.runner.reader is None and not reader.alive


def test_summarize_many_stops_when_cancelled_and_reports_each_file(data_dir):
    paths = [data_dir / "brownian_a_results.hdf", data_dir / "phi_c_results.hdf"]
    heard = []
    rows = xio.summarize_many(paths, progress=lambda f, m: heard.append((f, m)))
    assert [r.n_bins for r in rows] == [xio.summarize(p).n_bins for p in paths]
    assert heard == [(0.0, "reading brownian_a_results.hdf"), (0.5, "reading phi_c_results.hdf")]
    assert xio.summarize_many(paths, cancel=lambda: True) == []
