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


def c2_read(paths: list[Path], repeat: int) -> None:
    """One C2 map, file already open: ours (``XpcsFile.c2``: read + in-place mirror, float32
    kept) vs bare h5py (read only, upper triangle: the floor) vs h5py plus the usual NumPy
    mirror ``c + c.T`` with the diagonal restored (a full symmetric map, as peers show it)."""
    for path in paths:
        if not path.is_file():
            continue
        with xio.open_file(path) as f0:
            col = f0.c2_bins[0]
        key = f"{NEXUS_8IDI['c2_group']}/{C2_NAME_NEXUS.format(1)}"
        times = {"ours": [], "h5py": [], "h5py+mirror": []}
        for _ in range(repeat + 1):  # the first round warms the page cache, dropped below
            f = xio.open_file(path)
            start = time.perf_counter()
            m = f.c2(col).matrix
            times["ours"].append(time.perf_counter() - start)
            f.close()
            # A fresh handle for each: h5py's chunk cache would serve a second read of a map.
            with h5py.File(path, "r") as h5:
                ds = h5[key]
                start = time.perf_counter()
                raw = ds[()]
                times["h5py"].append(time.perf_counter() - start)
            with h5py.File(path, "r") as h5:
                ds = h5[key]
                start = time.perf_counter()
                c = ds[()]
                full = c + c.T
                np.fill_diagonal(full, np.diagonal(c))
                times["h5py+mirror"].append(time.perf_counter() - start)
            assert m.shape == raw.shape == full.shape
        best = {k: min(v[1:]) for k, v in times.items()}
        med = {k: float(np.median(v[1:])) for k, v in times.items()}
        print(f"C2 read {path.name} {raw.shape} {m.dtype}: " + "   ".join(
            f"{k} best {best[k] * 1e3:6.2f} ms median {med[k] * 1e3:6.2f} ms" for k in times))
        print(f"  ratio ours/h5py {med['ours'] / med['h5py']:.2f}x, "
              f"ours/h5py+mirror {med['ours'] / med['h5py+mirror']:.2f}x (medians; goal <= 1x "
              "the peers' read + mirror)")


def scan_folder(n_files: int) -> tuple[int, float, float]:
    """Listing ``n_files`` copies of a demo file: names and sizes shown (``list_folder``, what
    the GUI shows first) and all rows filled (``scan``: each file's kind, sample and bins)."""
    import shutil
    import tempfile

    from xpcsviewer import demo

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = demo.make(folder / "src")[0]
        for i in range(n_files):
            shutil.copyfile(one, folder / f"run_{i:05d}.hdf")
        xio.list_folder(folder)  # the directory in the OS cache, as after the file dialog
        start = time.perf_counter()
        names = xio.list_folder(folder)
        shown = time.perf_counter() - start
        start = time.perf_counter()
        rows = xio.scan(folder)
        filled = time.perf_counter() - start
        assert [r.path for r in rows] == [r.path for r in names]
        return len(rows), shown, filled


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
    c2_read([args.file, DEFAULT.with_name("dstep_c_results.hdf")], args.repeat)
    n, shown, filled = scan_folder(args.scan_files)
    print(f"folder of {n} files: names and sizes shown {shown * 1e3:.1f} ms (goal <= 50 ms); "
          f"all rows filled {filled:.2f} s ({filled / n * 1e3:.2f} ms a file, in the background)")


if __name__ == "__main__":
    main()
