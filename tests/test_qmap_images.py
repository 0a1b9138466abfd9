"""Qmaps from detector images that are not result files: a TIFF/EDF mask and image, raw
frames, the beam-centre finder on a TIFF, and the qmap file's content hash recomputed from
the file by the scheme its docstring cites (pySimpleMask's)."""

from __future__ import annotations

import hashlib
import json

import fabio.edfimage
import fabio.tifimage
import h5py
import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.cli import main
from xpcsviewer.compute.center import find_beam_center
from xpcsviewer.io import read_qmap_file
from xpcsviewer.qmap_make import load_array

GRIDS = ["--dq", "12", "--dphi", "2", "--sq", "120", "--sphi", "2", "--backend", "numpy"]


@pytest.fixture(scope="module")
def brownian(data_dir):
    return xv.open(data_dir / "brownian_a_results.hdf")


def tif(path, data, dtype=np.float32):
    fabio.tifimage.TifImage(data=np.asarray(data).astype(dtype)).write(str(path))
    return path


def test_qmap_from_a_tiff_equals_the_one_from_the_result_file(data_dir, tmp_path, brownian):
    src = data_dir / "brownian_a_results.hdf"
    image = tif(tmp_path / "saxs.tif", brownian.saxs_2d)
    mask = tif(tmp_path / "mask.tif", brownian.qmap.mask, np.uint8)  # as pySimpleMask saves
    assert main(["qmap", "--image", str(src), *GRIDS, "--out", str(tmp_path / "a.hdf")]) == 0
    assert main(["qmap", "--image", str(image), "--geometry", str(src), "--mask", str(mask),
                 *GRIDS, "--out", str(tmp_path / "b.hdf")]) == 0
    a, ga, hash_a = read_qmap_file(tmp_path / "a.hdf")
    b, gb, hash_b = read_qmap_file(tmp_path / "b.hdf")
    assert ga == gb
    for name in ("mask", "dynamic_roi_map", "static_roi_map", "dynamic_index_mapping",
                 "static_index_mapping", "dynamic_q_list", "static_phi_list"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    with h5py.File(src, "r") as f:  # and both are the file's own (its grids are 12 x 1)
        np.testing.assert_array_equal(a.mask, f["xpcs/qmap/mask"][()] != 0)
    # Same content but another source file: the hash names the source, as pySimpleMask's.
    assert hash_a != hash_b


def test_qmap_from_raw_frames_with_a_frame_range(data_dir, tmp_path, brownian, capsys):
    rng = np.random.default_rng(3)
    frames = rng.poisson(brownian.saxs_2d * 30, size=(12, *brownian.saxs_2d.shape))
    with h5py.File(tmp_path / "raw.h5", "w") as f:
        f["entry/data/data"] = frames.astype(np.uint16)
    geometry = "energy=10,distance=4,pixel=75e-6,cx=57,cy=67"  # 3 px off the true centre
    rc = main(["qmap", "--image", str(tmp_path / "raw.h5"), "--frames", "2:10", "--geometry",
               geometry, "--find-center", *GRIDS, "--out", str(tmp_path / "q.hdf")])
    assert rc == 0, capsys.readouterr().err
    _, g, _ = read_qmap_file(tmp_path / "q.hdf")
    truth = json.loads((data_dir / "brownian_a_truth.json").read_text())["beam_center_xy"]
    assert abs(g.beam_center_x - truth[0]) < 0.5 and abs(g.beam_center_y - truth[1]) < 0.5
    with h5py.File(tmp_path / "q.hdf", "r") as f:
        assert f["qmap/source_file"][()].decode() == "raw.h5"
    for bad, words in ((["--frames", "5:5"], "frame range 5:5 is empty"),
                       (["--frames", "x"], "START:STOP"),
                       (["--frames", "0:99"], "outside the 12 frames")):
        rc = main(["qmap", "--image", str(tmp_path / "raw.h5"), *bad, "--geometry", geometry,
                   "--out", str(tmp_path / "r.hdf")])
        assert rc == 2 and words in capsys.readouterr().err
    rc = main(["qmap", "--image", str(tmp_path / "raw.h5"), "--out", str(tmp_path / "r.hdf")])
    assert rc == 2 and "give a geometry" in capsys.readouterr().err


def test_centre_found_on_a_tiff_is_the_result_file_s(data_dir, tmp_path, brownian):
    truth = json.loads((data_dir / "brownian_a_truth.json").read_text())["beam_center_xy"]
    start = (truth[0] + 4.3, truth[1] - 3.1)
    # float64 in the TIFF: the image read back is the SAXS-2D bit for bit, so is the centre
    path = tif(tmp_path / "saxs.tif", brownian.saxs_2d, np.float64)
    back = xv.read_image(path).image
    np.testing.assert_array_equal(back, brownian.saxs_2d)
    here = find_beam_center(back, brownian.qmap.mask, start)
    there = find_beam_center(brownian.saxs_2d, brownian.qmap.mask, start)
    assert (here.x, here.y) == (there.x, there.y)
    assert abs(here.x - truth[0]) < 0.5 and abs(here.y - truth[1]) < 0.5
    # float32, as detectors' TIFFs usually are: rounding moves it by far less than a pixel
    f32 = find_beam_center(xv.read_image(tif(tmp_path / "f32.tif", brownian.saxs_2d)).image,
                           brownian.qmap.mask, start)
    assert abs(f32.x - there.x) < 0.05 and abs(f32.y - there.y) < 0.05


def test_masks_import_from_tiff_and_edf(tmp_path, brownian):
    mask = np.asarray(brownian.qmap.mask)
    fabio.edfimage.EdfImage(data=mask.astype(np.uint8)).write(str(tmp_path / "m.edf"))
    for path in (tif(tmp_path / "m.tif", mask, np.uint8), tmp_path / "m.edf"):
        np.testing.assert_array_equal(load_array(path, "mask") != 0, mask)


def test_make_qmap_needs_a_geometry_for_a_plain_image(tmp_path, brownian):
    path = tif(tmp_path / "saxs.tif", brownian.saxs_2d)
    with pytest.raises(ValueError, match="a tiff image carries none"):
        xv.make_qmap(path)


def _pysimplemask_scheme(group: h5py.Group) -> str:
    """The hash as the qmap docstring describes pySimpleMask's ``hash_numpy_dict``, written
    from that description over what the file holds (not through our writer's code)."""
    h = hashlib.sha256()
    for name in sorted(group):
        value = group[name][()]
        h.update(name.encode())
        if name in ("map_names", "map_units"):
            h.update(json.dumps([v.decode() for v in value]).encode())
        elif name.endswith("_num_pts"):
            h.update(json.dumps([int(v) for v in value]).encode())
        elif name == "source_file":
            h.update(json.dumps(value.decode()).encode())
        elif np.ndim(value) == 0:
            h.update(json.dumps(float(value)).encode())
        else:
            h.update(np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<")).tobytes())
    return h.hexdigest()


def test_stored_hash_follows_the_cited_scheme(data_dir, tmp_path):
    made = xv.make_qmap(data_dir / "phi_c_results.hdf", dynamic=(18, 6), static=(90, 6),
                        out=tmp_path / "q.hdf", backend="numpy")
    with h5py.File(tmp_path / "q.hdf", "r") as f:
        assert f["qmap"].attrs["hash"] == made.hash == _pysimplemask_scheme(f["qmap"])
