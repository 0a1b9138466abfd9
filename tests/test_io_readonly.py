"""Read-only guarantee and scan: files are untouched; scan is fast and loads no arrays."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np

import xpcsviewer.io as xio
from xpcsviewer import demo

DATA = Path(__file__).parent / "data"


def fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


def read_everything(f: xio.XpcsFile) -> None:
    _ = (f.kinds, f.metadata, f.tau, f.g2, f.g2_err, f.dynamic_q, f.dynamic_phi, f.static_q)
    _ = (f.saxs_2d, f.saxs_1d, f.saxs_1d_segments, f.intensity_t, f.qmap, f.static_phi)
    for col in f.c2_bins:
        f.c2(col)
    for col in range(f.n_bins):
        f.bin_label(col)


def test_bytes_and_mtime_unchanged(tmp_path):
    paths = sorted(DATA.glob("*.hdf")) + demo.make(tmp_path)[2:]
    before = {p: fingerprint(p) for p in paths}
    for p in paths:
        with xio.open_file(p) as f:
            read_everything(f)
        xio.scan(p.parent)
    assert {p: fingerprint(p) for p in paths} == before
    assert sorted(tmp_path.iterdir()) == sorted(tmp_path.glob("demo_*.hdf"))  # no temp files


def test_writer_refuses_inputs_and_existing_files(tmp_path):
    src = tmp_path / "in.hdf"
    shutil.copyfile(DATA / "brownian_a_results.hdf", src)
    f = xio.open_file(src)
    kw = dict(metadata=f.metadata, qmap=f.qmap, saxs_2d=f.saxs_2d, saxs_1d=f.saxs_1d[1],
              tau=f.tau, g2=f.g2, g2_err=f.g2_err)  # fmt: skip
    before = fingerprint(src)
    for overwrite in (False, True):
        try:
            xio.write_result_file(src, sources=[src], overwrite=overwrite, **kw)
        except ValueError as exc:
            assert "input" in str(exc)
        else:
            raise AssertionError("an input file was overwritten")
    try:
        xio.write_result_file(src, **kw)
    except FileExistsError:
        pass
    else:
        raise AssertionError("an existing file was overwritten without overwrite=True")
    assert fingerprint(src) == before
    out = xio.write_result_file(tmp_path / "out.hdf", sources=[src], **kw)
    g = xio.open_file(out)
    np.testing.assert_array_equal(g.g2, f.g2.astype(np.float32))
    np.testing.assert_allclose(g.tau, f.tau)
    assert g.metadata == f.metadata
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.hdf", "out.hdf"]


def test_scan_lists_many_files_and_reports(tmp_path):
    # Speed is measured in scripts/bench_io.py, not asserted here: a timed test is flaky
    # on a loaded 2-core CI machine.
    one = demo.make(tmp_path / "src")[0]
    for i in range(200):
        shutil.copyfile(one, tmp_path / f"run_{i:04d}.hdf")
    (tmp_path / "junk.hdf").write_text("not hdf5")
    (tmp_path / "readme.txt").write_text("ignored")
    rows = xio.scan(tmp_path)
    assert len(rows) == 201
    good = [r for r in rows if not r.error]
    assert len(good) == 200 and all(r.kinds == {"multitau"} and r.n_bins == 10 for r in good)
    assert good[0].sample_name == "demo_brownian" and good[0].frame_time_s == 1e-3
    assert "not an HDF5 file" in next(r for r in rows if r.name == "junk.hdf").error
