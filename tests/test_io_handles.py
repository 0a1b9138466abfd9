"""Issue 16: many open files hold no HDF5 handle; what is learnt about a file is remembered only
while the file is unchanged, and within a bound."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
from h5py import h5f

import xpcsviewer.io as xio
from xpcsviewer.io import _facts
from xpcsviewer.io._h5 import Source

SAXS = "/xpcs/temporal_mean/scattering_2d"


def _open_hdf5_files() -> int:
    return h5f.get_obj_count(h5f.OBJ_ALL, h5f.OBJ_FILE)


def _open_descriptors() -> int | None:
    fds = Path("/proc/self/fd")
    return len(list(fds.iterdir())) if fds.is_dir() else None


@pytest.fixture(autouse=True)
def _fresh_facts():
    _facts.forget()
    yield
    _facts.forget()


def test_holding_many_open_files_holds_no_hdf5_handle(tmp_path, data_dir):
    """64 files open at once (more than any handle pool would keep), each read (g2, SAXS-2D,
    a C2 map on some): no HDF5 file and no descriptor stays open in the process, and every
    file still reads the real values."""
    src = tmp_path / "src.hdf"
    shutil.copyfile(data_dir / "aging_b_results.hdf", src)
    paths = []
    for i in range(64):
        paths.append(tmp_path / f"run_{i:03d}.hdf")
        os.link(src, paths[-1])
    files_before, fds_before = _open_hdf5_files(), _open_descriptors()
    with h5py.File(src, "r") as h5:
        g2 = h5["/xpcs/multitau/normalized_g2"][()]
        c2 = h5["/xpcs/twotime/correlation_map/c2_00001"][()]
        saxs_shape = h5[SAXS].shape[-2:]
    held = [xio.open_file(p, cache_mb=1) for p in paths]  # big arrays read, not kept
    for k, f in enumerate(held):
        np.testing.assert_array_equal(f.g2, g2)
        assert f.saxs_2d.shape == saxs_shape
        if k % 16 == 0:
            m = f.c2(f.c2_bins[0]).matrix
            np.testing.assert_array_equal(np.triu(m), c2)
        assert _open_hdf5_files() == files_before, f"a handle stayed open after {k + 1} files"
    assert _open_descriptors() == fds_before
    for f in held:
        f.close()


def _count_link_scans(monkeypatch) -> list[int]:
    calls: list[int] = []
    scan = Source._has_links

    def counted(self):
        calls.append(1)
        return scan(self)

    monkeypatch.setattr(Source, "_has_links", counted)
    return calls


def test_a_file_just_written_is_looked_at_on_every_open(tmp_path, data_dir, monkeypatch):
    path = tmp_path / "fresh.hdf"
    shutil.copyfile(data_dir / "brownian_a_results.hdf", path)
    calls = _count_link_scans(monkeypatch)
    for _ in range(3):
        Source(path).close()
    assert len(calls) == 3 and _facts.remembered() == 0


def test_a_settled_file_is_remembered_until_it_changes(tmp_path, data_dir, monkeypatch):
    """The links verdict of an unchanged file is reused; after the file is rewritten (here an
    external link out of the folder replaces SAXS-2D) it is looked at again and refused."""
    path = tmp_path / "data" / "run.hdf"
    path.parent.mkdir()
    shutil.copyfile(data_dir / "brownian_a_results.hdf", path)
    monkeypatch.setattr(_facts, "SETTLED_S", -1.0)  # as if it was written long ago
    calls = _count_link_scans(monkeypatch)
    f = xio.open_file(path)
    assert f.saxs_2d.shape == (128, 128)
    scans = len(calls)
    assert scans == 1 and _facts.remembered() == 1
    f.close()
    assert f.saxs_2d.shape == (128, 128) and len(calls) == scans  # read again, not re-scanned

    with h5py.File(path, "a") as h5:
        del h5[SAXS]
        h5[SAXS] = h5py.ExternalLink("../outside/secret.h5", "/img")
    st = os.stat(path)  # a later change within one clock tick: mtime made to differ for sure
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    f.close()
    with pytest.raises(xio.XpcsFormatError, match="outside the file's folder"):
        _ = f.saxs_2d
    assert len(calls) == scans + 1


def test_remembered_facts_stay_within_their_bound(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr(_facts, "SETTLED_S", -1.0)
    monkeypatch.setattr(_facts, "MAX_FILES", 4)
    for i in range(10):
        path = tmp_path / f"run_{i}.hdf"
        shutil.copyfile(data_dir / "brownian_a_results.hdf", path)
        Source(path).close()
        assert _facts.remembered() == min(i + 1, 4)
