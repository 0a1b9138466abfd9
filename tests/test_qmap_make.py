"""Headless qmap making: reproduces the shipped files' /xpcs/qmap, writes and reads the qmap file."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.compute import compute_qmap, make_partition
from xpcsviewer.io import Geometry, XpcsFormatError, parse_geometry, read_poni, read_qmap_file

FILES = ["brownian_a", "aging_b", "phi_c", "dstep_c"]


def _stored(path):
    with h5py.File(path, "r") as f:
        return {k: v[()] for k, v in f["xpcs/qmap"].items()}


@pytest.mark.parametrize("name", FILES)
def test_make_qmap_reproduces_the_stored_partition_and_reads_back(data_dir, tmp_path, name):
    path = data_dir / f"{name}_results.hdf"
    st = _stored(path)
    out = tmp_path / f"{name}_qmap.hdf"
    made = xv.make_qmap(path, dynamic=tuple(st["dynamic_num_pts"]),
                        static=tuple(st["static_num_pts"]), out=out, backend="numpy")
    qm, geom, digest = read_qmap_file(out)
    assert digest == made.hash and len(digest) == 64
    assert geom == Geometry(st["energy"], st["detector_distance"], st["pixel_size"],
                            st["beam_center_x"], st["beam_center_y"])
    for kind in ("dynamic", "static"):
        stored = st[f"{kind}_roi_map"]
        np.testing.assert_array_equal(getattr(qm, f"{kind}_roi_map"), stored)
        np.testing.assert_array_equal(getattr(made.qmap, f"{kind}_roi_map"), stored)
        np.testing.assert_array_equal(getattr(qm, f"{kind}_index_mapping"),
                                      st[f"{kind}_index_mapping"])
        np.testing.assert_allclose(getattr(qm, f"{kind}_q_list"), st[f"{kind}_v_list_dim0"],
                                   rtol=1e-9)
        np.testing.assert_allclose(getattr(qm, f"{kind}_phi_list"), st[f"{kind}_v_list_dim1"],
                                   atol=1e-9)
        # Compact: labels 1..K all used, K = number of listed bins.
        labels = np.unique(stored[stored > 0])
        np.testing.assert_array_equal(labels, np.arange(1, st[f"{kind}_index_mapping"].size + 1))
    np.testing.assert_array_equal(qm.mask, st["mask"] != 0)
    with h5py.File(out, "r") as f:  # the layout boost_corr reads
        g = f["qmap"]
        assert g["dynamic_roi_map"].dtype == np.uint32 and g["mask"].dtype == np.int32
        assert list(g["map_names"][()]) == [b"q", b"phi"]
        assert list(g["map_units"][()]) == [b"1/A", b"deg"]
        assert g["source_file"][()].decode() == path.name
        assert g.attrs["hash"] == digest


def test_hash_is_a_content_hash(data_dir, tmp_path):
    path = data_dir / "brownian_a_results.hdf"
    a = xv.make_qmap(path, dynamic=(12, 1), static=(120, 1), out=tmp_path / "a.hdf")
    b = xv.make_qmap(path, dynamic=(12, 1), static=(120, 1), out=tmp_path / "b.hdf")
    c = xv.make_qmap(path, dynamic=(11, 1), static=(120, 1), out=tmp_path / "c.hdf")
    assert a.hash == b.hash != c.hash
    with pytest.raises(FileExistsError):
        xv.make_qmap(path, out=tmp_path / "a.hdf")


def test_phi_c_uses_the_full_circle_and_valid_span_is_pysimplemask_s(data_dir):
    st = _stored(data_dir / "phi_c_results.hdf")
    geom = (st["energy"], st["detector_distance"], st["pixel_size"], st["beam_center_x"],
            st["beam_center_y"], st["mask"].shape)
    qm = compute_qmap(*geom, backend="numpy")
    valid = st["mask"] != 0
    lo, hi = qm.phi[valid].min(), qm.phi[valid].max()
    assert -180 < lo < -175 and 175 < hi < 180  # the valid pixels do not reach ±180°
    full = make_partition(qm.q, qm.phi, st["mask"], 18, 6, backend="numpy")
    span = make_partition(qm.q, qm.phi, st["mask"], 18, 6, phi_span="valid", backend="numpy")
    # The stored map is the full-circle one; the valid-span one bins φ differently.
    np.testing.assert_array_equal(full.roi_map, st["dynamic_roi_map"])
    assert (span.roi_map != st["dynamic_roi_map"]).any()
    np.testing.assert_allclose(span.phi_edges, np.linspace(lo, hi, 7), atol=1e-9)
    cell = span.index_mapping[span.roi_map[valid] - 1]
    want = np.clip(np.floor((qm.phi[valid] - lo) / (hi - lo) * 6), 0, 5)
    np.testing.assert_array_equal(cell % 6, want)


def test_valid_span_parity_with_fold_and_offset():
    def run(b):
        qm = compute_qmap(10.0, 4.0, 75e-6, 10.3, 70.7, (80, 90), backend=b)
        return make_partition(qm.q, qm.phi, np.ones((80, 90)), 5, 3, phi_offset=20.0,
                              symmetry_fold=2, phi_span="valid", backend=b)

    pj, pn = run("jax"), run("numpy")
    np.testing.assert_array_equal(np.asarray(pj.roi_map), pn.roi_map)
    np.testing.assert_allclose(np.asarray(pj.phi_edges), pn.phi_edges, rtol=1e-12)
    assert pn.phi_edges[0] >= 20.0 - 90.0 and pn.phi_edges[-1] <= 20.0 + 90.0
    with pytest.raises(ValueError, match="phi_span"):
        make_partition(np.ones((4, 4)), np.zeros((4, 4)), np.ones((4, 4)), 2, phi_span="x")


def test_poni_v2_and_v1_and_what_is_ignored(tmp_path):
    v2 = tmp_path / "cal.poni"
    v2.write_text(
        "# Nota: C-Order, 1 refers to the Y axis, 2 to the X axis\n"
        "poni_version: 2\n"
        'Detector: Detector\nDetector_config: {"pixel1": 7.5e-05, "pixel2": 7.5e-05, '
        '"max_shape": [192, 192]}\n'
        "Distance: 5.0\nPoni1: 0.0112875\nPoni2: 0.0030375\n"
        "Rot1: 0.0\nRot2: 0.01\nRot3: 0\nWavelength: 1.239841984e-10\n"
    )
    g = read_poni(v2)
    assert g.energy_kev == pytest.approx(10.0, rel=1e-12)
    assert (g.beam_center_x, g.beam_center_y) == pytest.approx((40.0, 150.0), abs=1e-9)
    assert g.distance_m == 5.0 and g.pixel_size_m == 7.5e-5
    assert len(g.ignored) == 1 and g.ignored[0].startswith("rot2")
    v1 = tmp_path / "old.poni"
    v1.write_text("PixelSize1: 5.5e-05\nPixelSize2: 5.5e-05\nDistance: 2\nPoni1: 0.0055\n"
                  "Poni2: 0.011\nWavelength: 1e-10\n")
    g1 = read_poni(v1)
    assert (g1.beam_center_x, g1.beam_center_y) == pytest.approx((199.5, 99.5))
    assert g1.ignored == ()
    bad = tmp_path / "bad.poni"
    bad.write_text("PixelSize1: 5.5e-05\nPixelSize2: 6e-05\nDistance: 2\nWavelength: 1e-10\n")
    with pytest.raises(XpcsFormatError, match="square"):
        read_poni(bad)


def test_typed_geometry_and_errors(tmp_path):
    g = parse_geometry("energy=10, distance=5, pixel=75e-6, cx=40, cy=150")
    assert g == Geometry(10.0, 5.0, 75e-6, 40.0, 150.0)
    with pytest.raises(ValueError, match="missing cy"):
        parse_geometry("energy=10,distance=5,pixel=75e-6,cx=40")
    with pytest.raises(ValueError, match="positive"):
        Geometry(10.0, -5.0, 75e-6, 1.0, 1.0)
    with pytest.raises(XpcsFormatError, match="not a qmap file"):
        with h5py.File(tmp_path / "x.h5", "w") as f:
            f["a"] = 1
        read_qmap_file(tmp_path / "x.h5")


def test_typed_geometry_image_and_npy_mask(tmp_path):
    image = np.ones((60, 50))
    mask = np.ones((60, 50), bool)
    mask[:5] = False
    np.save(tmp_path / "mask.npy", mask)
    made = xv.make_qmap(image, Geometry(10.0, 4.0, 75e-6, 20.0, 30.0),
                        mask=tmp_path / "mask.npy", dynamic=(4, 2), static=(8, 2),
                        backend="numpy")
    roi = made.qmap.dynamic_roi_map
    assert (roi[:5] == 0).all() and (roi[5:] > 0).all()
    assert made.path is None and made.hash == ""
