"""Mask tab, images that are not the current file: "open image…" reads a TIFF and raw HDF5
frames (a typed frame range) in the background, keeps the geometry in use (raw images carry
none), takes one from a PONI; `xpcsviewer mask IMAGE` opens the image in the editor."""

from __future__ import annotations

import fabio.tifimage
import h5py
import numpy as np
import pytest

import xpcsviewer as xv


def _open_file(qtbot, make_window, tab, tmp_path, data_dir):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "brownian_a_results.hdf").symlink_to(data_dir / "brownian_a_results.hdf")
    window = make_window(folder, select=1)
    view = tab(window, "mask")
    qtbot.waitUntil(lambda: view.controller.editor is not None, timeout=20_000)
    return view


def _open_image(qtbot, view, path, frames=""):
    row = view.source_row
    row.frames_edit.setText(frames)
    row.open_path_hook = lambda: str(path)
    row.open_button.click()  # disables itself until the read has ended, one way or another
    qtbot.waitUntil(row.open_button.isEnabled, timeout=20_000)


def test_open_tiff_then_raw_frames_keep_geometry_take_a_poni(qtbot, make_window, tab, tmp_path,
                                                             data_dir):
    view = _open_file(qtbot, make_window, tab, tmp_path, data_dir)
    c = view.controller
    saxs = np.asarray(c.data.image)
    file_geometry = c.data.geometry
    stored = saxs.astype(np.float32)
    fabio.tifimage.TifImage(data=stored).write(str(tmp_path / "saxs.tif"))
    _open_image(qtbot, view, tmp_path / "saxs.tif")
    assert c.data.name == "saxs.tif: TIFF image" and not c.data.stored_geometry
    np.testing.assert_array_equal(c.data.image, stored)
    assert c.data.geometry == file_geometry  # raw images carry none: the one in use stays
    assert c.editor.valid_count == saxs.size  # and no mask: every pixel valid to start
    assert "carries no geometry" in view.status.text()

    # A mask edit and a typed geometry survive a re-render (a settings change redraws).
    view.state.tool = "rectangle"
    c.draw("rectangle", [(0, 0), (9, 9)])
    view.geometry_boxes["distance_m"].setValue(3.5)
    view.buttons["apply geometry"].click()
    view.state.tool = "ellipse"
    view.state.show_partition = False
    assert c.editor.valid_count == saxs.size - 100 and c.data.geometry.distance_m == 3.5
    assert c.data.image is c.loaded.image

    poni = tmp_path / "cal.poni"
    poni.write_text("poni_version: 2\nDetector: Detector\n"
                    'Detector_config: {"pixel1": 7.5e-05, "pixel2": 7.5e-05, "max_shape": null}\n'
                    "Distance: 5.0\nPoni1: 0.0112875\nPoni2: 0.0030375\n"
                    "Rot1: 0.0\nRot2: 0.01\nRot3: 0\nWavelength: 1.239841984e-10\n")
    view.source_row.poni_path_hook = lambda: str(poni)
    view.source_row.poni_button.click()
    g = c.data.geometry
    assert (g.beam_center_x, g.beam_center_y) == pytest.approx((40.0, 150.0), abs=1e-9)
    assert view.geometry_boxes["beam_center_y"].value() == pytest.approx(150.0)
    assert view.geometry_boxes["pixel_size_m"].value() == pytest.approx(75.0)
    assert "ignored from the PONI: rot2" in view.status.text()
    made = xv.make_qmap(c.data.image, g, mask=c.editor.mask, dynamic=(view.state.dynamic_q,
                        view.state.dynamic_phi), static=(view.state.static_q,
                                                         view.state.static_phi))
    view.state.show_partition = True
    np.testing.assert_array_equal(view.last_preview.roi_map, made.qmap.dynamic_roi_map)

    rng = np.random.default_rng(7)
    frames = rng.poisson(saxs * 20, size=(9, *saxs.shape)).astype(np.uint16)
    with h5py.File(tmp_path / "raw.h5", "w") as f:
        f.create_dataset("entry/data/data", data=frames, chunks=(2, *saxs.shape))
    _open_image(qtbot, view, tmp_path / "raw.h5", "2:7")
    assert c.data.name == "raw.h5: mean of frames 2–6 (5 of 9)"
    np.testing.assert_array_equal(c.data.image, frames[2:7].mean(axis=0))
    assert c.data.geometry == g  # the PONI's, kept

    _open_image(qtbot, view, tmp_path / "raw.h5", "7:2")
    assert "not opened" in view.status.text() and "frame range 7:2 is empty" in view.status.text()
    assert c.data.name.startswith("raw.h5: mean of frames 2–6")  # nothing changed
    view.source_row.frames_edit.setText("two")
    view.source_row.open(tmp_path / "raw.h5")
    assert "START:STOP" in view.status.text()


def test_cancel_stops_a_long_read_and_changes_nothing(qtbot, make_window, tab, tmp_path,
                                                    data_dir, monkeypatch):
    import xpcsviewer.io._images as images

    view = _open_file(qtbot, make_window, tab, tmp_path, data_dir)
    before = view.controller.loaded
    with h5py.File(tmp_path / "long.h5", "w") as f:  # 10⁵ frames declared, one read a block
        f.create_dataset("entry/data/data", shape=(10**5, 128, 128), dtype="u2",
                         chunks=(1, 128, 128))
    monkeypatch.setattr(images, "BLOCK_BYTES", 128 * 128 * 8)
    row = view.source_row
    row.open(tmp_path / "long.h5")
    assert row.cancel_button.isEnabled() and not row.open_button.isEnabled()
    row.cancel_button.click()
    qtbot.waitUntil(row.open_button.isEnabled, timeout=20_000)
    assert "reading long.h5 cancelled; nothing changed" in view.status.text()
    assert view.controller.loaded is before and not row.cancel_button.isEnabled()


def test_mask_command_opens_an_image_in_the_editor(qtbot, make_window, tmp_path, data_dir):
    from xpcsviewer.gui.app import open_on_tab
    from xpcsviewer.gui.tabs import TABS

    saxs = np.asarray(xv.open(data_dir / "aging_b_results.hdf").saxs_2d, np.float32)
    fabio.tifimage.TifImage(data=saxs).write(str(tmp_path / "frame.tif"))
    window = make_window()
    open_on_tab(window, tmp_path / "frame.tif", "mask")
    view = window.drivers[[spec.key for spec in TABS].index("mask")].view
    qtbot.waitUntil(lambda: view.controller.loaded is not None, timeout=20_000)
    assert view.controller.data.name == "frame.tif: TIFF image"
    np.testing.assert_array_equal(view.controller.data.image, saxs)
    assert window.session.current is None  # no folder listed for an image
    assert "valid pixels" in view.status.text()
