"""The g2 tab's first "Bayesian fit" in a new window, with and without the NUTS warm-up.

Issue 16: a first NUTS sat at 0 % for seconds while the job process traced NumPyro's NUTS
(JAX's persistent compilation cache does not skip a trace). Each mode runs in a new
process, as a new window: the job runner's worker process starts, the start-up warm-up
(``gui/warm_up.py``) runs to its end, then the Bayesian fit of brownian_a bin 3 is asked for
with the tab's default settings (``G2Controller.run_bayes``: single, 500 warmup + 500 draws,
2 chains). Printed: the warm-up's time, and from the click the time to the first progress
report reaching the GUI thread, to the result, and the longest GUI event-loop gap.

  before -- the warm-up of the least-squares programs only (``nuts={}``)
  after  -- with the NUTS programs of the button's defaults (the app's warm-up)

With the disk caches (compile + exported solver) warm, as a second session has them (a first
run fills them).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_first_nuts.py [--modes before,after]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
COLUMN = 3


def child(mode: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench_gui_gaps import GapMeter
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    import xpcsviewer as xv
    from xpcsviewer.backends import enable_compilation_cache, set_backend
    from xpcsviewer.gui.jobs import JobRunner
    from xpcsviewer.gui.tabs.g2.controller import G2Controller, G2State
    from xpcsviewer.gui.warm_up import start_fit_warm_up

    app = QApplication.instance() or QApplication([])
    set_backend("jax")
    enable_compilation_cache()
    runner = JobRunner()
    start = time.perf_counter()
    runner.use_worker_process()
    submit, spent = runner.submit, {}
    runner.submit = lambda name, fn: submit(name, fn, on_result=spent.update)  # the warm-up's
    warm = start_fit_warm_up(runner, nuts={} if mode == "before" else None)
    runner.submit = submit
    # Wait idle, as a window does (a processEvents loop would take a core from the job).
    idle, poll = QEventLoop(), QTimer()
    poll.timeout.connect(lambda: warm.done and idle.quit())
    poll.start(50)
    idle.exec()
    poll.stop()
    out: dict[str, float] = {"start + warm-up s": time.perf_counter() - start,
                             "warm-up NUTS s": sum(v for k, v in spent.items() if len(k) == 2)}
    controller, settings = G2Controller(), G2State().as_dict()
    settings["bayes_column"] = COLUMN
    f = xv.open(DATA / "brownian_a_results.hdf")
    loop, seen = QEventLoop(), {}

    def heard(job) -> None:
        seen.setdefault("first", time.perf_counter())

    clicked = time.perf_counter()
    with GapMeter() as meter:
        runner.submit("NUTS", lambda token, progress: controller.run_bayes(
                          f, COLUMN, settings, token, progress),
                      on_result=lambda r: (seen.update(r=r), loop.quit()),
                      on_error=lambda e: (seen.update(e=e), loop.quit()),
                      on_progress=heard)
        loop.exec()
    done = time.perf_counter()
    if "e" in seen:
        raise RuntimeError(seen["e"].traceback)
    out.update({"first progress s": seen["first"] - clicked, "result s": done - clicked,
                "gap ms": meter.gap * 1e3, "draws": float(seen["r"].num_draws),
                "in the job process": float(runner._worker.remote_calls >= 2)})
    runner.shutdown(-1)
    app.processEvents()
    print("RESULT " + json.dumps(out))


def _run(mode: str, cache: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XPCS_JAX_CACHE_DIR=cache,
               QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, __file__, "--child", mode], env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--modes", default="before,after")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="xpcs-bench-nuts-") as cache:
        _run("after", cache)  # fill the disk caches, as an earlier session would
        results = {m: _run(m, cache) for m in args.modes.split(",")}
    print(f"load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    keys = list(next(iter(results.values())))
    print(f"  {'':22s}" + "".join(f"{m:>12s}" for m in results))
    for k in keys:
        print(f"  {k:22s}" + "".join(f"{r[k]:12.2f}" for r in results.values()))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
