"""``xpcsviewer batch snapshot``: every tab of every file, as ``--snapshot`` renders them."""

from __future__ import annotations

import shutil
import struct

import pytest

from xpcsviewer.cli import main


@pytest.mark.slow
def test_batch_snapshot_renders_each_file_and_reports_bad_ones(qapp, data_dir, tmp_path, capsys):
    from xpcsviewer.gui.tabs import TABS

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(data_dir / "brownian_a_results.hdf", folder)
    (folder / "broken_results.hdf").write_bytes(b"not hdf5" * 100)
    out = tmp_path / "shots"
    # a laptop's window, as `xpcsviewer --snapshot --size` renders it
    assert main(["batch", "snapshot", str(folder), "--out", str(out), "--size", "1366x768"]) == 1
    for spec in TABS:
        assert (out / "brownian_a_results" / f"{spec.key}.png").stat().st_size > 10_000, spec.key
    header = (out / "brownian_a_results" / "g2.png").read_bytes()[16:24]  # PNG IHDR: w, h
    assert struct.unpack(">II", header) == (1366, 768)
    assert not (out / "broken_results").exists()
    err = capsys.readouterr().err
    assert "broken_results.hdf: skipped: not an HDF5 file" in err
    assert sorted(p.name for p in folder.iterdir()) == ["broken_results.hdf",
                                                        "brownian_a_results.hdf"]
