"""Benchmark ``xpcsviewer batch fit``: files per second, in-process vs Dask, per-file vs chunked.

Makes ``--n`` result files (default 1,000) in a temporary folder by copying
``tests/data/brownian_a_results.hdf`` (12 bins) and scaling each copy's g2 - 1 and delay
times a little, so every file is a different fit. Then, in one run, prints files/s of:

  in-process, one fit_g2 call per file      (--chunk-size 1)
  in-process, one fit_g2 call per chunk     (--chunk-size C)
  Dask LocalCluster --workers W, per chunk  (each worker process: one batched call per task)

and their ratios. Compilation is excluded: a warm-up run on a few files fills the on-disk
compile cache first (workers share it), so the figures are steady-state throughput.
Reading the files is included (it is part of the work). Needs the ``distributed`` extra.

Usage: python scripts/bench_batch.py [--n 1000] [--workers 2] [--chunk-size 32]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

SOURCE = Path(__file__).resolve().parents[1] / "tests" / "data" / "brownian_a_results.hdf"
G2 = "/xpcs/multitau/normalized_g2"


def make_files(folder: Path, n: int, seed: int = 0) -> None:
    """``n`` altered copies of the real file (written only here, in our temporary folder)."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        path = folder / f"run_{i:05d}_results.hdf"
        shutil.copyfile(SOURCE, path)
        with h5py.File(path, "r+") as f:
            g2 = f[G2][...]
            f[G2][...] = 1 + (g2 - 1) * rng.uniform(0.9, 1.1)  # contrast changes per file


def timed(label: str, entries, options, **where) -> float:
    from xpcsviewer.batch import fit_files

    start = time.perf_counter()
    table = fit_files(entries, options, **where)
    elapsed = time.perf_counter() - start
    assert not table.failed_files, table.failed_files[:3]
    rate = len(entries) / elapsed
    print(f"  {label:<44s} {elapsed:8.2f} s  {rate:8.1f} files/s", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=32)
    args = parser.parse_args()

    from xpcsviewer.batch import FitOptions, list_files
    from xpcsviewer.batch._chunk import use_backend

    # Whole chunks only: a partial last chunk has another row count, hence another compiled
    # shape, a one-time cost that would blur a throughput figure.
    n = -(-args.n // args.chunk_size) * args.chunk_size
    if n != args.n:
        print(f"--n {args.n} rounded up to {n}, a multiple of --chunk-size {args.chunk_size}")
    args.n = n
    use_backend("jax")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        make_files(folder, args.n)
        print(f"{args.n} files of 12 bins made in {time.perf_counter() - start:.1f} s")
        entries = list_files(folder)
        per_file = FitOptions(chunk_size=1)
        chunked = FitOptions(chunk_size=args.chunk_size)
        # warm-up: compile both shapes once (the disk cache serves the workers too)
        warm = entries[: min(len(entries), args.chunk_size)]
        timed("warm-up (compiles, not counted)", warm, chunked)
        timed("warm-up per file (compiles, not counted)", warm[:2], per_file)
        print("steady state:")
        r_file = timed("in-process, one fit_g2 call per file", entries, per_file)
        r_chunk = timed(f"in-process, one call per {args.chunk_size} files", entries, chunked)
        r_dask_cold = timed(f"dask --workers {args.workers} (cluster start counted)", entries,
                            chunked, workers=args.workers)
        r_dask = _dask_steady(entries, chunked, args.workers)
    print("ratios (same run):")
    print(f"  chunked / per-file, in-process:         {r_chunk / r_file:6.2f} x")
    print(f"  dask {args.workers} workers / in-process, chunked: {r_dask / r_chunk:6.2f} x steady,"
          f" {r_dask_cold / r_chunk:.2f} x with cluster start")


def _dask_steady(entries, options, workers: int) -> float:
    """Throughput on a cluster that is already up and whose workers have imported JAX."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        # every worker traces and compiles (or loads from the disk cache) its solver once
        timed("warm-up of the running cluster (not counted)",
              entries[: options.chunk_size * workers * 2], options, scheduler=address)
        return timed(f"dask --scheduler (running, {workers} workers)", entries, options,
                     scheduler=address)


if __name__ == "__main__":
    main()
