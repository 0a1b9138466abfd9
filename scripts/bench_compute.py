"""Benchmark of the compute layer: NumPy backend vs JAX cold (first call, with compile) vs
JAX warm, measured in one run. Prints times and ratios; never gates CI.

    .venv/bin/python scripts/bench_compute.py [--repeat 5]

Cases: the Q-map and a 1,000-bin SAXS-1D on a 2162 x 2068 (Eiger 4M) detector, and
block-mean decimation (factor 10) of a 10,000 x 10,000 float32 C2 map.

``--first-use``: what a click on a new file costs per kernel (issue 16): a file of shape A
is shown, then one of a new shape B (another detector crop, roi count or frame count); the
first call on B, with exact-shape programs (before) and with shape buckets (after); then the
kernels that no longer compile (the Two-time first view on ``compute.one_pass``, the power
spectrum, the stability table), first call on each of three new shapes. Then (issue 16's
third part): the C2 cuts on JAX with eager interpax (before) against the bucketed kernel, and
the Two-time tab's tau per age window (``fit_aging``) on JAX (before) against its default,
NumPy on a CPU (after), first call per delay bucket (dstep_c, 1500 frames; aging_b, 1000).
block-mean decimation (factor 10) of a 10,000 x 10,000 float32 C2 map; the Mask tab's redraw
while the beam centre is dragged (issue 15): the q and φ maps alone for 1 M and 4 M pixels,
and one whole interactive step (maps + dynamic 36 x 1 and static 360 x 1 partitions + the
overlay's roi map and counts back on the host). Each call moves the centre by 0.1 pixel, so
no result is reused; JAX warm = compiled once for the shape. ``--only redraw`` runs just these.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import (
    _kernels,
    compute_qmap,
    decimate,
    g2_from_c2,
    make_partition,
    make_partitions,
    rebin_intensity,
    roi_mean,
    saxs_1d,
    smooth_intensity,
)

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


def _first_use_cases(rng):
    """(name, call(shape)) with shapes A, B_before and B_after: B_after differs from A and
    from B_before but lies in A's bucket (pixels 802,896 and 795,600 -> 851,968; rois 291 and
    300 -> 512; frames 50,000 and 52,000 -> 53,248; 1500 and 1450 -> 1536)."""
    def roi(shape):
        ny, nx, k = shape
        return roi_mean(rng.random((ny, nx)), rng.integers(0, k + 1, (ny, nx)), k, backend="jax")

    def trace(fn, arg):
        return lambda n: fn(np.arange(n) * 1e-3, rng.random(n), arg, backend="jax")

    def c2(fn):
        return lambda n: fn(rng.random((n, n)).astype(np.float32), np.arange(n) * 2e-3)

    return [
        ("roi_mean (SAXS-1D)", roi, (516, 1556, 291), (512, 1024, 59), (510, 1560, 300)),
        ("rebin intensity x10", trace(rebin_intensity, 10), 50_000, 40_000, 52_000),
        ("smooth intensity w=11", trace(smooth_intensity, 11), 50_000, 40_000, 52_000),
        ("C2 decimate x2", c2(lambda c, t: decimate(c, 2, backend="jax")), 1500, 1000, 1450),
        ("g2 from C2, 4 windows", c2(lambda c, t: g2_from_c2(
            c, t, [(0, 0.5), (0.5, 1), (1, 1.5), (1.5, 2)], backend="jax").g2), 1500, 1000, 1450),
        ("Q-map", lambda shape: _maps(compute_qmap(*GEOM, shape, backend="jax")),
         (516, 1556), (512, 1024), (510, 1560)),
        ("Q-map + partition 36x1", lambda shape: make_partitions(
            compute_qmap(*GEOM, shape, backend="jax"), np.ones(shape, bool), dynamic=(36, 1),
            static=(360, 1), backend="jax").static.counts, (516, 1556), (512, 1024), (510, 1560)),
        ("partition, new n_q x n_phi", _new_bins(), (36, 1), (30, 1), (40, 6)),
        ("C2 cuts, lag + age", c2(_both_cuts), 1500, 1000, 1450),
    ]


def _new_bins():
    """make_partition on one 516 x 1556 detector with another (n_q, n_phi): the Mask tab's
    spin boxes (36 and 40 -> 64, 1 and 6 -> 16)."""
    qm = compute_qmap(*GEOM, (516, 1556), backend="numpy")
    q, phi, mask = np.asarray(qm.q), np.asarray(qm.phi), np.ones((516, 1556), bool)
    return lambda dims: make_partition(q, phi, mask, *dims, backend="jax").counts


def _both_cuts(c, t, backend="jax"):
    from xpcsviewer.compute import cut_at_age, cut_at_lag

    return (cut_at_lag(c, t, 0.05 * t[-1], backend=backend).values,
            cut_at_age(c, t, 0.5 * t[-1], backend=backend).values)


def _interpax_cuts(c, t):
    """The cuts as they ran on JAX before issue 16 (eager interpax, NumPy's sample points)."""
    import interpax
    import jax.numpy as jnp

    out = []
    for fn in (_lag_points, _age_points):
        xq, yq = fn(t)
        cj = jnp.asarray(c, dtype="float64")
        ok = jnp.isfinite(cj)
        args = (jnp.asarray(xq), jnp.asarray(yq), jnp.asarray(t), jnp.asarray(t))
        vals = interpax.interp2d(*args, jnp.where(ok, cj, 0.0), method="linear", extrap=False)
        weight = interpax.interp2d(*args, jnp.where(ok, 1.0, 0.0), method="linear", extrap=False)
        out.append(jnp.where(weight > 1e-12, vals / jnp.where(weight > 1e-12, weight, 1.0), jnp.nan))
    return out


def _lag_points(t):
    half = round(0.05 * t[-1] / (t[1] - t[0])) * (t[1] - t[0]) / 2
    a = np.linspace(t[0] + half, t[-1] - half, max(2, t.size - int(round(2 * half / (t[1] - t[0])))))
    return a - half, a + half


def _age_points(t):
    age = 0.5 * t[-1]
    steps = int(np.floor(2 * min(age - t[0], t[-1] - age) / (t[1] - t[0]) + 1e-9))
    lg = np.arange(-steps, steps + 1) * (t[1] - t[0])
    return age - lg / 2, age + lg / 2


def _aging_first_use() -> None:
    """tau per age window, the Two-time tab's second stage: first fit per delay bucket in this
    process (no disk cache unless XPCS_JAX_CACHE_DIR names one), JAX (before) vs the default."""
    from pathlib import Path

    import xpcsviewer
    from xpcsviewer.fitting import fit_aging

    data = Path(__file__).resolve().parents[1] / "tests" / "data"
    maps = []
    for name, col in (("dstep_c", 2), ("aging_b", 5)):
        with xpcsviewer.open(data / f"{name}_results.hdf") as f:
            maps.append((f"{name} ({f.c2(col).t.size} frames)", f.c2(col), float(f.dynamic_q[col])))
    print("\nτ per age window (fit_aging, 4 windows), first call per delay bucket (s):")
    for label, c2, q in maps:
        times = {}
        for stage, backend in (("before: JAX", "jax"), ("after: default", None)):
            start = time.perf_counter()
            out = fit_aging(c2, 4, q=q, backend=backend)
            times[stage] = (time.perf_counter() - start, out.fit.provenance.backend)
        print(f"{label:<24} " + " | ".join(f"{k} ({b}) {v:6.2f}" for k, (v, b) in times.items())
              + f" | before/after {times['before: JAX'][0] / times['after: default'][0]:5.1f}x")


def _host_cases(rng):
    """Kernels that compile nothing any more (issue 16): first call on a new shape, in ms."""
    from xpcsviewer.compute import (
        correct_diagonal,
        cut_at_age,
        cut_at_lag,
        one_pass,
        power_spectrum,
        prepare_display,
        saxs_stability,
    )

    def first_view(n):  # what the Two-time tab draws first, on compute.one_pass()
        c = rng.random((n, n)).astype(np.float32)
        t = np.arange(n) * 2e-3
        b = one_pass()
        shown = prepare_display(c, t, max_size=500, backend=b)
        cut_at_lag(shown.full, t, 0.1, backend=b), cut_at_age(shown.full, t, t[n // 2], backend=b)
        return g2_from_c2(c, t, [(0, 0.5), (0.5, 1), (1, 1.5), (1.5, 2)], backend=b).g2

    return [
        ("two-time first view", first_view, (1500, 1450, 1000)),
        ("  of which diagonal", lambda n: correct_diagonal(rng.random((n, n)), backend=one_pass()),
         (1500, 1450, 1000)),
        ("power spectrum (jax)", lambda n: power_spectrum(rng.random(n), 1e-3, backend="jax").power,
         (50_000, 52_000, 40_000)),
        ("stability (jax)", lambda shape: saxs_stability(1 + rng.random(shape), backend="jax").drift,
         ((16, 291), (12, 300), (10, 120))),
    ]


def first_use() -> None:
    import jax

    rng = np.random.default_rng(2)
    print("first call on a new shape B after shape A (ms; JAX CPU, includes the data's size):")
    for name, call, a, b_before, b_after in _first_use_cases(rng):
        _kernels.BUCKETING = False
        jax.block_until_ready(call(a))
        before = _timed(lambda call=call, b=b_before: call(b), jax.block_until_ready)
        again = _timed(lambda call=call, b=b_before: call(b), jax.block_until_ready)
        _kernels.BUCKETING = True
        cold = _timed(lambda call=call, a=a: call(a), jax.block_until_ready)
        after = _timed(lambda call=call, b=b_after: call(b), jax.block_until_ready)
        print(f"{name:<24} exact shapes: new shape {before * 1e3:7.1f} (then {again * 1e3:6.1f}) | "
              f"buckets: first bucket {cold * 1e3:7.1f}, new shape in it {after * 1e3:6.1f} | "
              f"new shape before/after {before / after:5.1f}x")
    print("\ncomputed without a compile (NumPy on the host; issue 16), first call per new shape (ms):")
    for name, call, shapes in _host_cases(rng):
        times = [_timed(lambda call=call, s=s: call(s), jax.block_until_ready) for s in shapes]
        print(f"{name:<24} " + " | ".join(f"{s}: {t * 1e3:7.1f}" for s, t in zip(shapes, times,
                                                                                  strict=True)))
    # C2 cuts as they were on JAX (eager interpax: a program per op and size), for comparison
    c = rng.random((1500, 1500))
    jax.block_until_ready(_interpax_cuts(c, np.arange(1500) * 2e-3))
    c = rng.random((1450, 1450))
    before = _timed(lambda: _interpax_cuts(c, np.arange(1450) * 2e-3), jax.block_until_ready)
    print(f"\nC2 cuts, lag + age, eager interpax (before issue 16), 1500 -> 1450 frames: "
          f"{before * 1e3:7.1f} ms")
    _aging_first_use()
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--first-use", action="store_true", help="only the new-shape first calls")
    ap.add_argument("--only", choices=("redraw",), help="run only the Mask-tab redraw cases")
    args = ap.parse_args()
    if args.first_use:
        first_use()
        return
    import jax

    npb, jxb = get_backend("numpy"), get_backend("jax")
    block = jax.block_until_ready
    print(f"jax {jax.__version__} on {jxb.device}; {os.cpu_count()} CPU cores; float64")
    _redraw_cases(npb, jxb, block, args.repeat)
    if args.only == "redraw":
        return

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


def _dragged(backend, shape, step):
    """A call that recomputes the maps (and with ``step``, partitions and overlay) for a beam
    centre moved 0.1 pixel further each time, as a drag does."""
    moved = [0]

    def run():
        moved[0] += 1
        cx, cy = shape[1] * 0.47 + 0.1 * moved[0], shape[0] * 0.52
        qm = compute_qmap(10.0, 8.0, 75e-6, cx, cy, shape, backend=backend)
        if not step:
            return (qm.q, qm.phi)
        parts = make_partitions(qm, np.ones(shape, bool), dynamic=(36, 1), static=(360, 1),
                                backend=backend)
        # The overlay: the roi map and the counts on the host, as the view draws them.
        return backend.to_numpy(parts.dynamic.roi_map), backend.to_numpy(parts.dynamic.counts)

    return run


def _redraw_cases(npb, jxb, block, repeat):
    for label, shape in (("1 M", (1024, 1024)), ("4 M", (2048, 2048))):
        _case(f"Mask redraw: q, φ maps {label}", _dragged(npb, shape, False),
              _dragged(jxb, shape, False), block, repeat)
    _case("Mask drag step 1 M (maps+parts+overlay)", _dragged(npb, (1024, 1024), True),
          _dragged(jxb, (1024, 1024), True), lambda x: x, repeat)


if __name__ == "__main__":
    main()
