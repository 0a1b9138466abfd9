"""Issue 11 §2: a declared size is a claim, not a budget.

Each file declares a huge dataset (chunked, nothing written: a few kB on disk; reading it
would allocate the declared size). The reader refuses before reading, ``scan`` lists the file
with that error and carries on, and every test here runs in a fraction of a second.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio
from xpcsviewer.io._limits import read_budget_bytes

DATA = Path(__file__).parent / "data"
BROWNIAN = DATA / "brownian_a_results.hdf"
AGING = DATA / "aging_b_results.hdf"


def declare(src: Path, dst: Path, key: str, shape, dtype="f4", chunks=None) -> Path:
    shutil.copyfile(src, dst)
    with h5py.File(dst, "a") as h5:
        del h5[key]
        chunks = chunks or tuple(min(n, 1024) for n in shape) or None
        h5.create_dataset(key, shape=shape, dtype=dtype, chunks=chunks)
    assert dst.stat().st_size < 20 * src.stat().st_size + 2**20  # nothing was written
    return dst


HUGE = [  # (name, source, key, declared shape, dtype, words the refusal must contain)
    ("g2.hdf", BROWNIAN, "/xpcs/multitau/normalized_g2", (10**9, 12), "f4",
     "declares shape (1000000000, 12)"),
    ("image.hdf", BROWNIAN, "/xpcs/temporal_mean/scattering_2d", (1, 60000, 60000), "f4",
     "pixels for a detector image"),
    ("c2.hdf", AGING, "/xpcs/twotime/correlation_map/c2_00001", (100000, 100000), "f4",
     "read budget"),
    ("frame_time.hdf", BROWNIAN, "/entry/instrument/detector_1/frame_time", (10**12,), "f8",
     "expected a scalar"),
    ("trace.hdf", BROWNIAN, "/xpcs/spatial_mean/intensity_vs_time", (2, 10**9), "f4",
     "values for a frame trace"),
    ("delays.hdf", BROWNIAN, "/xpcs/multitau/delay_list", (10**9,), "i8", "values for a list"),
]  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("declared")
    for name, src, key, shape, dtype, _ in HUGE:
        declare(src, tmp / name, key, shape, dtype)
    shutil.copyfile(BROWNIAN, tmp / "good.hdf")
    return tmp


@pytest.mark.parametrize("case", HUGE, ids=[c[0] for c in HUGE])
def test_huge_declared_dataset_refused_before_reading(folder, case):
    name, _src, key, _shape, _dtype, words = case
    with pytest.raises(xio.XpcsFormatError) as info:
        xio.open_file(folder / name)
    assert key in info.value.problem and words in info.value.problem, info.value.problem
    node = xio.read_tree(folder / name)  # the tree still shows it, unread
    target = node.child(*key.strip("/").split("/"))
    assert not target.loaded and "not loaded" in target.note


def test_scan_lists_every_file_with_its_error(folder):
    rows = {r.name: r for r in xio.scan(folder)}
    assert set(rows) == {c[0] for c in HUGE} | {"good.hdf"}
    assert rows["good.hdf"].error == "" and rows["good.hdf"].n_bins == 12
    for name, _src, key, _shape, _dtype, words in HUGE:
        assert key in rows[name].error and words in rows[name].error, rows[name]


def test_the_budget_is_bounded():
    assert 2**30 <= read_budget_bytes() <= 16 * 2**30


def test_oversized_texts_are_left_out_with_a_note(tmp_path):
    """A 10¹⁰-byte "sample name" (10¹⁰ one-byte strings) and a 10⁸-byte fixed string: not
    read, the field empty, a note; the rest of the metadata and the file as usual."""
    path = declare(BROWNIAN, tmp_path / "names.hdf", "/entry/sample/name", (10**10,), "S1",
                   chunks=(2**20,))
    with h5py.File(path, "a") as h5:
        del h5["/entry/start_time"]
        h5.create_dataset("/entry/start_time", shape=(), dtype=f"S{10**8}")
    f = xio.open_file(path)
    meta = f.metadata
    assert meta.sample_name == "" and meta.start_time == ""
    assert meta.frame_time_s == 0.001 and meta.detector_shape == (128, 128)
    assert any("/entry/sample/name declares shape (10000000000,)" in n for n in f.notes)
    assert any("strings of 100,000,000 bytes" in n for n in f.notes)
    (row,) = xio.scan(tmp_path)
    assert row.error == "" and row.sample_name == "" and len(row.notes) == 2
    np.testing.assert_array_equal(f.g2, xio.open_file(BROWNIAN).g2)
