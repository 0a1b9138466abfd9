"""Benchmark of the compute layer: NumPy backend vs JAX cold (first call, with compile) vs
JAX warm, measured in one run. Prints times and ratios; never gates CI.

    .venv/bin/python scripts/bench_compute.py [--repeat 5]

Cases: the Q-map and a 1,000-bin SAXS-1D on a 2162 x 2068 (Eiger 4M) detector, and
block-mean decimation (factor 10) of a 10,000 x 10,000 float32 C2 map.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import compute_qmap, decimate, make_partition, saxs_1d

SHAPE = (2162, 2068)
GEOM = (10.0, 8.0, 75e-6, 1020.3, 1100.7)


def _maps(qm):
    # A tuple of arrays, so block_until_ready waits for every output of the kernel.
    return (qm.q, qm.phi, qm.qx, qm.qy)


def _timed(fn, block):
    start = time.perf_counter()
    block(fn())
    return time.perf_counter() - start


def _case(name, run_np, run_jax, block, repeat):
    np_t = statistics.median(_timed(run_np, lambda x: x) for _ in range(repeat))
    cold = _timed(run_jax, block)
    warm = statistics.median(_timed(run_jax, block) for _ in range(repeat))
    print(
        f"{name:<34} numpy {np_t * 1e3:8.1f} ms | jax cold {cold * 1e3:8.1f} ms | "
        f"jax warm {warm * 1e3:8.1f} ms | numpy/warm {np_t / warm:5.2f}x | "
        f"numpy/cold {np_t / cold:5.2f}x"
    )
    return np_t, cold, warm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    import jax

    npb, jxb = get_backend("numpy"), get_backend("jax")
    block = jax.block_until_ready
    print(f"jax {jax.__version__} on {jxb.device}; {os.cpu_count()} CPU cores; float64")

    _case(
        f"Q-map {SHAPE[0]}x{SHAPE[1]}",
        lambda: _maps(compute_qmap(*GEOM, SHAPE, backend=npb)),
        lambda: _maps(compute_qmap(*GEOM, SHAPE, backend=jxb)),
        block,
        args.repeat,
    )

    qm = compute_qmap(*GEOM, SHAPE, backend=npb)
    mask = np.ones(SHAPE, bool)
    part = make_partition(qm.q, qm.phi, mask, 1000, 1, backend=npb)
    img = np.random.default_rng(0).poisson(3.0, SHAPE).astype(np.float32)
    img_dev, roi_dev = jxb.device_put(img), jxb.device_put(part.roi_map)
    _case(
        "SAXS-1D 1,000 bins",
        lambda: saxs_1d(img, part.roi_map, part.index_mapping, part.q_values, backend=npb).intensity,
        lambda: saxs_1d(img_dev, roi_dev, part.index_mapping, part.q_values, backend=jxb).intensity,
        block,
        args.repeat,
    )

    c2 = np.random.default_rng(1).normal(1.2, 0.05, (10_000, 10_000)).astype(np.float32)
    c2_dev = jxb.device_put(c2)
    _case(
        "C2 10,000^2 block mean x10",
        lambda: decimate(c2, 10, backend=npb),
        lambda: decimate(c2_dev, 10, backend=jxb),
        block,
        max(2, args.repeat // 2),
    )
    print("(JAX inputs are already on the device; numpy/warm > 1 means JAX is faster)")


if __name__ == "__main__":
    main()
