"""read_tree: the whole HDF5 tree, values of small datasets, big ones described and not loaded,
external links followed only inside the file's folder, and the file never written."""

from __future__ import annotations

import hashlib

import h5py
import numpy as np
import pytest

from xpcsviewer.io import XpcsFormatError, read_tree


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_tree_of_a_real_file(data_dir):
    path = data_dir / "aging_b_results.hdf"
    before = _digest(path)
    root = read_tree(path)
    assert (root.name, root.path, root.kind) == ("aging_b_results.hdf", "/", "group")
    c2 = root.child("xpcs", "twotime", "correlation_map", "c2_00001")
    assert c2.path == "/xpcs/twotime/correlation_map/c2_00001"
    assert (c2.kind, c2.shape, c2.dtype) == ("dataset", (1000, 1000), "float32")
    assert not c2.loaded and c2.value is None and c2.note == "not loaded (1,000,000 values)"
    energy = root.child("entry", "instrument", "incident_beam", "incident_energy")
    assert energy.shape == () and energy.loaded and energy.value == 10.0
    assert isinstance(energy.value, float)  # a Python number, not a numpy scalar
    stride = root.child("xpcs", "multitau", "config", "stride_frame")
    assert stride.value == 1 and isinstance(stride.value, int)
    assert root.child("xpcs", "multitau", "config", "analysis_type").value == "multitau"
    assert list(root.child("xpcs", "twotime", "config", "dq_selection").value) == [4, 5, 6, 7, 8]
    q = root.child("xpcs", "qmap", "dynamic_v_list_dim0")
    assert q.attrs == {"name": "q", "unit": "1/A"}
    with h5py.File(path, "r") as h5:
        np.testing.assert_array_equal(q.value, h5["/xpcs/qmap/dynamic_v_list_dim0"][()])
        names = set()
        h5.visit(lambda name: names.add("/" + name))
    assert {n.path for n in root.walk()} - {"/"} == names  # every object, nothing invented
    assert _digest(path) == before


def test_max_inline_decides_what_is_read(data_dir):
    root = read_tree(data_dir / "brownian_a_results.hdf", max_inline=0)
    energy = root.child("entry", "instrument", "incident_beam", "incident_energy")
    assert not energy.loaded and energy.note == "not loaded (1 value)"
    mask = read_tree(data_dir / "brownian_a_results.hdf", max_inline=128 * 128).child(
        "xpcs", "qmap", "mask")
    assert mask.loaded and mask.value.shape == (128, 128)


def test_external_links_only_inside_the_folder(tmp_path):
    folder, outside = tmp_path / "run", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    with h5py.File(folder / "meta.h5", "w") as h5:
        h5["/detector/distance"] = 4.0
    with h5py.File(outside / "secret.h5", "w") as h5:
        h5["/value"] = 1.0
    main = folder / "main.h5"
    with h5py.File(main, "w") as h5:
        h5["/entry/local"] = h5py.ExternalLink("meta.h5", "/detector")
        h5["/entry/far"] = h5py.ExternalLink("../elsewhere/secret.h5", "/value")
        h5["/entry/gone"] = h5py.ExternalLink("missing.h5", "/x")
        h5["/entry/alias"] = h5py.SoftLink("/entry/local")
        h5["/group/a"] = np.arange(3)
        h5["/group/loop"] = h5["/group"]  # a hard link back to its parent: a cycle
    root = read_tree(main)
    local = root.child("entry", "local")
    assert local.kind == "group" and "external link -> meta.h5:/detector" in local.note
    assert local.child("distance").value == 4.0
    far = root.child("entry", "far")
    assert far.kind == "link" and "outside the file's folder" in far.note and far.value is None
    assert "missing file missing.h5" in root.child("entry", "gone").note
    assert root.child("entry", "alias").note == "soft link -> /entry/local"
    loop = root.child("group", "loop")
    assert loop.kind == "link" and "shown above" in loop.note and not loop.children


def test_not_hdf5_is_a_format_error(tmp_path):
    bad = tmp_path / "notes.hdf"
    bad.write_text("not a file of results")
    with pytest.raises(XpcsFormatError, match="not an HDF5 file"):
        read_tree(bad)
