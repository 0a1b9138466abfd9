"""``xpcsviewer qmap``: the headless qmap maker, dispatched on the first word, Qt-free."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--dq", "0"], "argument --dq: must be a whole number >= 1, got 0"),
        (["--dq", "-3"], "argument --dq: must be a whole number >= 1, got -3"),
        (["--dphi", "0"], "argument --dphi: must be a whole number >= 1, got 0"),
        (["--sq", "0"], "argument --sq: must be a whole number >= 1, got 0"),
        (["--fold", "0"], "argument --fold: must be a whole number >= 1, got 0"),
        (["--q-range", "5,1"], "argument --q-range: must be LO,HI with 0 <= LO < HI (1/A), "
                               "got '5,1'"),
        (["--frames", "3"], "argument --frames: a frame range is START:STOP"),
        (["--geometry", "energy=10"], "argument --geometry: missing distance"),
        (["--geometry", "nope.poni"], "argument --geometry: no such file: nope.poni"),
        (["--phi-offset", "nan"], "argument --phi-offset: must be a finite number, got 'nan'"),
    ],
)
def test_bad_option_values_name_the_option_and_exit_2(args, said, data_dir, tmp_path, capsys):
    assert main(["qmap", "--image", str(data_dir / "phi_c_results.hdf"), *args,
                 "--out", str(tmp_path / "q.h5")]) == 2
    assert said in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def _qmap(data_dir, out, *more):
    return main(["qmap", "--image", str(data_dir / "phi_c_results.hdf"), "--dq", "18",
                 "--backend", "numpy", "--out", str(out), *more])


def test_out_messages_name_the_option(data_dir, tmp_path, capsys):
    out = tmp_path / "q1.h5"
    assert _qmap(data_dir, out) == 0
    capsys.readouterr()
    assert _qmap(data_dir, out) == 2
    assert f"--out {out} exists; pass --overwrite to replace it" in capsys.readouterr().err
    assert _qmap(data_dir, out, "--overwrite") == 0
    # an HDF5 file named .txt is refused (the readers take .hdf, .h5, .hdf5, .nxs)
    assert _qmap(data_dir, tmp_path / "z.txt") == 2
    assert f"--out {tmp_path / 'z.txt'}: the qmap file (HDF5) must end in .hdf, .h5" in \
        capsys.readouterr().err
    assert not (tmp_path / "z.txt").exists()


def test_an_unwritable_out_says_why_without_the_temporary_name(data_dir, capsys):
    # /proc takes no new files: refused before the work (no permission) or when writing
    # (as root: "No such file or directory"); never the hidden temporary file's name
    assert _qmap(data_dir, "/proc/q.h5") == 2
    err = capsys.readouterr().err
    assert "cannot write --out /proc/q.h5: " in err and ".tmp" not in err


def test_an_unreadable_image_is_named_once(data_dir, tmp_path, capsys):
    bad = tmp_path / "trunc_results.hdf"
    bad.write_bytes((data_dir / "brownian_a_results.hdf").read_bytes()[:20000])
    assert main(["qmap", "--image", str(bad), "--out", str(tmp_path / "q.h5")]) == 2
    err = capsys.readouterr().err
    assert err.count("trunc_results.hdf") == 1 and "truncated" in err


def test_an_image_without_geometry_asks_for_the_option(tmp_path, capsys):
    np.save(tmp_path / "img.npy", np.ones((8, 8)))
    assert main(["qmap", "--image", str(tmp_path / "img.npy"), "--out",
                 str(tmp_path / "q.h5")]) == 2
    assert "carries no geometry: give --geometry" in capsys.readouterr().err
