"""``xpcsviewer qmap``: the headless qmap maker, dispatched on the first word, Qt-free."""

from __future__ import annotations

import h5py
import numpy as np

from xpcsviewer.cli import main
from xpcsviewer.io import read_qmap_file


def test_qmap_from_a_result_file_reproduces_its_partition(data_dir, tmp_path, capsys):
    src = data_dir / "phi_c_results.hdf"
    out = tmp_path / "q.hdf"
    rc = main(["qmap", "--image", str(src), "--dq", "18", "--dphi", "6", "--sq", "90",
               "--backend", "numpy", "--out", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "59 dynamic / 291 static rois" in text
    qm, _, _ = read_qmap_file(out)
    with h5py.File(src, "r") as f:
        np.testing.assert_array_equal(qm.dynamic_roi_map, f["xpcs/qmap/dynamic_roi_map"][()])
        np.testing.assert_array_equal(qm.static_roi_map, f["xpcs/qmap/static_roi_map"][()])
    assert main(["qmap", "--image", str(src), "--out", str(out)]) == 2  # exists: refused
    assert "exists" in capsys.readouterr().err


def test_typed_geometry_npy_image_and_find_center(data_dir, tmp_path, capsys):
    import xpcsviewer as xv

    f = xv.open(data_dir / "brownian_a_results.hdf")
    np.save(tmp_path / "img.npy", f.saxs_2d)
    np.save(tmp_path / "mask.npy", f.qmap.mask)
    geom = "energy=10,distance=4,pixel=75e-6,cx=57,cy=67"  # centre 3 px off: found again
    rc = main(["qmap", "--image", str(tmp_path / "img.npy"), "--geometry", geom, "--mask",
               str(tmp_path / "mask.npy"), "--find-center", "--dq", "12", "--sq", "120",
               "--backend", "numpy", "--out", str(tmp_path / "q.hdf")])
    assert rc == 0
    _, g, _ = read_qmap_file(tmp_path / "q.hdf")
    assert abs(g.beam_center_x - 53.76) < 0.5 and abs(g.beam_center_y - 70.4) < 0.5
    assert "beam centre" in capsys.readouterr().out


def test_bad_geometry_is_exit_2(tmp_path, capsys):
    np.save(tmp_path / "img.npy", np.ones((8, 8)))
    rc = main(["qmap", "--image", str(tmp_path / "img.npy"), "--geometry", "energy=10",
               "--out", str(tmp_path / "q.hdf")])
    assert rc == 2 and "missing" in capsys.readouterr().err


def test_mask_command_refuses_a_missing_file(tmp_path, capsys):
    assert main(["mask", str(tmp_path / "nope.hdf")]) == 2
    assert "is not a file" in capsys.readouterr().err


def test_qmap_and_mask_parsing_do_not_import_qt():
    import subprocess
    import sys

    code = ("import sys; from xpcsviewer.cli import main; "
            "rc = main(['mask', '/no/such/file.hdf']); "
            "assert rc == 2 and 'PySide6' not in sys.modules, sys.modules.keys()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
