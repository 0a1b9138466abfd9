"""Mask tab: shapes drawn with simulated mouse events mask exactly their pixels; undo/redo;
the partition preview counts are ``xv.make_qmap``'s; Save qmap writes what the API writes."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

import xpcsviewer as xv
from xpcsviewer.compute.mask import ellipse, polygon, rectangle, thick_line
from xpcsviewer.io import read_qmap_file

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton


def _open(qtbot, make_window, tab, tmp_path, data_dir, name="brownian_a"):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / f"{name}_results.hdf").symlink_to(data_dir / f"{name}_results.hdf")
    window = make_window(folder, select=1)
    view = tab(window, "mask")
    qtbot.waitUntil(lambda: view.controller.editor is not None, timeout=20_000)
    return window, view


def _at(view, x, y) -> QPoint:
    return view.to_widget(x, y)


def _drag(qtbot, view, start, end):
    vp = view.panel.viewport()
    qtbot.mousePress(vp, LEFT, pos=_at(view, *start))
    qtbot.mouseMove(vp, pos=_at(view, *end))
    qtbot.mouseRelease(vp, LEFT, pos=_at(view, *end))


def _selected(view, before):
    return before & ~view.controller.editor.mask


def test_each_tool_by_mouse_masks_its_pixels_undo_redo(qtbot, make_window, tab, tmp_path,
                                                       data_dir):
    _, view = _open(qtbot, make_window, tab, tmp_path, data_dir)
    ed = view.controller.editor
    shape = ed.shape
    start = ed.mask.copy()
    # Mouse positions are rounded to whole screen pixels; read back where the drag landed.
    view.state.tool = "rectangle"
    p0, p1 = view.to_pixel(_at(view, 10, 20)), view.to_pixel(_at(view, 30, 25))
    _drag(qtbot, view, (10, 20), (30, 25))
    np.testing.assert_array_equal(_selected(view, start), start & rectangle(shape, *p0, *p1))
    assert abs(p0[0] - 10) < 1 and abs(p1[1] - 25) < 1
    n_rect = int(start.sum() - ed.valid_count)
    assert n_rect > 0

    before = ed.mask.copy()
    view.state.tool = "ellipse"
    e0, e1 = view.to_pixel(_at(view, 60, 60)), view.to_pixel(_at(view, 80, 70))
    _drag(qtbot, view, (60, 60), (80, 70))
    want = ellipse(shape, (e0[0] + e1[0]) / 2, (e0[1] + e1[1]) / 2, abs(e1[0] - e0[0]) / 2,
                   abs(e1[1] - e0[1]) / 2)
    np.testing.assert_array_equal(_selected(view, before), before & want)

    before = ed.mask.copy()
    view.state.tool = "line"
    view.state.line_width = 4.0
    l0, l1 = view.to_pixel(_at(view, 0, 100)), view.to_pixel(_at(view, 127, 110))
    _drag(qtbot, view, (0, 100), (127, 110))
    np.testing.assert_array_equal(_selected(view, before),
                                  before & thick_line(shape, *l0, *l1, 4.0))

    before = ed.mask.copy()
    view.state.tool = "polygon"
    vertices = [(90, 5), (120, 5), (105, 40)]
    vp = view.panel.viewport()
    for v in vertices:
        qtbot.mouseClick(vp, LEFT, pos=_at(view, *v))
    got = [view.to_pixel(_at(view, *v)) for v in vertices]
    qtbot.mouseClick(vp, RIGHT, pos=_at(view, 0, 0))
    np.testing.assert_array_equal(_selected(view, before), before & polygon(shape, got))

    # Undo three steps: back to the rectangle alone; redo one: the ellipse again.
    for _ in range(3):
        view.buttons["undo"].click()
    assert ed.valid_count == int(start.sum()) - n_rect
    view.buttons["redo"].click()
    np.testing.assert_array_equal(_selected(view, start),
                                  start & (rectangle(shape, *p0, *p1) | want))
    assert f"valid pixels: {ed.valid_count} " in view.status.text()


def test_preview_counts_and_saved_file_equal_the_api(qtbot, make_window, tab, tmp_path,
                                                     data_dir):
    _, view = _open(qtbot, make_window, tab, tmp_path, data_dir, "phi_c")
    # The file's own grids are where the preview starts: its stored partition and counts.
    s = view.state
    assert (s.dynamic_q, s.dynamic_phi, s.static_q, s.static_phi) == (18, 6, 90, 6)
    with h5py.File(data_dir / "phi_c_results.hdf", "r") as f:
        stored = f["xpcs/qmap/dynamic_roi_map"][()]
    np.testing.assert_array_equal(view.last_preview.roi_map, stored)
    np.testing.assert_array_equal(view.last_preview.counts, np.bincount(stored.ravel())[1:])
    view.state.tool = "rectangle"
    _drag(qtbot, view, (30, 120), (60, 180))
    made = xv.make_qmap(view.controller.data.image, view.controller.data.geometry,
                        mask=view.controller.editor.mask, dynamic=(18, 6), static=(90, 6))
    roi = made.qmap.dynamic_roi_map
    np.testing.assert_array_equal(view.last_preview.roi_map, roi)
    np.testing.assert_array_equal(view.last_preview.counts, np.bincount(roi.ravel())[1:])
    out = tmp_path / "edited_qmap.hdf"
    view.save_path_hook = lambda: str(out)
    view.buttons["save qmap…"].click()
    qm, geom, digest = read_qmap_file(out)
    np.testing.assert_array_equal(qm.dynamic_roi_map, roi)
    np.testing.assert_array_equal(qm.mask, view.controller.editor.mask)
    assert digest[:12] in view.status.text()
    assert geom == view.controller.data.geometry


def test_mask_command_opens_the_file_on_the_mask_tab(qtbot, make_window, tmp_path, data_dir):
    from conftest import wait_idle

    from xpcsviewer.gui.app import open_on_tab
    from xpcsviewer.gui.tabs import TABS

    folder = tmp_path / "run"
    folder.mkdir()
    for name in ("aging_b", "phi_c"):
        (folder / f"{name}_results.hdf").symlink_to(data_dir / f"{name}_results.hdf")
    window = make_window()
    open_on_tab(window, folder / "phi_c_results.hdf", "mask")
    qtbot.waitUntil(lambda: window.session.current is not None, timeout=20_000)
    wait_idle(qtbot, window)
    assert window.session.current.name == "phi_c_results.hdf"
    index = [spec.key for spec in TABS].index("mask")
    assert window.tabs.currentIndex() == index
    view = window.drivers[index].view
    qtbot.waitUntil(lambda: view.controller.data is not None, timeout=20_000)
    assert view.controller.data.name == "phi_c_results.hdf"


def test_dragging_the_beam_centre_redraws_the_partition(qtbot, make_window, tab, tmp_path,
                                                        data_dir):
    _, view = _open(qtbot, make_window, tab, tmp_path, data_dir)
    view.state.tool = "centre"
    _drag(qtbot, view, (53.76, 70.4), (60, 64))
    x, y = view.to_pixel(_at(view, 60, 64))
    g = view.controller.data.geometry
    assert (g.beam_center_x, g.beam_center_y) == (x, y)
    assert view.geometry_boxes["beam_center_x"].value() == pytest.approx(x, abs=0.01)
    made = xv.make_qmap(view.controller.data.image, g, mask=view.controller.editor.mask,
                        dynamic=(12, 1), static=(120, 1))
    np.testing.assert_array_equal(view.last_preview.roi_map, made.qmap.dynamic_roi_map)
    with h5py.File(data_dir / "brownian_a_results.hdf", "r") as f:  # moved: not the stored one
        assert (made.qmap.dynamic_roi_map != f["xpcs/qmap/dynamic_roi_map"][()]).any()
