"""Mask tab model without Qt: edits, import, preview counts and save equal the API's."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.gui.tabs.mask.controller import MaskController, selection
from xpcsviewer.io import XpcsFormatError, read_qmap_file


@pytest.fixture
def model(data_dir):
    c = MaskController()
    f = xv.open(data_dir / "aging_b_results.hdf")
    c.load(c.prepare([f], None, None))
    return c


def test_starts_from_the_files_partition_and_preview_equals_make_qmap(model, data_dir, tmp_path):
    d = model.data
    assert d.dynamic == (10, 1) and d.static == (120, 1)
    model.state.dynamic_q, model.state.static_q = d.dynamic[0], d.static[0]
    with h5py.File(data_dir / "aging_b_results.hdf", "r") as f:
        stored = f["xpcs/qmap/dynamic_roi_map"][()]
    np.testing.assert_array_equal(model.preview().roi_map, stored)
    model.draw("line", [(0, 64), (127, 64)])  # a beamstop arm across the detector
    made = xv.make_qmap(d.image, d.geometry, mask=model.editor.mask, dynamic=(10, 1),
                        static=(120, 1))
    p = model.preview()
    np.testing.assert_array_equal(p.roi_map, made.qmap.dynamic_roi_map)
    np.testing.assert_array_equal(p.counts, np.bincount(p.roi_map.ravel())[1:])
    digest = model.save(tmp_path / "q.hdf")
    assert read_qmap_file(tmp_path / "q.hdf")[2] == digest


def test_import_threshold_outliers_and_errors(model, tmp_path):
    shape = model.editor.shape
    blemish = np.ones(shape, bool)
    blemish[:, :10] = False
    np.save(tmp_path / "blemish.npy", blemish)
    before = model.editor.mask.copy()
    assert model.import_mask(tmp_path / "blemish.npy", "and") == int((before & blemish).sum())
    model.editor.undo()
    with h5py.File(tmp_path / "m.h5", "w") as h:
        h["/qmap/mask"] = blemish.astype(np.int32)
    assert model.import_mask(tmp_path / "m.h5") == int(blemish.sum())
    with pytest.raises(ValueError):
        np.save(tmp_path / "small.npy", np.ones((4, 4)))
        model.import_mask(tmp_path / "small.npy")
    with pytest.raises(XpcsFormatError):
        (tmp_path / "bad.npy").write_bytes(b"not numpy")
        model.import_mask(tmp_path / "bad.npy")
    n = model.editor.valid_count
    hot = model.data.image.max()
    assert model.threshold(None, hot * 0.999) >= 1 and model.editor.valid_count < n
    with pytest.raises(ValueError, match="unknown tool"):
        selection(shape, "star", [(0, 0), (1, 1)])
