"""The GUI's longest event-loop gap while a background job runs (issue 16: goal < 100 ms).

A 5 ms QTimer ticks on the GUI thread (offscreen) while the job runner (``gui/jobs.py``) runs
one job; the longest time between two ticks is how long the window could not repaint or
react. Each job is measured from its submission to its result reaching the GUI thread (the
drawing of the result is the tab's, not the job's, and is left out).

Jobs, as the g2 tab runs them: the least-squares fit of brownian_a (single) and of phi_c
(stretched; first, then again), NUTS on one bin (500 warmup + 500 draws, 2 chains: the tab's
defaults), and SVI (``posterior_g2``) of brownian_a (``--jobs g2``). The other tabs' jobs
(``--jobs tabs``), each the controller's own ``prepare``/``write`` on copies of the real
files in a temporary folder: Trends (g2 fits of 23 files, then of one more with the rest
reused), Diffusion (τ(q) with α free and 2, and per φ sector of phi_c), Average (preview and
write of 8 files), and the folder listing (names of 200 files, then the summaries of one
64-file chunk, as the window reads them). Each mode runs in a new process:

  thread   -- the job's JAX call on the job thread (before issue 16)
  process  -- the call in the job runner's worker process (``gui/offload.py``); the
              process start (spawn, import JAX, ready) is measured first, on its own

With the disk caches (compile + exported solver) warm, as a second session has them;
``--cold`` uses no disk cache (every program traced in the measuring process). The
measuring process calls ``gc.freeze()`` after its set-up, as the app does (``--no-freeze``:
without; a full collection over JAX's and Qt's objects alone took 40-140 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_gui_gaps.py [--cold] [--modes thread,process]
        [--jobs g2,tabs]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


class GapMeter:
    """Longest gap between ticks of a 5 ms timer: how long the GUI thread was busy."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.gap = 0.0
        self.last = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gap = max(self.gap, now - self.last)
        self.last = now

    def __enter__(self) -> GapMeter:
        self.gap, self.last = 0.0, time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._tick()
        self.timer.stop()


def _jobs():
    import xpcsviewer as xv
    from xpcsviewer.gui.offload import fit_input, offload

    a = xv.open(DATA / "brownian_a_results.hdf")
    c = xv.open(DATA / "phi_c_results.hdf")

    def fit(f, model):
        return lambda token, progress: offload(xv.fit_g2, fit_input(f), model=model)

    def nuts(token, progress):
        return offload(xv.sample_g2, fit_input(a), 3, model="single", num_samples=500,
                       num_warmup=500, num_chains=2, progress=progress,
                       cancel=lambda: token.cancelled)

    def svi(token, progress):
        return offload(xv.posterior_g2, fit_input(a), model="single")

    return [("fit single, brownian_a (12 bins)", fit(a, "single")),
            ("fit stretched, phi_c (59 bins), first", fit(c, "stretched")),
            ("fit stretched, phi_c, again", fit(c, "stretched")),
            ("NUTS, brownian_a bin 3 (2x1000 steps)", nuts),
            ("SVI, brownian_a (12 bins)", svi)]


def _tab_jobs(folder: Path):
    """The jobs of the Diffusion, Trends and Average tabs and of the folder listing, as the
    tab driver and the window run them (``controller.prepare`` / ``write`` on the files)."""
    import numpy as np

    import xpcsviewer as xv
    from xpcsviewer.gui.tabs.average.controller import AverageController
    from xpcsviewer.gui.tabs.diffusion.controller import DiffusionController
    from xpcsviewer.gui.tabs.trends.controller import TrendsController
    from xpcsviewer.io import list_folder, summarize

    c = xv.open(DATA / "phi_c_results.hdf")
    # The g2 tab's published fit (set-up, not measured; NumPy, so that this process has
    # traced no JAX fit: in the app the g2 tab's fit runs in the job process).
    phi_fit = xv.fit_g2(c, model="single", backend="numpy")
    diffusion = DiffusionController()
    diffusion.state.g2_fit, diffusion.state.g2_phi = phi_fit, [np.asarray(c.dynamic_phi)]
    trends, average = TrendsController(), AverageController()
    runs = sorted(folder.glob("run_*.hdf"))
    same = sorted(folder.glob("brownian_*.hdf"))
    box: dict[str, object] = {}

    def opened(paths):
        return [xv.open(p) for p in paths]

    def diffusion_job(token, progress):
        return diffusion.prepare([c.path], token, progress)

    def trends_job(paths):
        return lambda token, progress: trends.prepare(opened(paths), token, progress)

    def average_preview(token, progress):
        box["avg"] = average.prepare(opened(same), token, progress)
        return box["avg"]

    def average_write(token, progress):
        return average.write(box["avg"], folder / "out" / f"avg_{os.getpid()}.hdf", token, progress)

    def summarize_chunk(token, progress):
        return [summarize(p) for p in sorted(folder.glob("*.hdf"))[:64]]

    # Trends first: the first JAX fit of this process (thread mode) or of the tabs' calls.
    return [(f"Trends: fit {len(runs) - 1} files (new)", trends_job(runs[:-1])),
            (f"Trends: {len(runs)} files, 1 new", trends_job(runs)),
            ("Diffusion: tau(q) + 6 phi sectors, phi_c", diffusion_job),
            ("Diffusion, again", diffusion_job),
            (f"Average: preview of {len(same)} files", average_preview),
            (f"Average: write {len(same)} files", average_write),
            (f"folder: list {len(list(folder.glob('*.hdf')))} files",
             lambda token, progress: list_folder(folder)),
            ("folder: summaries of 64 files", summarize_chunk)]


def make_folder(root: Path, n_runs: int = 24, n_same: int = 8, n_more: int = 200) -> Path:
    """Copies of the real files: ``run_*`` (brownian_a, phi_c, aging_b in turn) for Trends,
    ``brownian_*`` for Average, and ``more_*`` to make a folder of ``n_more`` files to list."""
    import shutil

    folder = root / "files"
    (folder / "out").mkdir(parents=True, exist_ok=True)
    kinds = ["brownian_a", "phi_c", "aging_b"]
    for i in range(n_runs):
        shutil.copy(DATA / f"{kinds[i % 3]}_results.hdf", folder / f"run_{i:03d}.hdf")
    for i in range(n_same):
        shutil.copy(DATA / "brownian_a_results.hdf", folder / f"brownian_{i:03d}.hdf")
    for i in range(max(0, n_more - n_runs - n_same)):
        shutil.copy(DATA / "brownian_a_results.hdf", folder / f"more_{i:03d}.hdf")
    return folder


def child(mode: str, no_freeze: bool = False, jobs: str = "g2,tabs",
          folder: str = "") -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from xpcsviewer.backends import enable_compilation_cache, set_backend
    from xpcsviewer.gui.jobs import JobRunner

    app = QApplication.instance() or QApplication([])
    set_backend("jax")
    enable_compilation_cache()
    runner = JobRunner()
    out: dict[str, object] = {}
    if not no_freeze:
        gc.freeze()  # as gui/app.py does after start-up
    if mode == "process":
        start = time.perf_counter()
        with GapMeter() as meter:
            worker = runner.use_worker_process()
            while worker._ready.wait(0.0) is False:  # the child imports JAX meanwhile
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        out["process start"] = {"gap_ms": meter.gap * 1e3, "s": time.perf_counter() - start}
    # The floor: the same meter with nothing running (the machine's load alone).
    idle = QEventLoop()
    with GapMeter() as meter:
        QTimer.singleShot(3000, idle.quit)
        idle.exec()
    out["idle, 3 s (no job)"] = {"gap_ms": meter.gap * 1e3, "s": 3.0}
    chosen = (_jobs() if "g2" in jobs else []) + (_tab_jobs(Path(folder)) if "tabs" in jobs else [])
    for name, fn in chosen:
        loop, box = QEventLoop(), {}
        start = time.perf_counter()
        with GapMeter() as meter:
            runner.submit(name, fn,
                          on_result=lambda r, box=box, loop=loop: (box.update(r=r), loop.quit()),
                          on_error=lambda e, box=box, loop=loop: (box.update(e=e), loop.quit()))
            loop.exec()
        if "e" in box:
            raise RuntimeError(f"{name}: {box['e'].traceback}")
        out[name] = {"gap_ms": meter.gap * 1e3, "s": time.perf_counter() - start,
                     "load": os.getloadavg()[0]}
    if mode == "process":
        out["remote_calls"] = runner._worker.remote_calls  # all five ran in the process
    runner.shutdown(-1)
    app.processEvents()
    print("RESULT " + json.dumps(out))


def _run(mode: str, cache: str, no_freeze: bool = False, jobs: str = "g2,tabs",
         folder: str = "") -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XPCS_JAX_CACHE_DIR=cache,
               QT_QPA_PLATFORM="offscreen")
    extra = (["--no-freeze"] if no_freeze else []) + ["--jobs", jobs, "--folder", folder]
    done = subprocess.run([sys.executable, __file__, "--child", mode, *extra], env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--modes", default="thread,process")
    parser.add_argument("--cold", action="store_true", help="no disk cache: trace everything")
    parser.add_argument("--jobs", default="g2,tabs",
                        help="g2: the g2 tab's jobs; tabs: Diffusion, Trends, Average, folder")
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave out gc.freeze() (the app calls it after start-up)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.no_freeze, args.jobs, args.folder)
        return
    with tempfile.TemporaryDirectory(prefix="xpcs-bench-gaps-") as tmp:
        cache = "" if args.cold else tmp
        folder = str(make_folder(Path(tmp))) if "tabs" in args.jobs else ""
        if not args.cold:  # fill the disk caches, as an earlier session would
            _run("thread", cache, jobs=args.jobs, folder=folder)
        results = {m: _run(m, cache, args.no_freeze, args.jobs, folder)
                   for m in args.modes.split(",")}
    names = list(dict.fromkeys(k for r in results.values() for k, v in r.items()
                               if isinstance(v, dict)))
    print(f"load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    print(f"longest GUI event-loop gap per job ({'no' if args.cold else 'warm'} disk cache"
          f"{', no gc.freeze' if args.no_freeze else ''}; goal < 100 ms), and the job's time:")
    print(f"  {'job':42s}" + "".join(f"{m:>26s}" for m in results)
          + "   (L: 1-min load average at the job's end)")
    for name in names:
        cells = []
        for r in results.values():
            v = r.get(name)
            cells.append(f"{v['gap_ms']:6.0f} ms {v['s']:6.2f} s L{v.get('load', float('nan')):4.1f}"
                         if v else f"{'-':>22s}")
        print(f"  {name:42s}" + "".join(f"{c:>26s}" for c in cells))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
