"""Issue 11 §1: bytes only from HDF5 files of the opened file's folder, however HDF5 reaches them.

Each case is built from a real file. Its outside target is a named pipe that records whether
anything opened it: the test first proves that plain h5py *would* read it (the trip wire
fires), then that the reader, ``scan`` and ``read_tree`` refuse it with a message naming the
key and the target while the folder stays listed and the rest of the file readable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio

REAL = Path(__file__).parent / "data" / "brownian_a_results.hdf"
SAXS = "/xpcs/temporal_mean/scattering_2d"
NAME = "/entry/sample/name"


WATCH = """
import os, sys, time
fifo, log, stop = sys.argv[1:]
while not os.path.exists(stop):
    try:  # ENXIO until some reader has the pipe open
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        time.sleep(0.002)
        continue
    with open(log, "a") as fh:
        fh.write("opened\\n")
    try:
        os.write(fd, b"SECRET" * 64)
    except OSError:
        pass
    os.close(fd)
"""


class TripWire:
    """A FIFO and a watcher process: a reader's open() blocks until the watcher opens the write
    end, which it logs. (A process, not a thread: h5py holds the GIL while HDF5 blocks.)"""

    def __init__(self, path: Path) -> None:
        self.path, self.log, self.stop = path, path.with_suffix(".log"), path.with_suffix(".stop")
        os.mkfifo(path)
        self._proc: subprocess.Popen | None = None
        self.arm()

    def arm(self) -> None:
        """(Re)start watching with an empty log."""
        self.disarm()
        self.log.unlink(missing_ok=True)
        self.stop.unlink(missing_ok=True)
        self._proc = subprocess.Popen([sys.executable, "-c", WATCH, str(self.path),
                                       str(self.log), str(self.stop)])

    def disarm(self) -> None:
        """Stop watching; every open that happened so far is in the log once this returns."""
        if self._proc is not None:
            self.stop.touch()
            self._proc.wait(timeout=60)
            self._proc = None

    def fired(self) -> bool:
        self.disarm()
        return self.log.exists()


@pytest.fixture
def folder(tmp_path):
    """(data folder with one good real file, trip wire outside it)."""
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "outside").mkdir()
    shutil.copyfile(REAL, data / "good.hdf")
    wire = TripWire(tmp_path / "outside" / "secret")
    yield data, wire
    wire.disarm()


def copy_with(data: Path, name: str, fn) -> Path:
    path = data / name
    shutil.copyfile(REAL, path)
    with h5py.File(path, "a") as h5:
        fn(h5)
    return path


def _raw_storage(wire):
    def fn(h5):
        del h5[NAME]
        h5.create_dataset(NAME, shape=(1,), dtype="S32", external=[(str(wire.path), 0, 32)])

    return fn, NAME, "raw bytes in the external file"


def _vds(wire):
    def fn(h5):
        del h5[SAXS]
        layout = h5py.VirtualLayout((1, 128, 128), np.float32)
        layout[:] = h5py.VirtualSource(str(wire.path), "img", (1, 128, 128))
        h5.create_virtual_dataset(SAXS, layout)

    return fn, SAXS, "virtual dataset (VDS)"


def _soft_through_external(wire):
    def fn(h5):
        h5["/entry/elsewhere"] = h5py.ExternalLink(f"../outside/{wire.path.name}", "/")
        del h5[NAME]
        h5[NAME] = h5py.SoftLink("/entry/elsewhere/name")

    return fn, NAME, "outside the file's folder"


def _relay(wire):
    def fn(h5):
        relay = Path(h5.filename).with_name("relay.h5")
        with h5py.File(relay, "w") as r:
            r["name"] = h5py.ExternalLink(f"../outside/{wire.path.name}", "/name")
        del h5[NAME]
        h5[NAME] = h5py.ExternalLink("relay.h5", "/name")

    return fn, NAME, "a link inside relay.h5"


CASES = [_raw_storage, _vds, _soft_through_external, _relay]


def _plain_h5py_reads(path: Path, key: str) -> None:
    with h5py.File(path, "r", locking=False) as h5:
        try:
            h5[key][()]
        except (OSError, KeyError, RuntimeError, ValueError):
            pass  # garbage from the pipe; what matters is that it was opened


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.strip("_"))
def test_outside_bytes_refused_and_never_opened(folder, case):
    data, wire = folder
    fn, key, what = case(wire)
    path = copy_with(data, "hostile.hdf", fn)
    _plain_h5py_reads(path, key)
    assert wire.fired(), "the trip wire must fire when HDF5 follows the file blindly"
    wire.arm()

    problem = ""
    try:  # the sample name is informational: refused, noted, the file still opens
        f = xio.open_file(path)
        if key == SAXS:
            with pytest.raises(xio.XpcsFormatError) as info:
                _ = f.saxs_2d
            problem = info.value.problem
            assert f.qmap.mask.shape == (128, 128)  # the other parts still read
        else:
            meta = f.metadata
            assert meta.sample_name == "" and meta.frame_time_s == 0.001
            (problem,) = [n for n in f.notes if key in n]
        np.testing.assert_array_equal(f.g2, xio.open_file(data / "good.hdf").g2)
    except xio.XpcsFormatError as exc:  # a link refused on the way to a checked key
        problem = exc.problem
    assert key in problem and what in problem, problem
    assert str(wire.path.name) in problem or "relay.h5" in problem, problem

    rows = {r.name: r for r in xio.scan(data)}
    assert rows["good.hdf"].error == "" and rows["good.hdf"].sample_name == "brownian_a"
    assert "SECRET" not in rows["hostile.hdf"].sample_name
    tree = xio.read_tree(path)
    assert not any(isinstance(n.value, str) and "SECRET" in n.value for n in tree.walk())
    assert not wire.fired(), "the reader opened a file outside the folder"


def test_relay_inside_folder_to_inside_is_followed(tmp_path):
    """Links that stay in the folder (through another file of it, or a soft link into an
    external file of it) are followed as before."""
    with h5py.File(tmp_path / "frames.h5", "w") as h5:
        h5["img"] = np.full((1, 128, 128), 7.0, np.float32)
    with h5py.File(tmp_path / "relay.h5", "w") as h5:
        h5["img"] = h5py.ExternalLink("frames.h5", "/img")

    def fn(h5):
        del h5[SAXS]
        h5["/xpcs/frames"] = h5py.ExternalLink("relay.h5", "/")
        h5[SAXS] = h5py.SoftLink("/xpcs/frames/img")

    f = xio.open_file(copy_with(tmp_path, "linked.hdf", fn))
    assert (f.saxs_2d == 7.0).all() and f.notes == ()


def test_vds_and_raw_storage_inside_the_folder_are_refused_too(tmp_path):
    """The decision (io/_origin.py): no VDS and no external raw storage, even inside."""
    (tmp_path / "raw.bin").write_bytes(b"inside-sample".ljust(32, b"\0"))
    with h5py.File(tmp_path / "frames.h5", "w") as h5:
        h5["img"] = np.ones((1, 128, 128), np.float32)

    def fn(h5):
        del h5[SAXS], h5[NAME]
        layout = h5py.VirtualLayout((1, 128, 128), np.float32)
        layout[:] = h5py.VirtualSource("frames.h5", "img", (1, 128, 128))
        h5.create_virtual_dataset(SAXS, layout)
        h5.create_dataset(NAME, shape=(1,), dtype="S32", external=[("raw.bin", 0, 32)])

    f = xio.open_file(copy_with(tmp_path, "inside.hdf", fn))
    with pytest.raises(xio.XpcsFormatError, match=r"scattering_2d is a virtual dataset.*frames\.h5"):
        _ = f.saxs_2d
    assert f.metadata.sample_name == ""
    assert any("raw.bin" in n and NAME in n for n in f.notes), f.notes


def test_missing_filter_is_named_and_hides_nothing_else(tmp_path):
    """A dataset compressed with a filter that is not installed: an XpcsFormatError naming the
    filter, only for that dataset (the patch turns deflate into unknown filter 32123)."""
    key = "/xpcs/spatial_mean/intensity_vs_time"

    def fn(h5):
        trace = h5[key][()]
        del h5[key]
        h5.create_dataset(key, data=trace, chunks=(2, 1000), compression="gzip")

    path = copy_with(tmp_path, "filtered.hdf", fn)
    raw = bytearray(path.read_bytes())
    at = raw.find(b"deflate\x00")
    assert at > 0 and raw[at - 8 : at - 6] == (1).to_bytes(2, "little")
    raw[at - 8 : at - 6] = (32123).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    with h5py.File(path, "r") as h5, pytest.raises(OSError):
        h5[key][()]  # what h5py alone says: a raw OSError about a plugin directory

    f = xio.open_file(path)
    with pytest.raises(xio.XpcsFormatError, match=r"intensity_vs_time is compressed with HDF5 "
                                                  r"filter deflate \(id 32123\).*not installed"):
        _ = f.intensity_t
    good = xio.open_file(REAL)
    np.testing.assert_array_equal(f.g2, good.g2)
    np.testing.assert_array_equal(f.saxs_2d, good.saxs_2d)
    assert f.metadata.sample_name == "brownian_a"
    node = xio.read_tree(path).child("xpcs", "spatial_mean", "intensity_vs_time")
    assert node.shape == (2, 10000) and not node.loaded
