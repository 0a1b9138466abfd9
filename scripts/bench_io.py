"""Time to open a result file and have g2, SAXS-2D and one C2 ready, vs a bare h5py read.

The floor is h5py reading the same three datasets (g2, scattering_2d, one stored c2 map) with
no checks, no symmetrising and no float64 conversion. The reader's time includes probing the
layout, validating keys and shapes, reading the small arrays and building the symmetric C2.
Prints both, per repeat best-of-N, and the ratio (goal: within 1.5x). Never gates CI.

    .venv/bin/python scripts/bench_io.py [FILE] [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import h5py
import hdf5plugin  # noqa: F401 - same filters as the reader
import numpy as np

import xpcsviewer.io as xio
from xpcsviewer.io._keys import C2_NAME_NEXUS, NEXUS_8IDI

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "aging_b_results.hdf"


def floor(path: Path) -> float:
    start = time.perf_counter()
    with h5py.File(path, "r") as h5:
        g2 = h5[NEXUS_8IDI["g2"]][()]
        saxs = h5[NEXUS_8IDI["saxs_2d"]][()]
        c2 = h5[f"{NEXUS_8IDI['c2_group']}/{C2_NAME_NEXUS.format(1)}"][()]
    elapsed = time.perf_counter() - start
    assert g2.size and saxs.size and c2.size
    return elapsed


def reader(path: Path) -> float:
    start = time.perf_counter()
    f = xio.open_file(path)
    g2, saxs = f.g2, f.saxs_2d
    c2 = f.c2(f.c2_bins[0]).matrix
    elapsed = time.perf_counter() - start
    assert g2.size and saxs.size and np.isfinite(c2[0, 0])
    return elapsed


def scan_folder(n_files: int) -> tuple[int, float]:
    """Time ``xpcsviewer.scan`` over ``n_files`` copies of a demo file (no arrays loaded)."""
    import shutil
    import tempfile

    from xpcsviewer import demo

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = demo.make(folder / "src")[0]
        for i in range(n_files):
            shutil.copyfile(one, folder / f"run_{i:05d}.hdf")
        start = time.perf_counter()
        rows = xio.scan(folder)
        return len(rows), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scan-files", type=int, default=1000)
    args = parser.parse_args()
    floor(args.file), reader(args.file)  # warm the OS page cache and imports
    # interleave so drift on a shared machine hits both alike
    t_floor, t_reader = [], []
    for _ in range(args.repeat):
        t_floor.append(floor(args.file))
        t_reader.append(reader(args.file))
    bf, br = min(t_floor), min(t_reader)
    mf, mr = float(np.median(t_floor)), float(np.median(t_reader))
    print(f"file: {args.file.name} ({args.file.stat().st_size / 1e6:.1f} MB), repeat {args.repeat}")
    print(f"bare h5py (floor):  best {bf * 1e3:7.2f} ms   median {mf * 1e3:7.2f} ms")
    print(f"xpcsviewer.io:      best {br * 1e3:7.2f} ms   median {mr * 1e3:7.2f} ms")
    print(f"ratio reader/floor: best {br / bf:5.2f}x      median {mr / mf:5.2f}x   (goal <= 1.5x)")
    n, elapsed = scan_folder(args.scan_files)
    print(f"scan of {n} files: {elapsed:.2f} s ({elapsed / n * 1e3:.2f} ms a file)")


if __name__ == "__main__":
    main()
