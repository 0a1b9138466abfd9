"""Benchmark the fitting engine: 100 files x 12 bins, batched vs a per-bin curve_fit loop.

Prints, measured in this one run:
  batched fit_g2 -- first run ever (empty persistent compilation cache), a new process with
  the cache filled, and warm (same process, second call);
  a per-bin scipy.optimize.curve_fit loop (bounded, as the existing viewers do);
  NUTS for one bin (4 chains x 1000 draws) and SVI for all bins, cold and warm.

Needs the ``bench`` extra (scipy). Usage: python scripts/bench_fit.py [--files 100]
[--devices cpu,gpu]. Each figure comes from its own subprocess so "cold" really is cold.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import numpy as np

DELAYS = (
    np.array(
        [
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            10,
            12,
            14,
            16,
            20,
            24,
            28,
            32,
            40,
            48,
            56,
            64,
            80,
            96,
            112,
            128,
            160,
            192,
            224,
            256,
            320,
            384,
            448,
            512,
            640,
            768,
            896,
            1024,
            1280,
            1536,
            1792,
            2048,
            2560,
            3072,
            3584,
            4096,
            5120,
            6144,
            7168,
            8192,
        ],
        dtype=float,
    )
    * 1e-3
)  # brownian_a's multi-tau delays, s


def make_files(n_files: int, n_bins: int = 12, seed: int = 0) -> list:
    """Synthetic diffusion files: tau = 1/(D q^2) with D ~ 3e5 A^2/s, 0.1-2 % noise."""
    rng = np.random.default_rng(seed)
    q = np.linspace(0.0016, 0.0093, n_bins)
    files = []
    for k in range(n_files):
        d = 3e5 * rng.uniform(0.8, 1.2)
        tau = 1.0 / (d * q**2)
        clean = 1.0 + 0.25 * np.exp(-2.0 * DELAYS[:, None] / tau[None, :])
        err = np.full_like(clean, 1e-3) * (1 + np.arange(n_bins))[None, :] ** 0.5
        g2 = clean + err * rng.standard_normal(clean.shape)
        files.append(SimpleNamespace(tau=DELAYS, g2=g2, g2_err=err, dynamic_q=q, path=f"syn{k}"))
    return files


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def child(task: str, n_files: int, cache: str) -> dict:
    """One measurement in a fresh process; prints a JSON line."""
    from pathlib import Path

    from xpcsviewer.backends import configure_jax, enable_compilation_cache

    jax = configure_jax()
    enable_compilation_cache(Path(cache))  # the same settings the viewer starts with
    from xpcsviewer.fitting import fit_g2, posterior_g2, sample_g2

    files = make_files(n_files)
    out = {"task": task, "device": jax.devices()[0].platform}
    if task == "lsq":
        out["first_s"], res = _timed(lambda: fit_g2(files, backend="jax"))
        out["warm_s"] = min(_timed(lambda: fit_g2(files, backend="jax"))[0] for _ in range(3))
        out["converged"] = int(sum(s.value == "converged" for s in res.status))
        out["tau"] = res.param("tau")[0].tolist()
        out["steps_max"] = int(np.max(res.n_steps))
    elif task == "nuts":
        kw = {"num_samples": 1000, "num_chains": 4, "seed": 0}
        out["first_s"], res = _timed(lambda: sample_g2(files[0], 5, **kw))
        out["warm_s"], _ = _timed(lambda: sample_g2(files[0], 5, **kw))
        out["r_hat_max"] = max(s["r_hat"] for s in res.summary.values())
    elif task == "svi":
        out["first_s"], res = _timed(lambda: posterior_g2(files))
        out["warm_s"], _ = _timed(lambda: posterior_g2(files))
    return out


def curve_fit_loop(files) -> tuple[float, np.ndarray]:
    """Per-bin bounded curve_fit with the same data-driven start, as the existing viewers do."""
    from scipy.optimize import curve_fit

    from xpcsviewer.fitting._models import default_bounds, initial_guess

    def single(t, base, beta, tau):
        return base + beta * np.exp(-2.0 * t / tau)

    taus = []
    t0 = time.perf_counter()
    for f in files:
        for col in range(f.g2.shape[1]):
            t, y, e = f.tau, f.g2[:, col], f.g2_err[:, col]
            m = np.isfinite(y) & (e > 0)
            p0 = initial_guess("single", t[None], y[None], m[None])
            lo, hi = default_bounds("single", t[None], m[None], p0)
            p0 = np.clip(p0[0], lo[0] + 1e-9, hi[0] - 1e-9)
            popt, _ = curve_fit(single, t[m], y[m], p0=p0, sigma=e[m], bounds=(lo[0], hi[0]))
            taus.append(popt[2])
    return time.perf_counter() - t0, np.array(taus)


def run_child(task, n_files, cache, env):
    cmd = [sys.executable, __file__, "--child", task, "--files", str(n_files), "--cache", cache]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--devices", default="cpu")
    ap.add_argument("--child")
    ap.add_argument("--cache")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.files, a.cache)))
        return
    files = make_files(a.files)
    n_bins = sum(f.g2.shape[1] for f in files)
    loop_s, loop_tau = curve_fit_loop(files)
    print(f"{a.files} files x 12 bins = {n_bins} bins")
    print(
        f"curve_fit loop (bounded, per bin): {loop_s:.3f} s  ({1e3 * loop_s / n_bins:.2f} ms/bin)"
    )
    for device in a.devices.split(","):
        env = dict(
            os.environ,
            XPCS_USE_GPU="true" if device == "gpu" else "false",
            JAX_PLATFORMS="" if device == "gpu" else "cpu",
        )
        with tempfile.TemporaryDirectory() as cache:
            first = run_child("lsq", a.files, cache, env)  # empty cache: compiles and stores
            again = run_child("lsq", a.files, cache, env)  # new process, cache filled
            nuts = run_child("nuts", a.files, cache, env)
            svi = run_child("svi", a.files, cache, env)
        tau = np.array(first["tau"])
        rel = np.max(np.abs(tau / loop_tau - 1))
        print(
            f"[{first['device']}] batched fit_g2 ({first['converged']}/{n_bins} converged, "
            f"max {first['steps_max']} LM steps; max |tau/curve_fit - 1| = {rel:.1e})"
        )
        for label, s in (
            ("first run ever (empty cache)", first["first_s"]),
            ("new process, cache filled", again["first_s"]),
            ("warm (same process)", first["warm_s"]),
        ):
            print(f"  {label:32s} {s:8.3f} s   {loop_s / s:7.1f}x vs curve_fit loop")
        print(
            f"  NUTS 1 bin, 4 chains x 1000: cold {nuts['first_s']:.2f} s, warm {nuts['warm_s']:.2f} s"
            f" (max R-hat {nuts['r_hat_max']:.3f})"
        )
        print(f"  SVI all {n_bins} bins: cold {svi['first_s']:.2f} s, warm {svi['warm_s']:.2f} s")


if __name__ == "__main__":
    main()
