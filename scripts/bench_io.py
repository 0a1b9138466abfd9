"""Time to open a result file and have g2, SAXS-2D and one C2 ready, vs a bare h5py read.

The floor is h5py reading the same three datasets (g2, scattering_2d, one stored c2 map) with
no checks, no symmetrising and no float64 conversion. The reader's time includes probing the
layout, validating keys and shapes, reading the small arrays and building the symmetric C2.
Prints both, per repeat best-of-N, and the ratio (goal: within 1.5x). Then one C2 map read
of every map of aging_b and dstep_c against the peers' read (``c2_read``; alone with
``--c2-only``) and a folder scan. Never gates CI.

    .venv/bin/python scripts/bench_io.py [FILE] [--repeat N] [--c2-only]
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


def _peer_mirror(c: np.ndarray) -> np.ndarray:
    """The peers' full map from the stored half: c + c.T, the doubled diagonal halved
    (pyXPCSViewer and XPCS-Toolkit ``read_single_c2``, rewritten here)."""
    full = c + c.T
    full[np.diag_indices(c.shape[0])] /= 2
    return full


def _median_ms(times: list[float]) -> float:
    return float(np.median(times)) * 1e3


def c2_read(paths: list[Path], repeat: int) -> None:
    """One C2 map read, every map of each file, cache cold for ours at every repeat.

    - ours: ``XpcsFile.c2(col)`` of a file opened beforehand, its cache emptied before each
      read (the read is measured, not a cache hit): open, checks, read, in-place mirror;
    - peer: what pyXPCSViewer and XPCS-Toolkit do for one map: ``h5py.File`` opened, the
      half read, ``c + c.T`` with the diagonal halved (a second full-size array);
    - peer, held: the same with the file already open (a pooled handle), a fresh handle per
      read so HDF5's chunk cache (8 MiB: it holds a whole 1000 x 1000 float32 map) does not
      serve a map twice; floor: that read without the mirror.

    The four are interleaved, in turn first, so drift on a shared machine hits them alike.
    """
    for path in paths:
        if path.is_file():
            _c2_file(path, repeat)


class _Clock:
    """Wall and this thread's CPU time of one block (CPU time: steadier on a shared machine,
    where other processes stretch the wall time; the reads here are single-threaded)."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.thread_time() - self.cpu


def _c2_file(path: Path, repeat: int) -> None:
    f = xio.open_file(path)
    keys = {col: f._core.c2_keys[col] for col in f.c2_bins}  # the maps, in file order

    def ours(key: str, col: int):
        f.close()  # empty this file's cache: a read, not a hit
        with _Clock() as clock:
            m = f.c2(col).matrix
        return clock, m

    def peer(key: str, col: int):
        with _Clock() as clock, h5py.File(path, "r") as h5:
            full = _peer_mirror(h5[key][()])
        return clock, full

    def held(key: str, col: int, mirror: bool = True):
        with h5py.File(path, "r") as h5:
            with _Clock() as clock:
                c = h5[key][()]
                full = _peer_mirror(c) if mirror else c
        return clock, full

    runs = {"ours": ours, "peer": peer, "peer, held": held,
            "floor": lambda key, col: held(key, col, mirror=False)}
    names = list(runs)
    wall: dict[str, dict[int, list[float]]] = {k: {c: [] for c in keys} for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    shape: tuple[int, ...] = ()
    for r in range(repeat + 1):  # the first round warms the page cache, dropped below
        for col, key in keys.items():
            order = names[r % 4:] + names[: r % 4]
            got = {name: runs[name](key, col) for name in order}
            if r == 0:
                assert got["ours"][1].dtype == np.float32 == got["peer"][1].dtype
                assert np.array_equal(got["ours"][1], got["peer"][1]), (path, key)
                shape = got["ours"][1].shape
                continue
            for name, (clock, _) in got.items():
                wall[name][col].append(clock.wall)
                cpu[name].append(clock.cpu)
    f.close()
    print(f"C2 read {path.name}: {len(keys)} maps {shape} float32 "
          f"({', '.join(k.rsplit('/', 1)[1] for k in keys.values())}), {repeat} repeats, "
          "medians in ms")
    for col in keys:
        print(f"  col {col:3d} wall: " + "   ".join(
            f"{k} {_median_ms(wall[k][col]):6.2f}" for k in runs))
    for label, times in (("wall", {k: sum(v.values(), []) for k, v in wall.items()}),
                         ("cpu", cpu)):
        med = {k: _median_ms(v) for k, v in times.items()}
        print(f"  all maps, {label}: " + "   ".join(f"{k} {med[k]:6.2f}" for k in runs)
              + f"   -> ours/peer {med['ours'] / med['peer']:.2f}x, ours/peer-held "
              f"{med['ours'] / med['peer, held']:.2f}x, ours/floor "
              f"{med['ours'] / med['floor']:.2f}x")
    print("  (goal: ours <= peer)")


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
    parser.add_argument("--c2-only", action="store_true",
                        help="only the C2 read of every map of aging_b and dstep_c vs the peers")
    args = parser.parse_args()
    if args.c2_only:
        c2_read([DEFAULT, DEFAULT.with_name("dstep_c_results.hdf")], args.repeat)
        return
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
