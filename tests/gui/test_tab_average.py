"""Average tab: the rejection preview is the compute layer's report; the write makes a NEW
file that xpcsviewer.open reads, and an input is never a target."""

from __future__ import annotations

import hashlib
import shutil
import threading

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.compute import average_g2
from xpcsviewer.demo import ensure_demo


@pytest.fixture
def one_sample(tmp_path):
    """Two demo measurements of one sample plus a copy of the first (three for a median)."""
    folder = tmp_path / "sample"
    folder.mkdir()
    demo = ensure_demo()
    for name in ("demo_diffusion_1.hdf", "demo_diffusion_2.hdf"):
        shutil.copy(demo / name, folder / name)
    shutil.copy(demo / "demo_diffusion_1.hdf", folder / "demo_diffusion_3.hdf")
    return folder


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_preview_table_is_the_compute_report(qtbot, make_window, tab, idle, one_sample):
    window = make_window(one_sample, select=3)
    view = tab(window, "average")
    view.spins["intensity_tolerance"].setValue(0.0)  # any intensity difference rejects
    idle(window)
    files = [xpcsviewer.open(p) for p in window.session.selected]
    ref = average_g2([f.tau for f in files], [f.g2 for f in files], [f.g2_err for f in files],
                     intensities=[float(np.mean(f.intensity_t[1])) for f in files],
                     names=[f.name for f in files], intensity_tolerance=0.0)
    rejected = {r.name: r.reason for r in ref.report.rejected}
    assert rejected, "the two different measurements cannot both match the median exactly"
    for row in range(view.table.rowCount()):
        name, used, why = (view.table.item(row, c).text() for c in (0, 4, 5))
        assert (used == "REJECTED") == (name in rejected)
        assert why == rejected.get(name, "used")
    np.testing.assert_allclose(view.last_data.mean, np.asarray(ref.g2)[:, 0], rtol=1e-12)
    for f in files:
        f.close()


def test_average_writes_a_new_readable_file(qtbot, make_window, tab, idle, one_sample):
    window = make_window(one_sample, select=2)
    view = tab(window, "average")
    inputs = list(window.session.selected)
    before = {p: _digest(p) for p in inputs}
    assert view.write_to(inputs[0]) is None and "input" in view.status.text()
    out = view.controller.default_output(view.last_data)
    assert out.name == "demo_brownian_avg.hdf" and out.parent == one_sample
    bar: list[int] = []
    view.progress.valueChanged.connect(bar.append)
    listeners = _listeners(window.runner)
    job = view.write_to(out)
    assert job is not None and view.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: view.written is not None, timeout=20_000)
    assert view.written == out and "Wrote" in view.status.text()
    # The bar moved through the file reads and write stages, never back, and ended at 100 %.
    assert bar[-1] == 100 and bar == sorted(bar) and len(set(bar)) >= 5
    assert not view.cancel_button.isEnabled()
    with xpcsviewer.open(out) as averaged:
        np.testing.assert_allclose(averaged.g2[:, 0], view.last_data.mean, rtol=1e-6)
    assert {p: _digest(p) for p in inputs} == before  # inputs untouched
    # The new file is listed without F5 (the folder is not followed), readable, with its
    # bins; the selection is kept.
    session = window.session
    qtbot.waitUntil(lambda: out in session.readable_paths(), timeout=20_000)
    row = next(s for s in session.summaries if s.path == out)
    assert not row.error and row.n_bins == xpcsviewer.open(inputs[0]).n_bins
    assert session.selected == inputs
    assert view.write_to(out) is None and "exists" in view.status.text()
    # The write ran on the window's one runner, through the tab's driver, which listens
    # to it once: a write adds no connection (each once added two that stayed).
    assert _listeners(window.runner) == listeners


def _listeners(runner) -> tuple[int, int]:
    from PySide6.QtCore import SIGNAL

    return (runner.receivers(SIGNAL("job_progressed(PyObject)")),
            runner.receivers(SIGNAL("job_finished(PyObject)")))


def test_cancelled_write_leaves_nothing(qtbot, make_window, tab, idle, one_sample):
    window = make_window(one_sample, select=2)
    view = tab(window, "average")
    before = sorted(p.name for p in one_sample.iterdir())
    out = one_sample / "cancelled_avg.hdf"
    write = view.controller.write

    def write_then_cancel(data, target, token, progress):
        def pressed_cancel_while_reading(fraction, message):
            progress(fraction, message)
            if message.startswith("reading SAXS"):
                # Cancel pressed mid-job, from the worker so the timing is certain; the GUI's
                # Cancel button calls the same token.cancel().
                token.cancel()

        return write(data, target, token, pressed_cancel_while_reading)

    view.controller.write = write_then_cancel
    job = view.write_to(out)
    qtbot.waitUntil(lambda: view.controller.task is None, timeout=20_000)
    assert job.token.cancelled and view.written is None
    assert "cancelled" in view.status.text() and view.progress.value() == 0
    assert sorted(p.name for p in one_sample.iterdir()) == before  # no file, no temporary file
    assert view.write_button.isEnabled() and not view.cancel_button.isEnabled()


def test_cancel_button_stops_the_write(qtbot, make_window, tab, idle, one_sample):
    window = make_window(one_sample, select=2)
    view = tab(window, "average")
    before = sorted(p.name for p in one_sample.iterdir())
    out = one_sample / "button_avg.hdf"
    clicked = threading.Event()
    write = view.controller.write

    def write_after_click(*args):
        clicked.wait(10)  # the worker starts only once Cancel was pressed: no race
        return write(*args)

    view.controller.write = write_after_click
    view.write_to(out)
    view.cancel_button.click()
    clicked.set()
    qtbot.waitUntil(lambda: view.controller.task is None, timeout=20_000)
    assert "cancelled" in view.status.text()
    assert sorted(p.name for p in one_sample.iterdir()) == before


def test_values_not_computed_show_a_dash_and_a_two_time_run_its_intensity(qtbot, make_window, tab, idle, data_dir, tmp_path):
    """Files of different samples are refused before judging (no baseline), a two-time only
    run has no g2 but has an intensity trace: the table says '—' where nothing was
    computed, never 'nan', and shows the intensity the Intensity tab plots."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("brownian_a_results.hdf", "aging_b_results.hdf", "dstep_c_results.hdf"):
        shutil.copy(data_dir / name, folder / name)
    window = make_window(folder, select=3)
    view = tab(window, "average")
    idle(window)
    cells = {view.table.item(r, 0).text(): [view.table.item(r, c).text() for c in range(6)]
             for r in range(view.table.rowCount())}
    assert all("nan" not in text for row in cells.values() for text in row)
    assert cells["brownian_a_results.hdf"][3] == "—" and "different partitions" in cells["brownian_a_results.hdf"][5]
    dstep = xpcsviewer.open(folder / "dstep_c_results.hdf")
    assert cells["dstep_c_results.hdf"][2] == f"{float(np.mean(dstep.intensity_t[1])):.4g}"
    assert cells["dstep_c_results.hdf"][5] == "no multi-tau g2"
    dstep.close()


def test_why_column_is_in_view_with_its_full_text_as_tooltip(qtbot, data_dir):
    """Four files of three samples at the table's width in a 1366-px window (~560 px): the
    "why" column is inside the table's view, at least as wide as its header, and each cell's
    tooltip holds the whole reason."""
    from xpcsviewer.gui._token import CancelToken
    from xpcsviewer.gui.tabs.average.controller import AverageController
    from xpcsviewer.gui.tabs.average.view import COLUMNS, AverageView

    files = [xpcsviewer.open(data_dir / f"{n}_results.hdf")
             for n in ("aging_b", "brownian_a", "dstep_c", "phi_c")]
    controller = AverageController()
    view = AverageView(controller)
    qtbot.addWidget(view)
    view.resize(1080, 600)
    view.show()
    qtbot.waitExposed(view)
    view.render(controller.prepare(files, CancelToken(), lambda *_: None))
    table, header = view.table, view.table.horizontalHeader()
    assert 500 <= table.viewport().width() <= 620  # the width the user saw
    why = COLUMNS.index("why")
    left, width = header.sectionViewportPosition(why), header.sectionSize(why)
    assert width >= header.sectionSizeHint(why)
    assert 0 <= left and left + width <= table.viewport().width()  # the whole column: its header is centred
    reasons = [table.item(r, why).text() for r in range(table.rowCount())]
    assert "no multi-tau g2" in reasons and any("different partitions" in r for r in reasons)
    for r, text in enumerate(reasons):
        assert text in table.item(r, why).toolTip()
    for f in files:
        f.close()
