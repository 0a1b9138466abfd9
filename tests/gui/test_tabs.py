"""Every tab with zero, one and many files, checked against the reader's own values."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.backends import adapter_stats

TAB_KEYS = ("saxs_2d", "saxs_1d", "qmap", "metadata")


@pytest.mark.parametrize("n_files", [0, 1, 2])
def test_every_tab_with_zero_one_and_many_files(qtbot, make_window, tab, idle, data_dir, n_files):
    window = make_window(data_dir, select=n_files)
    assert len(window.session.selected) == n_files
    for key in TAB_KEYS:
        view = tab(window, key)
        if n_files == 0:
            assert view.last_data is None, f"{key} shows data with nothing selected"
        else:
            assert view.last_data is not None, f"{key} shows nothing for {n_files} files"


def test_saxs1d_curves_equal_the_api(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=2)
    view = tab(window, "saxs_1d")
    plotted = {label: (x, y) for x, y, label in view.plot.line_data()}
    assert len(plotted) == 2
    for path in window.session.selected:
        q, intensity = xpcsviewer.open(path).saxs_1d
        x, y = plotted[path.name]
        order = np.argsort(q, kind="stable")
        np.testing.assert_array_equal(x, q[order])
        np.testing.assert_array_equal(y, intensity[order])


def test_saxs1d_q_range_and_csv_export(qtbot, make_window, tab, idle, data_dir, tmp_path):
    window = make_window(data_dir, select=1)
    view = tab(window, "saxs_1d")
    view.q_edits["q_min"].setText("0.003")
    view.q_edits["q_min"].editingFinished.emit()
    view.q_edits["q_max"].setText("0.006")
    view.q_edits["q_max"].editingFinished.emit()
    idle(window)
    (x, _y, _label), = view.plot.line_data()
    assert x.min() >= 0.003 and x.max() <= 0.006 and x.size > 5
    out = window.export_csv(tmp_path / "saxs1d.csv")
    rows = np.loadtxt(out, delimiter=",", skiprows=2, usecols=(2, 3))
    np.testing.assert_array_equal(rows[:, 0], x)
    figure = view.export_figure(tmp_path / "saxs1d.svg")
    assert figure.stat().st_size > 1000
    assert adapter_stats()["matplotlib"].count >= 2


def test_saxs2d_shows_the_image_mask_centre_and_readout(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)
    view = tab(window, "saxs_2d")
    f = xpcsviewer.open(window.session.current)
    image = f.saxs_2d
    shown = view.panel.image_data()
    positive = image > 0
    np.testing.assert_allclose(shown[positive], np.log10(image[positive]))  # log by default
    assert view.panel.overlay.isVisible()
    (cx,), (cy,) = view.panel.marker.getData()
    assert (cx, cy) == (f.metadata.beam_center_x + 0.5, f.metadata.beam_center_y + 0.5)

    view.log_box.setChecked(False)
    view.vmin_edit.setText("0.5")
    view.vmin_edit.editingFinished.emit()
    view.vmax_edit.setText("2")
    view.vmax_edit.editingFinished.emit()
    idle(window)
    np.testing.assert_array_equal(view.panel.image_data(), image)
    assert view.panel.image.getLevels() == pytest.approx((0.5, 2.0))

    view.panel.hovered.emit(10, 20)
    text = view.readout.text()
    assert "q = " in text and "Å⁻¹" in text and "φ = " in text and "pixel (10, 20)" in text


def test_qmap_shows_roi_q_and_phi_maps(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)
    view = tab(window, "qmap")
    qmap = xpcsviewer.open(window.session.current).qmap
    dynamic = view.panels["dynamic"].image_data()
    np.testing.assert_array_equal(np.isnan(dynamic), qmap.dynamic_roi_map == 0)
    for key in ("static", "q", "phi"):
        assert view.panels[key].image_data().shape == qmap.shape
    assert np.nanmax(view.panels["phi"].image_data()) <= 180.0


def test_metadata_tree_shows_values_and_leaves_big_data_unloaded(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)
    window.session.set_current(data_dir / "aging_b_results.hdf")
    view = tab(window, "metadata")
    data = view.last_data
    assert dict(data.summary)["sample_name"] == "aging_b"

    def find(node, *names):
        for name in names:
            node = next(child for child in node.children if child.name == name)
        return node

    c2 = find(data.tree, "xpcs", "twotime", "correlation_map", "c2_00001")
    assert c2.shape == "1000×1000" and c2.dtype == "float32" and "not loaded" in c2.value
    energy = find(data.tree, "entry", "instrument", "incident_beam", "incident_energy")
    assert float(energy.value) == pytest.approx(10.0)
    assert find(data.tree, "xpcs", "qmap", "dynamic_v_list_dim0", "@unit").value == "1/A"
    assert view.tree.topLevelItemCount() == 2
    view.filter_edit.setText("frame_time")
    assert view.tree.topLevelItem(1).childCount() >= 1  # filtered without a new job


def test_adapter_counts_rise_after_a_replot(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir, select=1)
    view = tab(window, "saxs_2d")
    window.status_panel.refresh_stats()
    before = window.status_panel.adapter_count("pyqtgraph")
    view.cmap_box.setCurrentText("magma")
    idle(window)
    qtbot.waitUntil(lambda: window.status_panel.adapter_count("pyqtgraph") > before, timeout=3000)


def test_arrow_keys_step_through_files(qtbot, make_window, tab, idle, data_dir):
    from PySide6.QtCore import Qt

    window = make_window(data_dir)
    table = window.file_panel.table
    table.setFocus()
    table.setCurrentIndex(window.file_panel.proxy.index(0, 0))
    first = window.session.current
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert window.session.current != first and window.session.current is not None
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.session.selected == [window.session.current]
