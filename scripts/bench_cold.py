"""Cold start, measured the way a scientist meets it: a new process that imports, opens, fits.

Prints, in one run, for each file and model (seconds from the first line of a new Python
process: imports + open + fit of every bin; the interpreter's own start-up is left out):

  scipy baseline   -- the APS-viewer way: h5py read + ``scipy.optimize.curve_fit`` per bin
  numpy backend    -- our NumPy Levenberg-Marquardt (no JAX at all)
  no disk cache    -- JAX, nothing on disk (``XPCS_JAX_CACHE_DIR=""``): trace + compile
  cold cache       -- JAX, empty cache folder: the first fit ever on this machine
  compile cache    -- JAX, XLA compile cache warm but no exported solver (before issue 16)
  warm cache       -- JAX, compile cache + exported solver warm (what a second session gets)
  default (now)    -- a plain script (no backend chosen, nothing configured), caches warm:
                      single/stretched run on NumPy while JAX is cold, double on JAX

and the two-time first view (dstep_c, 1500 frames): what the Two-time tab's job computes
(``TwotimeController.prepare``: C2, diagonal correction, display decimation, the two cuts, g2
from age windows), then its second stage (τ per window), before and after issue 16, cold
(a new process, empty compile cache) and warm (the same process: another bin, another file of
a new size in the bucket, a smaller file). Each figure is the median of ``--repeat`` new processes
(cold ones use a new empty folder each time). Ratios are to the scipy baseline of the same
run; the machine may be shared, so compare ratios, not absolute times. Needs the ``bench``
extra (scipy).

    .venv/bin/python scripts/bench_cold.py [--models single,stretched,double] [--repeat 3]
        [--files brownian_a,phi_c] [--quick] [--no-twotime | --twotime-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FILES = ("brownian_a", "phi_c")

_SCIPY = r"""
import time; t0 = time.perf_counter()
import sys, h5py, hdf5plugin, numpy as np
from scipy.optimize import curve_fit
path, model = sys.argv[1], sys.argv[2]
with h5py.File(path, "r") as h5:
    g2 = h5["/xpcs/multitau/normalized_g2"][()]
    err = h5["/xpcs/multitau/normalized_g2_err"][()]
    t = h5["/xpcs/multitau/delay_list"][()].ravel() * float(
        np.ravel(h5["/entry/instrument/detector_1/frame_time"][()])[0])
def single(t, b, c, tau): return b + c * np.exp(-2 * t / tau)
def stretched(t, b, c, tau, g): return b + c * np.exp(-2 * (t / tau) ** g)
def double(t, b, c, f, t1, g1, t2, g2_):
    return b + c * (f * np.exp(-(t / t1) ** g1) + (1 - f) * np.exp(-(t / t2) ** g2_)) ** 2
fn = {"single": single, "stretched": stretched, "double": double}[model]
lo = {"single": [0, 0, t[0] / 100], "stretched": [0, 0, t[0] / 100, 0.1],
      "double": [0, 0, 0, t[0] / 100, 0.1, t[0] / 100, 0.1]}[model]
hi = {"single": [2, 1, t[-1] * 100], "stretched": [2, 1, t[-1] * 100, 2],
      "double": [2, 1, 1, t[-1] * 100, 2, t[-1] * 100, 2]}[model]
n_ok = 0
for k in range(g2.shape[1]):
    y, s = g2[:, k], err[:, k]
    ok = np.isfinite(y) & np.isfinite(s) & (s > 0)
    if ok.sum() <= len(lo):
        continue
    tm = t[np.argmin(np.abs(y - (y[-1] + (y[0] - y[-1]) / np.e)))]
    p0 = {"single": [y[-1], y[0] - y[-1], tm], "stretched": [y[-1], y[0] - y[-1], tm, 1.0],
          "double": [y[-1], y[0] - y[-1], 0.5, tm / 3, 1.0, tm * 3, 1.0]}[model]
    p0 = np.clip(p0, np.add(lo, 1e-9), np.subtract(hi, 1e-9))
    try:
        curve_fit(fn, t[ok], y[ok], p0=p0, sigma=s[ok], bounds=(lo, hi), maxfev=5000)
        n_ok += 1
    except (RuntimeError, ValueError):
        pass
print("RESULT", time.perf_counter() - t0, n_ok)
"""

_OURS = r"""
import time; t0 = time.perf_counter()
import sys, os
import xpcsviewer
path, model, backend, export = sys.argv[1:5]
if backend == "default":  # a scientist's script: nothing chosen, nothing configured
    fit = xpcsviewer.fit_g2(xpcsviewer.open(path), model=model)
    print("RESULT", time.perf_counter() - t0, fit.provenance.backend)
    raise SystemExit
from xpcsviewer.backends import enable_compilation_cache, set_backend
set_backend(backend)
if backend == "jax":
    enable_compilation_cache()
    if export == "off":  # the state before the export cache: compile cache only
        from xpcsviewer.fitting import _kernel_cache
        _kernel_cache.export_dir = lambda: None
from xpcsviewer.fitting import fit_g2
fit = fit_g2(xpcsviewer.open(path), model=model, backend=backend)
print("RESULT", time.perf_counter() - t0, sum(s.value != "failed" for s in fit.status))
"""

_TWOTIME = r"""
import time; t0 = time.perf_counter()
import sys
import xpcsviewer
from xpcsviewer.backends import enable_compilation_cache, get_backend
from xpcsviewer.gui._token import CancelToken
from xpcsviewer.gui.tabs.twotime.controller import TwotimeController
if sys.argv[1] == "before":  # the tab before issue 16: one stage, every kernel on JAX
    import numpy as np
    from xpcsviewer.compute import correct_diagonal, cut_at_age, cut_at_lag, prepare_display
    from xpcsviewer.fitting import fit_aging
    class TwotimeController:
        state = type("S", (), {"bin": None})()
        def prepare(self, files, token, progress):
            f = files[0]
            col = f.c2_bins[0] if self.state.bin is None else self.state.bin
            c2 = f.c2(col)
            t = np.asarray(c2.t, dtype=np.float64)
            prepare_display(c2.matrix, t, max_size=500, diagonal_correction=True)
            dt, span = float(t[1] - t[0]), float(t[-1] - t[0])
            lag, age = max(dt, round(0.05 * span / dt) * dt), 0.5 * (t[0] + t[-1])
            c = correct_diagonal(c2.matrix)
            cut_at_lag(c, t, lag), cut_at_age(c, t, age)
            # on JAX, as then (fit_aging's default is NumPy on a CPU now); the cuts above run
            # today's bucketed kernel, not the eager interpax of then (bench_compute --first-use)
            return fit_aging(c2, 4, q=float(f.dynamic_q[col]), min_pairs=100,
                             backend=get_backend().name)
        def refine(self, data, files, token, progress):
            return data
if get_backend().name == "jax":  # imports JAX only when the view needs it
    enable_compilation_cache()
tab, token = TwotimeController(), CancelToken()
def view(spec):
    path, _, column = spec.partition(":")
    tab.state.bin = int(column) if column else None
    start = time.perf_counter()
    f = xpcsviewer.open(path)
    data = tab.prepare([f], token, lambda *a: None)
    shown = time.perf_counter()
    tab.refine(data, [f], token, lambda *a: None)
    return shown - start, time.perf_counter() - shown, shown - t0
first, fit, since_start = view(sys.argv[2])
print("FIRST", since_start, first, fit)
for spec in sys.argv[3:]:
    print("WARM", spec, *view(spec)[:2])
print("RESULT", time.perf_counter() - t0, 0)
"""


def _child(code: str, args: list[str], cache: str | None) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if cache is not None:
        env["XPCS_JAX_CACHE_DIR"] = cache
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({done.returncode}):\n{done.stderr[-2000:]}")
    _, seconds, extra = lines[-1].split()
    return float(seconds), extra


def _median(fn, repeat: int) -> tuple[float, str]:
    runs = [fn() for _ in range(repeat)]
    return float(np.median([r[0] for r in runs])), runs[-1][1]


def _fit_rows(path: Path, model: str, repeat: int, scratch: Path,
              quick: bool = False) -> dict[str, tuple]:
    rows: dict[str, tuple] = {}
    p = str(path)

    def fresh() -> str:
        return tempfile.mkdtemp(dir=scratch)

    rows["scipy baseline"] = _median(lambda: _child(_SCIPY, [p, model], None), repeat)
    rows["numpy backend"] = _median(
        lambda: _child(_OURS, [p, model, "numpy", "on"], ""), repeat)
    if not quick:
        rows["no disk cache"] = _median(
            lambda: _child(_OURS, [p, model, "jax", "on"], ""), repeat)
        rows["cold cache"] = _median(
            lambda: _child(_OURS, [p, model, "jax", "on"], fresh()), repeat)
    compile_only = fresh()
    _child(_OURS, [p, model, "jax", "off"], compile_only)  # fill the XLA cache only
    rows["compile cache"] = _median(
        lambda: _child(_OURS, [p, model, "jax", "off"], compile_only), repeat)
    warm = fresh()
    _child(_OURS, [p, model, "jax", "on"], warm)  # fill both caches
    rows["warm cache"] = _median(lambda: _child(_OURS, [p, model, "jax", "on"], warm), repeat)
    # What `import xpcsviewer; fit_g2(open(f))` does now (issue 16): a small single or
    # stretched first fit runs on NumPy without importing JAX (fitting/_engine_choice.py);
    # a double fit runs on JAX with the disk caches the fit now enables by itself.
    rows["default (now)"] = _median(
        lambda: _child(_OURS, [p, model, "default", "on"], warm), repeat)
    return rows


def _cropped(scratch: Path, frames: int) -> Path:
    """dstep_c with every C2 map cut to ``frames`` frames: a new map size in the same bucket."""
    import shutil

    import h5py

    path = scratch / f"dstep_c_{frames}_results.hdf"
    shutil.copyfile(DATA / "dstep_c_results.hdf", path)
    with h5py.File(path, "a") as h5:
        maps = h5["xpcs/twotime/correlation_map"]
        for name in list(maps):
            m = maps[name][:frames, :frames]
            del maps[name]
            maps.create_dataset(name, data=m, compression="lzf")
    return path


def _twotime_child(stage: str, specs: list[str], cache: str) -> dict[str, tuple]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XPCS_JAX_CACHE_DIR=cache)
    done = subprocess.run([sys.executable, "-c", _TWOTIME, stage, *specs], env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}):\n{done.stderr[-2000:]}")
    rows = {}
    for line in done.stdout.splitlines():
        if line.startswith("FIRST"):
            rows["first"] = tuple(float(v) for v in line.split()[1:])
        elif line.startswith("WARM"):
            rows[line.split()[1]] = tuple(float(v) for v in line.split()[2:])
    return rows


def _twotime(scratch: Path, repeat: int) -> dict:
    """Two-time first view, before (one stage on JAX) and after (first view on NumPy, then τ),
    cold and warm in one new process each: the first view of dstep_c (1500 frames) with an
    empty compile cache, then in the same process a second bin of it, a second file with a
    new map size in the same bucket (1450 frames) and aging_b (1000 frames)."""
    p = str(DATA / "dstep_c_results.hdf")
    crop = str(_cropped(scratch, 1450))
    specs = [f"{p}:3", f"{crop}:2", f"{DATA / 'aging_b_results.hdf'}:5"]
    names = ["second bin (1500)", "new size (1450)", "aging_b (1000)"]
    load = os.getloadavg()
    print(f"\ntwo-time first view (load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, "
          f"2 cores; medians of {repeat} new processes, each with an empty compile cache):")
    out = {}
    for stage in ("before", "after"):
        runs = [_twotime_child(stage, [p, *specs], tempfile.mkdtemp(dir=scratch))
                for _ in range(repeat)]
        med = {k: np.median([r[k] for r in runs], axis=0) for k in runs[0]}
        since_start, first, fit = med["first"]
        warm = [med[s][0] for s in specs]
        warm_fit = [med[s][1] for s in specs]
        out[stage] = {"cold_from_start": since_start, "cold_view": first, "cold_fit": fit,
                      "warm_view": dict(zip(names, warm, strict=True)),
                      "warm_fit": dict(zip(names, warm_fit, strict=True))}
        what = ("map + cuts + g2 windows + τ fit, all on JAX" if stage == "before" else
                "map + cuts + g2 windows on NumPy; τ fit after, in the background")
        print(f"  {stage} ({what}):")
        print(f"    cold: {since_start:6.2f} s from process start ({first:5.2f} s open + view)"
              + (f", τ fit {fit:5.2f} s more" if stage == "after" else ""))
        print("    warm: " + ", ".join(f"{n} {w:5.2f} s" for n, w in zip(names, warm, strict=True))
              + ("" if stage == "before" else
                 "; τ fit " + ", ".join(f"{w:5.2f}" for w in warm_fit) + " s"))
    b, a = out["before"], out["after"]
    print(f"  after/before: cold from start {a['cold_from_start'] / b['cold_from_start']:.3f}, "
          f"cold view {a['cold_view'] / b['cold_view']:.3f}, warm "
          + ", ".join(f"{a['warm_view'][n] / b['warm_view'][n]:.3f}" for n in names)
          + "   (goals: cold <= 2 s, warm <= 0.3 s)")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="single,stretched,double")
    parser.add_argument("--files", default=",".join(FILES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-twotime", action="store_true")
    parser.add_argument("--twotime-only", action="store_true", help="only the two-time first view")
    parser.add_argument("--quick", action="store_true",
                        help="skip the (slow) no-disk-cache and cold-cache rows")
    args = parser.parse_args()
    report = {}
    with tempfile.TemporaryDirectory(prefix="xpcs-bench-cold-") as tmp:
        scratch = Path(tmp)
        for name in [] if args.twotime_only else args.files.split(","):
            path = DATA / f"{name}_results.hdf"
            for model in args.models.split(","):
                rows = _fit_rows(path, model, args.repeat, scratch, args.quick)
                base = rows["scipy baseline"][0]
                print(f"\n{name} ({rows['scipy baseline'][1]} bins fitted by scipy), {model}:")
                for label, (sec, n_ok) in rows.items():
                    what = (f"on {n_ok}" if label == "default (now)"
                            else f"{n_ok} bins not failed")
                    print(f"  {label:15s} {sec:6.2f} s  {sec / base:5.2f}x baseline  ({what})")
                report[f"{name}/{model}"] = {k: v[0] for k, v in rows.items()}
        if not args.no_twotime:
            report["twotime"] = _twotime(scratch, args.repeat)
    print("\n" + json.dumps(report))


if __name__ == "__main__":
    main()
