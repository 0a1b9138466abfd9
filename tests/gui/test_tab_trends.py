"""Trends tab on copies of tests/data with distinct start times: τ at a chosen bin against
start time equals ``fit_g2`` on the same files; files whose partition has no such bin are
gaps with a reason; D and α are ``fit_tauq``'s; exports; new files of a followed folder."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest
from conftest import wait_idle

import xpcsviewer

WAIT_MS = 120_000
# copy name, source, hours after the first start
FILES = (("a1_results.hdf", "brownian_a", 0.0), ("b_results.hdf", "aging_b", 1.5),
         ("c_results.hdf", "phi_c", 2.0), ("a2_results.hdf", "brownian_a", 4.25))


def _copy(data_dir, folder, name, source, hours):
    target = folder / name
    shutil.copy(data_dir / f"{source}_results.hdf", target)
    start = np.datetime64("2026-11-24T12:00:00") + np.timedelta64(int(hours * 3600), "s")
    with h5py.File(target, "r+") as h:  # our copy in tmp_path, never the data file
        del h["/entry/start_time"]
        h["/entry/start_time"] = str(start).encode()
    return target


@pytest.fixture
def trend_folder(tmp_path, data_dir):
    folder = tmp_path / "run"
    folder.mkdir()
    paths = [_copy(data_dir, folder, *spec) for spec in FILES]
    return folder, paths


def _settled(qtbot, window, view=None):
    """Show the Trends tab (when ``view`` is None) and wait for its fit: the first fit in a
    process compiles, which on a busy machine outlasts the suite's usual idle wait."""
    from xpcsviewer.gui.tabs import TABS

    index = [spec.key for spec in TABS].index("trends")
    window.tabs.setCurrentIndex(index)
    driver = window.drivers[index]
    qtbot.waitUntil(lambda: not driver.busy and not driver.stale, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    return driver.view


def _plotted(view):
    """(x, y) of the data items in the plot (original data, before log mapping)."""
    return [(np.asarray(i.xData), np.asarray(i.yData)) for i in view.plot.plot.listDataItems()]


def test_tau_at_a_bin_against_start_time_equals_fit_g2(qtbot, make_window, trend_folder, tmp_path):
    folder, paths = trend_folder
    window = make_window(folder)
    window.session.set_selected(paths)
    view = _settled(qtbot, window)
    assert view.state.quantity == "tau" and view.state.x_axis == "start time"
    view.q_edit.setText("0.0016")  # nearest in the first file: its first bin, q=0.00155
    view.q_edit.editingFinished.emit()
    _settled(qtbot, window)
    data = view.last_data

    files = [xpcsviewer.open(p) for p in paths]
    fit = xpcsviewer.fit_g2(files, model="single")
    tau, tau_err = fit.param("tau")

    def row(k, column):
        (r,) = np.flatnonzero((fit.file_index == k) & (fit.column == column))
        return r

    # brownian_a's and aging_b's first bins pair (q 0.00155 / 0.00162 Å⁻¹, both φ = 0);
    # phi_c is φ-resolved: an isotropic bin has no partner there, so it is a gap.
    expected = np.array([tau[row(0, 0)], tau[row(1, 0)], np.nan, tau[row(3, 0)]])
    expected_err = np.array([tau_err[row(0, 0)], tau_err[row(1, 0)], np.nan, tau_err[row(3, 0)]])
    (trend,) = data.trends["tau"]
    np.testing.assert_allclose(trend.y, expected, rtol=1e-10)
    np.testing.assert_allclose(trend.err, expected_err, rtol=1e-10)
    assert any("c_results.hdf: no bin at q=0.001553" in n for n in data.notes), data.notes
    # What is drawn: the three files with a value, at their start times in hours.
    (x, y), = _plotted(view)
    np.testing.assert_allclose(x, [0.0, 1.5, 4.25])
    np.testing.assert_allclose(y, expected[[0, 1, 3]], rtol=1e-10)
    assert "hours since 2026-11-24T12:00:00" in view.plot.plot.getAxis("bottom").labelText
    # The same file twice gives the same τ (deterministic fit of identical data).
    assert trend.y[0] == pytest.approx(trend.y[3], rel=1e-12)
    # The title says whose q it is and that b's point is its nearest bin, how far (issue 13);
    # the note names b's own q.
    q_a, q_b = files[0].dynamic_q[0], files[1].dynamic_q[0]
    title = view.plot.plot.titleLabel.text
    assert f"tau across 3 files at a1's q={q_a:.4g} Å⁻¹" in title, title  # c is a gap
    assert view.notes.text().startswith("3 of 4 files drawn; not drawn: c_results.hdf (no bin at")
    assert f"the others at their nearest bin (Δq ≤ {100 * abs(q_b / q_a - 1):.1f}%)" in title, title
    assert any(n.startswith(f"q={q_a:.4g} Å⁻¹ is a1's bin") and f"b q={q_b:.4g} Å⁻¹" in n
               for n in data.notes), data.notes

    # D and α: fit_tauq on the same fits; file order as x.
    view.quantity.setCurrentText("D")
    view.x_axis.setCurrentText("file order")
    fixed = xpcsviewer.fit_tauq(fit, alpha=2.0)
    (x, y), = _plotted(view)
    finite = np.isfinite(fixed.D)
    np.testing.assert_allclose(x, np.arange(4)[finite])
    np.testing.assert_allclose(y, fixed.D[finite], rtol=1e-10)
    view.quantity.setCurrentText("α")
    free = xpcsviewer.fit_tauq(fit, alpha=None)
    np.testing.assert_allclose(data.trends["α"][0].y, free.alpha, rtol=1e-10, equal_nan=True)
    # Any numeric metadata field can be the x axis, e.g. the frame time.
    view.x_axis.setCurrentText("frame_time_s")
    (x, _y), = _plotted(view)
    assert set(np.round(x, 6)) <= {0.001, 0.002}

    out = window.export_csv(tmp_path / "trends.csv")
    lines = [ln for ln in out.read_text().splitlines() if not ln.startswith("#")]
    assert len(lines) == 1 + len(paths) and lines[1].startswith("a1_results.hdf")
    assert view.export_figure(tmp_path / "trends.png").stat().st_size > 1000


def test_trends_of_the_folder_follow_new_files(qtbot, make_window, trend_folder, data_dir):
    from xpcsviewer.gui.live import FOLLOW_KEY, POLL_KEY

    folder, paths = trend_folder
    for p in paths[2:]:
        p.unlink()
    window = make_window(folder)
    view = _settled(qtbot, window)
    view.scope.setCurrentText("folder")
    _settled(qtbot, window)
    assert view.last_data.names == ["a1_results.hdf", "b_results.hdf"]
    window.live.interval = 0.2
    window.set_follow_option(POLL_KEY, True)
    window.set_follow_option(FOLLOW_KEY, True)
    _copy(data_dir, folder, "d_results.hdf", "brownian_a", 3.0)
    qtbot.waitUntil(lambda: view.last_data is not None
                    and view.last_data.names[-1:] == ["d_results.hdf"], timeout=WAIT_MS)
    _settled(qtbot, window)
    np.testing.assert_allclose(view.last_data.x["start time"], [0.0, 1.5, 3.0])
    window.set_follow_option(FOLLOW_KEY, False)


def test_the_title_names_the_bins_honestly():
    # Every file at the very same bin: the title names it; a partner elsewhere: whose bin it
    # is, and how far the others' nearest bins lie; quantities without a bin (D): none.
    from xpcsviewer.gui.tabs.trends.controller import Trend
    from xpcsviewer.gui.tabs.trends.view import TrendsView

    y = np.ones(3)
    same = Trend("q=0.002 Å⁻¹, φ=0°", y, y, "ref")
    assert TrendsView.where([same], 3) == " at q=0.002 Å⁻¹, φ=0° across 3 files"
    near = Trend("q=0.002 Å⁻¹, φ=0°", y, y, "ref", dq=0.043, dphi=0.0)
    assert TrendsView.where([near], 3) == (" across 3 files at ref's q=0.002 Å⁻¹, φ=0°, "
                                           "the others at their nearest bin (Δq ≤ 4.3%)")
    assert TrendsView.where([same, near], 3) == (" across 3 files at ref's bins, the others at "
                                                 "their nearest bin (Δq ≤ 4.3%)")
    assert TrendsView.where([same, same], 3) == " across 3 files"
    assert TrendsView.where([near], 2).endswith("the other at its nearest bin (Δq ≤ 4.3%)")
    assert TrendsView.where([Trend("D (α = 2)", y, y)], 3) == " across 3 files"


def _trends_view(qtbot, files):
    from xpcsviewer.gui._token import CancelToken
    from xpcsviewer.gui.tabs.trends.controller import TrendsController
    from xpcsviewer.gui.tabs.trends.view import TrendsView

    controller = TrendsController()
    view = TrendsView(controller)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    data = controller.prepare(files, CancelToken(), lambda *_: None)
    view.render(data)
    view.show()
    qtbot.waitExposed(view)
    view.plot.plot.vb.updateAutoRange()  # pyqtgraph sets an auto range when it paints
    return view, data


def test_one_file_has_a_readable_y_axis(qtbot, data_dir):
    """A single τ point (its range is only its error bar) gets a y range around it with at
    least two labelled ticks, so its value can be read off the axis."""
    f = xpcsviewer.open(data_dir / "aging_b_results.hdf")
    view, data = _trends_view(qtbot, [f])
    (tau,) = data.trends["tau"]
    assert np.isfinite(tau.y[0]) and "across 1 file " in view.plot.plot.titleLabel.text
    lo, hi = view.plot.plot.viewRange()[1]  # log10 units on this log axis
    assert lo < np.log10(tau.y[0]) < hi and hi - lo >= 0.5
    axis = view.plot.plot.getAxis("left")
    values = [v for _, level in axis.tickValues(lo, hi, 400) for v in level]
    labels = [s for s in axis.tickStrings(values, 1.0, 1.0) if s]
    assert len(labels) >= 2
    f.close()


def test_the_title_counts_the_files_drawn(qtbot, data_dir):
    """aging_b, brownian_a, dstep_c (two-time only) and phi_c (no bin at aging_b's first q):
    two points, so the title says 2 files, and the note names the two left out and why."""
    files = [xpcsviewer.open(data_dir / f"{n}_results.hdf")
             for n in ("aging_b", "brownian_a", "dstep_c", "phi_c")]
    view, data = _trends_view(qtbot, files)
    (tau,) = data.trends["tau"]
    assert np.isfinite(tau.y).sum() == 2
    title = view.plot.plot.titleLabel.text
    assert " across 2 files " in title and "across 3" not in title
    head = view.notes.text().splitlines()[0]
    assert head.startswith("2 of 4 files drawn; not drawn: ")
    assert "phi_c_results.hdf (no bin at q=" in head and "dstep_c_results.hdf (no multi-tau g2" in head
    for f in files:
        f.close()
