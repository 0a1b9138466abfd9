"""Two-time tab: what it plots equals the compute layer; bin choice survives file switches."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

import xpcsviewer
from xpcsviewer.compute import correct_diagonal, cut_at_age, cut_at_lag, g2_from_c2
from xpcsviewer.demo import ensure_demo
from xpcsviewer.fitting import fit_aging


@pytest.fixture
def mixed_folder(tmp_path, data_dir):
    """aging_b (C2 for bins 3-7), brownian_a (no C2) and demo_aging (C2 for bins 2, 4, 6, 8)."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("aging_b_results.hdf", "brownian_a_results.hdf"):
        (folder / name).symlink_to(data_dir / name)
    (folder / "demo_aging.hdf").symlink_to(ensure_demo() / "demo_aging.hdf")
    return folder


def _plotted(panel):
    (x, y, _), = panel.line_data()
    return x, y


def test_cuts_and_g2_equal_the_compute_layer(qtbot, make_window, tab, idle, data_dir, tmp_path):
    window = make_window(data_dir, select=1)
    assert window.session.current.name == "aging_b_results.hdf"
    from xpcsviewer.gui.tabs import TABS

    driver = window.drivers[[spec.key for spec in TABS].index("twotime")]
    drawn = []  # the map, cuts and g2 first; τ per window after, as a second stage
    driver.rendered.connect(lambda: drawn.append(driver.view.last_data.fit_pending))
    view = tab(window, "twotime")
    assert drawn == [True, False]
    data = view.last_data
    assert not data.missing and data.column in (3, 4, 5, 6, 7)
    f = xpcsviewer.open(data_dir / "aging_b_results.hdf")
    c2 = f.c2(data.column)
    fixed = correct_diagonal(c2.matrix)
    lag, age = cut_at_lag(fixed, c2.t, data.lag_s), cut_at_age(fixed, c2.t, data.age_s)
    for panel, cut in ((view.lag_plot, lag), (view.age_plot, age)):
        x, y = _plotted(panel)
        keep = np.isfinite(np.asarray(cut.values))
        np.testing.assert_allclose(x, np.asarray(cut.axis)[keep], rtol=1e-12)
        np.testing.assert_allclose(y, np.asarray(cut.values)[keep], rtol=1e-12)
    # g2 from C2 in each age window (points with too few pairs are hidden), and the stored g2.
    windows = view.controller.age_windows(np.asarray(c2.t), data.settings["n_windows"])
    ref = g2_from_c2(c2.matrix, c2.t, windows)
    lines = view.g2_plot.line_data()
    n_win = len(windows)
    assert len(lines) == 2 * n_win + 1  # windows, their fits (dashed), the stored g2
    for k, (x, y, _) in enumerate(lines[:n_win]):
        g = np.where(np.asarray(ref.n_pairs[k]) >= data.settings["min_pairs"], np.asarray(ref.g2[k]), np.nan)
        keep = np.isfinite(g)
        np.testing.assert_allclose(x, np.asarray(ref.tau)[keep], rtol=1e-12)
        np.testing.assert_allclose(y, g[keep], rtol=1e-12)
    np.testing.assert_array_equal(lines[-1][1], f.g2[:, data.column])
    # The display says how it was reduced and that the diagonal was corrected.
    assert data.factor == 2 and "decimation ×2" in view.map.plot.titleLabel.text
    assert "diagonal corrected" in view.map.plot.titleLabel.text
    assert view.map.image_data().shape == (500, 500)
    assert view.export_figure(tmp_path / "c2.png").stat().st_size > 10_000
    csv = window.export_csv(tmp_path / "c2.csv").read_text()
    assert "g2 from C2" in csv and "age_s" in csv and "multi-tau" in csv
    assert "tau_s τ per window" in csv
    f.close()


def test_tau_against_age_equals_fit_aging(qtbot, make_window, tab, idle, data_dir):
    """The τ-vs-age panel plots fit_aging's taus for the shown bin, and they rise with age."""
    window = make_window(data_dir, select=1)
    view = tab(window, "twotime")
    data = view.last_data
    f = xpcsviewer.open(data_dir / "aging_b_results.hdf")
    ref = fit_aging(f.c2(data.column), data.settings["n_windows"], q=f.dynamic_q[data.column],
                    min_pairs=data.settings["min_pairs"])
    (x, y, _), = view.tau_plot.line_data()
    np.testing.assert_allclose(x, ref.ages, rtol=1e-12)
    np.testing.assert_allclose(y, ref.tau, rtol=1e-9)
    np.testing.assert_allclose(data.tau_age.err, ref.tau_err, rtol=1e-9)
    # ...and draws them: one bar per window, ±1σ of the bootstrap.
    bars = [i for i in view.tau_plot.plot.items if isinstance(i, pg.ErrorBarItem)]
    assert len(bars) == 1
    np.testing.assert_allclose(bars[0].opts["height"], 2 * ref.tau_err, rtol=1e-9)
    assert np.all(np.diff(y) > 0) and not data.tau_note  # aging_b slows; every window converged
    # Each dashed fit is the window's fitted model on the lags it was fitted on.
    fits = view.g2_plot.line_data()[len(ref.ages):-1]
    for k, (xf, yf, _) in enumerate(fits):
        b, beta, tau = ref.fit.values[k]
        np.testing.assert_allclose(yf, b + beta * np.exp(-2 * xf / tau), rtol=1e-12)
    # More windows: the panel follows the setting.
    view.state.n_windows = 6
    idle(window)
    assert len(view.tau_plot.line_data()[0][0]) == 6
    f.close()


def test_bin_choice_survives_file_switches(qtbot, make_window, tab, idle, mixed_folder):
    window = make_window(mixed_folder, select=0)
    paths = {p.name: p for p in window.file_panel.visible_paths()}
    window.session.set_current(paths["aging_b_results.hdf"])
    view = tab(window, "twotime")
    view.bin_box.setCurrentIndex(view.last_data.bins.index(7))
    view.bin_box.activated.emit(view.bin_box.currentIndex())
    idle(window)
    assert view.state.bin == 7 and view.last_data.column == 7
    window.session.set_current(paths["demo_aging.hdf"])  # bins 2, 4, 6, 8: nearest to 7 is 6
    idle(window)
    assert view.last_data.column == 6 and "nearest roi 7" in view.note.text()
    assert view.map.colorbar.isVisible() and view.edits["vmin"].placeholderText().startswith("auto (")
    window.session.set_current(paths["brownian_a_results.hdf"])  # no two-time at all
    idle(window)
    assert view.last_data.missing and "no two-time" in view.map.note.text
    # Nothing of the previous file's map stays: no colour scale, no automatic limits.
    assert not view.map.colorbar.isVisible()
    assert [view.edits[k].placeholderText() for k in ("vmin", "vmax")] == ["auto", "auto"]
    assert view.tau_plot.line_data() == [] and view.last_data.tau_age is None
    assert view.export_figure(mixed_folder / "none.png") is None
    window.session.set_current(paths["aging_b_results.hdf"])  # the asked-for bin comes back
    idle(window)
    assert view.state.bin == 7 and view.last_data.column == 7 and not view.last_data.choice_note
    assert view.map.colorbar.isVisible()


def test_clicking_the_map_moves_both_cuts(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)
    view = tab(window, "twotime")
    view.map.clicked.emit(0.4, 1.0)
    idle(window)
    assert view.last_data.age_s == pytest.approx(0.7)
    assert view.last_data.lag_s == pytest.approx(0.6)


def _click_pixel(qtbot, panel, column: int, row: int) -> None:
    """A real left click on the centre of pixel (column, row) of an ImagePanel, once the
    panel's layout has settled (a title or colour bar laid out late moves the image, and a
    click computed before that landed on another pixel now and then)."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtWidgets import QApplication

    def where() -> QPoint:
        scene = panel.plot.vb.mapViewToScene(QPointF(column + 0.5, row + 0.5))
        return panel.mapFromScene(scene)

    at, previous = where(), None
    for _ in range(50):
        if at == previous:
            break
        QApplication.processEvents()
        qtbot.wait(10)
        previous, at = at, where()
    hit = panel.plot.vb.mapSceneToView(panel.mapToScene(at))
    assert (int(hit.x()), int(hit.y())) == (column, row)
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(at.x(), at.y()))


def test_clicking_the_qmap_picks_the_two_time_bin(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)  # aging_b: C2 maps for columns 3-7
    view = tab(window, "qmap")
    qmap = xpcsviewer.open(window.session.current).qmap
    roi = qmap.dynamic_roi_map
    inside = (roi == 5) & qmap.mask
    # a pixel deep inside roi 5 (its 3x3 neighbours too): a click a pixel off still picks it
    deep = inside[1:-1, 1:-1] & inside[:-2, 1:-1] & inside[2:, 1:-1] & inside[1:-1, :-2] & inside[1:-1, 2:]
    row, column = np.argwhere(deep)[0] + 1
    expected = int(np.flatnonzero(qmap.dynamic_index_mapping == 5 - 1)[0])
    _click_pixel(qtbot, view.panels["dynamic"], int(column), int(row))
    assert window.session.shared["picked_bin"] == expected
    assert window.statusBar().currentMessage() == f"roi {expected + 1} picked for Two-time"

    # Masked or unbinned pixels pick nothing and leave the last pick alone.
    row0, column0 = np.argwhere(roi == 0)[0]
    assert view.pick(int(column0), int(row0)) is None
    assert window.session.shared["picked_bin"] == expected

    shown = tab(window, "twotime")
    assert shown.last_data.column == expected and not shown.last_data.choice_note
    assert shown.bin_box.currentData() == expected


def test_a_bin_without_c2_picked_on_saxs2d_shows_the_nearest(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)
    view = tab(window, "saxs_2d")
    qmap = xpcsviewer.open(window.session.current).qmap
    row, column = np.argwhere((qmap.dynamic_roi_map == 1) & qmap.mask)[0]
    assert view.pick(int(column), int(row)) == 0  # label 1 is column 0, which has no C2 map
    shown = tab(window, "twotime")
    assert shown.last_data.column == 3
    assert "roi 1 has no map" in shown.last_data.choice_note
