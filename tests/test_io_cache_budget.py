"""One memory budget shared by every open file, least recently used first (issue 16), and the
two-step folder listing (names and sizes first, then each file's summary)."""

from __future__ import annotations

import gc
import math
import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio
from xpcsviewer.io._cache import ArrayCache, ram_mb

DATA = Path(__file__).parent / "data"
SAXS_BYTES = 128 * 128 * 8  # brownian_a's saxs_2d: (128, 128) float64
SAXS_MB = SAXS_BYTES / 2**20


@pytest.fixture
def copies(tmp_path):
    paths = []
    for i in range(5):
        path = tmp_path / f"run_{i}_results.hdf"
        shutil.copyfile(DATA / "brownian_a_results.hdf", path)
        paths.append(path)
    return paths


def test_files_share_one_budget_and_evict_the_least_recently_used(copies):
    budget = xio.CacheBudget(2.4 * SAXS_MB)  # room for two detector images, not three
    files = [xio.open_file(p, budget=budget) for p in copies]
    with h5py.File(copies[0], "r") as raw:
        stored = raw["/xpcs/temporal_mean/scattering_2d"][()]
    first = files[0].saxs_2d
    assert files[0].saxs_2d is first  # kept: the second read is the same array
    assert files[1].saxs_2d.shape == (128, 128)
    assert files[0].saxs_2d is first  # touched: files[1]'s image is now the oldest
    assert files[2].saxs_2d.shape == (128, 128)
    assert first.shape == (128, 128) and first.nbytes == SAXS_BYTES
    assert budget.used_bytes == 2 * SAXS_BYTES <= budget.budget_bytes
    assert (len(files[0]._cache), len(files[1]._cache), len(files[2]._cache)) == (1, 0, 1)
    for f in files:  # every file read: never more than the budget at once
        np.testing.assert_array_equal(f.saxs_2d, stored[0])  # float32 as stored, read as float64
        assert budget.used_bytes <= budget.budget_bytes
    assert sum(len(f._cache) for f in files) == 2
    # read again after eviction: the same values
    np.testing.assert_array_equal(files[1].saxs_2d, first)
    files[3].close()
    files[4].close()
    assert budget.used_bytes == sum(f._cache.used_bytes for f in files) <= budget.budget_bytes


def test_shrinking_the_budget_evicts_and_a_collected_cache_gives_its_memory_back(copies):
    budget = xio.CacheBudget(10 * SAXS_MB)
    files = [xio.open_file(p, budget=budget) for p in copies]
    for f in files:
        assert f.saxs_2d.nbytes == SAXS_BYTES
    assert budget.used_bytes == 5 * SAXS_BYTES
    budget.resize(1.5 * SAXS_MB)
    assert budget.used_bytes == SAXS_BYTES  # only the most recent remains
    assert len(files[4]._cache) == 1 and len(files[3]._cache) == 0
    del files, f
    gc.collect()
    assert budget.used_bytes == 0
    with pytest.raises(ValueError):
        budget.resize(-1)


def test_default_budget_is_a_quarter_of_ram_and_files_share_it_unless_told_otherwise():
    with open("/proc/meminfo", encoding="ascii") as fh:
        meminfo_mb = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:")) / 1024
    assert math.isclose(ram_mb(), meminfo_mb, rel_tol=0.05)
    assert xio.default_budget_mb() == pytest.approx(0.25 * ram_mb())
    a, b = xio.open_file(DATA / "brownian_a_results.hdf"), xio.open_file(DATA / "aging_b_results.hdf")
    assert a._cache.budget is b._cache.budget is xio.shared_budget()
    own = xio.open_file(DATA / "brownian_a_results.hdf", cache_mb=1)
    assert own._cache.budget is not xio.shared_budget() and own._cache.budget_bytes == 2**20
    assert ArrayCache(budget_mb=0).get("x", lambda: np.ones(4)).sum() == 4  # kept nowhere, still read


def test_list_folder_names_and_sizes_first_then_scan_rows(tmp_path, copies):
    (copies[0].parent / "notes.txt").write_text("not a result file")
    (copies[0].parent / "broken.h5").write_bytes(b"not hdf5")
    rows = xio.list_folder(copies[0].parent)
    assert [r.name for r in rows] == sorted([p.name for p in copies] + ["broken.h5"])
    for row in rows:
        st = os.stat(row.path)
        assert (row.size_bytes, row.mtime) == (st.st_size, st.st_mtime)
        assert not row.summarized and row.kinds == frozenset() and row.error == ""
    scanned = xio.scan(copies[0].parent)
    assert [s.path for s in scanned] == [r.path for r in rows]
    for row, full in zip(rows, scanned, strict=True):
        assert full.summarized and (full.size_bytes, full.mtime) == (row.size_bytes, row.mtime)
    broken = scanned[0]
    assert broken.name == "broken.h5" and broken.error and broken.size_bytes == 8
    assert scanned[1].kinds == frozenset({"multitau"}) and scanned[1].n_bins == 12
    with pytest.raises(NotADirectoryError):
        xio.list_folder(copies[0])
