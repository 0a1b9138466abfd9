"""Datasets that must agree (issue 10 §2): image vs mask vs roi maps vs detector, roi labels vs
index_mapping, segments vs static bins; each disagreement built from a real file in tmp_path
and refused by an XpcsFormatError naming the file and both sides."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

import xpcsviewer
import xpcsviewer.io as xio
from xpcsviewer.compute import average_g2

IMAGES = ("/xpcs/qmap/mask", "/xpcs/qmap/blemish", "/xpcs/qmap/dynamic_roi_map",
          "/xpcs/qmap/static_roi_map")
S2 = "/xpcs/temporal_mean/scattering_2d"


def _copy(data_dir, tmp_path, name="brownian_a", to="case.hdf"):
    dst = tmp_path / to
    shutil.copyfile(data_dir / f"{name}_results.hdf", dst)
    return dst


def _put(h5, key, value):
    del h5[key]
    h5[key] = value


def _crop(path, columns=100):
    """Keep the first ``columns`` detector columns of every image: still one detector."""
    with h5py.File(path, "a") as h5:
        for key in IMAGES:
            _put(h5, key, h5[key][:, :columns])
        _put(h5, S2, h5[S2][:, :, :columns])


def _refused(path, *parts):
    with pytest.raises(xio.XpcsFormatError) as info:
        f = xpcsviewer.open(path)
        _ = f.qmap  # roi maps are read (and checked) on first use
    message = str(info.value)
    assert path.name in message and all(p in message for p in parts), message
    return message


def test_cropped_copy_is_still_a_valid_file(data_dir, tmp_path):
    """The base of the next cases: a non-square detector, everything consistent."""
    p = _copy(data_dir, tmp_path)
    _crop(p)
    f = xpcsviewer.open(p)
    assert f.saxs_2d.shape == f.qmap.shape == f.metadata.detector_shape == (128, 100)


def test_transposed_scattering_2d_is_refused_naming_both_shapes(data_dir, tmp_path):
    p = _copy(data_dir, tmp_path)
    _crop(p)
    with h5py.File(p, "a") as h5:
        _put(h5, S2, np.transpose(h5[S2][()], (0, 2, 1)))  # (1, 100, 128), as seen in real files
    _refused(p, "scattering_2d is 100 x 128", "mask is 128 x 100", "transposed")


def test_mask_of_another_detector_is_refused(data_dir, tmp_path):
    p = _copy(data_dir, tmp_path, "phi_c")
    with h5py.File(p, "a") as h5:
        _put(h5, "/xpcs/qmap/mask", h5["/xpcs/qmap/mask"][:, :180])
    _refused(p, "192 x 192", "192 x 180")


def test_roi_map_of_another_detector_is_refused(data_dir, tmp_path):
    p = _copy(data_dir, tmp_path, "aging_b")
    with h5py.File(p, "a") as h5:
        _put(h5, "/xpcs/qmap/static_roi_map", h5["/xpcs/qmap/static_roi_map"][:120])
    _refused(p, "static_roi_map is 120 x 128", "128 x 128")


def test_stack_of_images_is_refused(data_dir, tmp_path):
    p = _copy(data_dir, tmp_path)
    with h5py.File(p, "a") as h5:
        _put(h5, S2, np.concatenate([h5[S2][()]] * 2))
    _refused(p, "(2, 128, 128)")


@pytest.mark.parametrize("kind,n", [("dynamic", 59), ("static", 291)])
def test_roi_label_beyond_index_mapping_is_unused_and_named(data_dir, tmp_path, kind, n):
    # Impossible values keep what is usable (issue 11 §4): the pixels are left out, said so.
    p = _copy(data_dir, tmp_path, "phi_c")
    key = f"/xpcs/qmap/{kind}_roi_map"
    with h5py.File(p, "a") as h5:
        roi = h5[key][()]
        roi[roi == n] = n + 1  # the old grid-index numbering would leave such gaps
        _put(h5, key, roi)
    f = xpcsviewer.open(p)
    roi = getattr(f.qmap, f"{kind}_roi_map")
    assert roi.max() == n - 1 or roi.max() <= n  # the label-(n+1) pixels are now unused
    assert not (roi == n + 1).any()
    assert any(f"beyond the {n} stored {kind} bins ({n + 1})" in note for note in f.notes)


def test_segments_with_another_number_of_static_bins_are_refused(data_dir, tmp_path):
    p = _copy(data_dir, tmp_path, "dstep_c")
    key = "/xpcs/temporal_mean/scattering_1d_segments"
    with h5py.File(p, "a") as h5:
        _put(h5, key, h5[key][:, :100])
    _refused(p, "scattering_1d_segments has 100 bins", "static_index_mapping has 120")


def _legacy(path, *, image=(6, 7), dqmap=(6, 7), top_label=2):
    with h5py.File(path, "w") as h5:
        h5["xpcs/Version"] = "0.20"
        h5["exchange/tau"] = np.arange(1, 6)[None].astype(float)
        h5["exchange/norm-0-g2"] = np.ones((5, 2)) * 1.1
        h5["exchange/norm-0-stderr"] = np.ones((5, 2)) * 0.01
        h5["exchange/pixelSum"] = np.ones(image)
        h5["exchange/partition-mean-total"] = np.ones((1, 3))
        h5["xpcs/dqlist"] = [[0.001, 0.002]]
        h5["xpcs/sqlist"] = [[0.001, 0.0015, 0.002]]
        d = np.ones(dqmap, int)
        d[0, 0] = top_label
        h5["xpcs/dqmap"] = d
        h5["xpcs/sqmap"] = np.ones(dqmap, int)
        h5["measurement/instrument/detector/exposure_period"] = [[0.01]]
    return path


def test_legacy_layout_checks_the_same(tmp_path):
    assert xpcsviewer.open(_legacy(tmp_path / "ok.hdf")).qmap.shape == (6, 7)
    _refused(_legacy(tmp_path / "t.hdf", image=(7, 6)), "pixelSum is 7 x 6", "transposed")
    f = xpcsviewer.open(_legacy(tmp_path / "l.hdf", top_label=3))
    assert f.qmap.dynamic_roi_map[0, 0] == 0 and "(3)" in f.notes[0]


def test_average_names_the_file_with_other_bins():
    tau = np.array([1e-3, 2e-3, 4e-3])
    g = [np.ones((3, 4)), np.ones((3, 4)), np.ones((3, 5))]
    with pytest.raises(ValueError, match="c.hdf has 5 q bins but a.hdf has 4"):
        average_g2([tau] * 3, g, [x * 0.01 for x in g], intensities=[1.0] * 3,
                   names=["a.hdf", "b.hdf", "c.hdf"], backend="numpy")
