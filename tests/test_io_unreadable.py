"""Issue 11 §3 (and issue 10 §6): one unreadable file never hides the others.

Files without permission, files that vanish between listing and reading, folders and broken
links with a result name, pipes: rows with an error in ``scan``, an ``XpcsFormatError`` from
``open``, never a raw ``OSError``. ``scan``'s verdict is ``open``'s, file by file. A file this
process already holds open with h5py (a notebook) opens.
"""

from __future__ import annotations

import errno
import os
import shutil
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer as xv
import xpcsviewer.io as xio

DATA = Path(__file__).parent / "data"
REAL = DATA / "brownian_a_results.hdf"


def copy(dst: Path, src: Path = REAL) -> Path:
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture
def denied(monkeypatch):
    """Paths whose HDF5 open fails as it does without read permission (errno EACCES).

    The tests run as root, for whom chmod 000 denies nothing, so h5py's open is made to fail
    exactly as it does for another user: an OSError subclass with errno 13."""
    paths: set[str] = set()
    real = h5py.File

    def fake(name, *args, **kwargs):
        if os.path.realpath(name) in paths:
            raise PermissionError(errno.EACCES, "Unable to synchronously open file "
                                  "(unable to open file: errno = 13, error message = "
                                  "'Permission denied')")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(h5py, "File", fake)
    return lambda p: paths.add(os.path.realpath(p))


def test_permission_denied_is_a_row(tmp_path, denied):
    copy(tmp_path / "a_good.hdf")
    denied(copy(tmp_path / "b_locked.hdf"))
    copy(tmp_path / "c_good.hdf")
    rows = xv.scan(tmp_path)
    assert [r.name for r in rows] == ["a_good.hdf", "b_locked.hdf", "c_good.hdf"]
    assert rows[0].error == rows[2].error == "" and rows[2].n_bins == 12
    assert rows[1].error.startswith("permission denied")
    with pytest.raises(xio.XpcsFormatError, match="b_locked.hdf: permission denied"):
        xv.open(tmp_path / "b_locked.hdf")


def test_permission_denied_on_the_signature_read_too(tmp_path, monkeypatch):
    """The old code re-opened the file to read its signature and raised that PermissionError."""
    path = copy(tmp_path / "x.hdf")

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, "Unable to synchronously open file (I/O error)")

    real_open = open

    def no_read(name, *args, **kwargs):
        if Path(name) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(h5py, "File", fail)
    monkeypatch.setattr("builtins.open", no_read)
    (row,) = xio.scan(tmp_path)
    assert row.error.startswith("permission denied")


def test_vanished_folder_link_and_pipe_are_rows(tmp_path, monkeypatch):
    copy(tmp_path / "good.hdf")
    (tmp_path / "folder.hdf").mkdir()
    (tmp_path / "broken.h5").symlink_to(tmp_path / "nowhere.h5")
    os.mkfifo(tmp_path / "pipe.nxs")  # opening it would block the listing forever
    gone = copy(tmp_path / "gone.hdf")
    real = h5py.File

    def vanish(name, *args, **kwargs):  # deleted by someone between listing and reading
        if Path(name) == gone and gone.exists():
            gone.unlink()
        return real(name, *args, **kwargs)

    monkeypatch.setattr(h5py, "File", vanish)
    rows = {r.name: r.error for r in xv.scan(tmp_path)}
    assert rows == {
        "good.hdf": "",
        "folder.hdf": "a folder, not a file",
        "broken.h5": f"broken symbolic link (to {tmp_path / 'nowhere.h5'}, which does not exist)",
        "pipe.nxs": "not a regular file (a pipe, socket or device); not opened",
        "gone.hdf": "the file vanished before it could be read",
    }


def _filtered_g2(path: Path) -> Path:
    """g2 compressed with a filter that is not installed (deflate's id patched to 32123)."""
    key = "/xpcs/multitau/normalized_g2"
    with h5py.File(path, "a") as h5:
        g2 = h5[key][()]
        del h5[key]
        h5.create_dataset(key, data=g2, chunks=g2.shape, compression="gzip")
    raw = bytearray(path.read_bytes())
    at = raw.find(b"deflate\x00")
    raw[at - 8 : at - 6] = (32123).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    return path


def test_scan_verdict_is_open_verdict(tmp_path, denied):
    copy(tmp_path / "good.hdf")
    copy(tmp_path / "aging.hdf", DATA / "aging_b_results.hdf")
    copy(tmp_path / "twotime_only.hdf", DATA / "dstep_c_results.hdf")
    no_ft = copy(tmp_path / "no_frame_time.hdf")
    with h5py.File(no_ft, "a") as h5:
        del h5["/entry/instrument/detector_1/frame_time"]
    _filtered_g2(copy(tmp_path / "filtered_g2.hdf"))
    half = copy(tmp_path / "truncated.hdf")
    half.write_bytes(half.read_bytes()[:100_000])
    (tmp_path / "notes.h5").write_text("not HDF5")
    (tmp_path / "dir.hdf").mkdir()
    denied(copy(tmp_path / "locked.hdf"))
    rows = xv.scan(tmp_path)
    assert len(rows) == 9
    for row in rows:
        try:
            xv.open(row.path)
        except xio.XpcsFormatError as exc:
            assert row.error == exc.problem, row
        else:
            assert row.error == "", row
    verdict = {r.name: r.error == "" for r in rows}
    assert verdict["good.hdf"] and verdict["aging.hdf"] and not verdict["no_frame_time.hdf"]
    assert not verdict["filtered_g2.hdf"] and not verdict["locked.hdf"]


def test_no_raw_oserror_from_a_missing_filter(tmp_path):
    path = _filtered_g2(copy(tmp_path / "f.hdf"))
    with pytest.raises(xio.XpcsFormatError, match="filter deflate .id 32123.*not installed"):
        xv.open(path)


@pytest.mark.parametrize("mode,locking", [("r", None), ("r", True), ("r", False), ("a", None)])
def test_file_already_open_in_this_process(tmp_path, mode, locking):
    """A notebook holds the file with h5py (any locking flags, even for writing): xv.open
    reads it, and the notebook's handle still works afterwards."""
    path = copy(tmp_path / "held.hdf")
    with h5py.File(path, mode, locking=locking) as held:
        f = xv.open(path)
        np.testing.assert_array_equal(f.g2, xv.open(REAL).g2)
        assert f.saxs_2d.shape == (128, 128) and f.metadata.sample_name == "brownian_a"
        assert xv.scan(tmp_path)[0].error == ""
        assert held["/xpcs/multitau/normalized_g2"].shape == (48, 12)


def test_damaged_bytes_give_only_format_errors(tmp_path):
    """Seeded damage (truncations, bytes overwritten in the header region and anywhere):
    open with every lazy part, scan and read_tree raise XpcsFormatError or nothing."""
    real = (DATA / "aging_b_results.hdf").read_bytes()
    rng = np.random.default_rng(11)
    path = tmp_path / "damaged.hdf"
    for case in range(24):
        raw = bytearray(real)
        if case % 3 == 0:
            raw = raw[: int(rng.integers(100, len(raw)))]
        else:
            span = 200_000 if case % 2 else len(raw)
            for at in rng.integers(0, span, size=int(rng.integers(1, 20))):
                raw[int(at)] = int(rng.integers(0, 256))
        path.write_bytes(bytes(raw))
        try:
            f = xv.open(path)
            _ = (f.metadata, f.saxs_2d, f.qmap, f.intensity_t, f.saxs_1d_segments)
            with warnings.catch_warnings():
                # damaged numbers may warn in arithmetic (a C2 of garbage floats cast to
                # float64); this test is about exceptions
                warnings.simplefilter("ignore", RuntimeWarning)
                _ = [f.c2(c) for c in f.c2_bins]
        except xio.XpcsFormatError:
            pass
        try:
            xio.read_tree(path)
        except xio.XpcsFormatError:
            pass
        (row,) = xv.scan(tmp_path)
        assert row.name == "damaged.hdf"


def test_links_to_files_of_the_folder_that_are_not_hdf5(tmp_path):
    (tmp_path / "notes.txt").write_text("not HDF5")
    os.mkfifo(tmp_path / "pipe")  # would block an open
    path = copy(tmp_path / "links.hdf")
    key = "/xpcs/temporal_mean/scattering_2d"
    for target, words in (("notes.txt", "links to notes.txt: not an HDF5 file"),
                          ("pipe", "links to pipe, which is not a regular file")):
        with h5py.File(path, "a") as h5:
            del h5[key]
            h5[key] = h5py.ExternalLink(target, "/img")
        with pytest.raises(xio.XpcsFormatError) as info:
            xv.open(path)
        assert key in info.value.problem and words in info.value.problem, info.value.problem
