"""Issue 11 §3: one bad dataset does not blank the other tabs or the other files.

A file whose sample name is compressed with a filter that is not installed: its metadata
reads field by field (sample empty, a note why), so the Metadata and Average tabs (their
Qt-free controllers) still show it and the good file beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py

import xpcsviewer as xv

DATA = Path(__file__).parent / "data"
NAME = "/entry/sample/name"


def bad_sample_name(path: Path) -> Path:
    """Sample name stored gzip-compressed, then deflate's id patched to unknown 32123."""
    shutil.copyfile(DATA / "brownian_a_results.hdf", path)
    with h5py.File(path, "a") as h5:
        del h5[NAME]
        h5.create_dataset(NAME, data=[b"brownian_a"], chunks=(1,), compression="gzip")
    raw = bytearray(path.read_bytes())
    at = raw.find(b"deflate\x00")
    raw[at - 8 : at - 6] = (32123).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    return path


class Token:
    cancelled = False

    def raise_if_cancelled(self) -> None:
        pass


def test_metadata_and_average_tabs_still_show_both_files(tmp_path):
    from xpcsviewer.gui.tabs.average.controller import AverageController
    from xpcsviewer.gui.tabs.metadata.controller import MetadataController

    bad = bad_sample_name(tmp_path / "bad.hdf")
    good = shutil.copyfile(DATA / "brownian_a_results.hdf", tmp_path / "good.hdf")
    f = xv.open(bad)
    assert f.metadata.sample_name == "" and f.metadata.energy_kev == 10.0
    assert any(NAME in n and "filter deflate (id 32123)" in n for n in f.notes), f.notes

    shown = MetadataController().prepare([bad], Token(), None)
    summary = dict(shown.summary)
    assert "error" not in summary and summary["frame_time_s"] == "0.001"

    files = [xv.open(good), f]
    data = AverageController().prepare(files, Token(), None)
    assert [r.name for r in data.rows] == ["good.hdf", "bad.hdf"]
    assert [r.sample for r in data.rows] == ["brownian_a", ""]
    rows = {r.name: r.sample_name for r in xv.scan(tmp_path)}
    assert rows == {"bad.hdf": "", "good.hdf": "brownian_a"}
