"""The fit warm-up at start-up runs as a job and never keeps the app from quitting cleanly.

Closing the window while a program is being built cancels the warm-up: the pair in flight
finishes (a JAX trace cannot be interrupted), no further pair starts, and the worker thread
is joined; a real process closed during its warm-up exits with status 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from conftest import WAIT_MS

from xpcsviewer.fitting import _fit_g2
from xpcsviewer.gui.warm_up import JOB_NAME, start_fit_warm_up

ROOT = Path(__file__).resolve().parents[2]


def test_closing_the_window_during_warm_up_cancels_and_joins_it(make_window, qtbot, monkeypatch):
    from xpcsviewer.backends import set_backend

    set_backend("jax")
    window = make_window()
    real_fit, built = _fit_g2.fit_g2, []
    closed = threading.Event()

    def fit_until_closed(data, model, **kwargs):
        # The first program is "building" until the window has been closed.
        built.append(model)
        assert closed.wait(WAIT_MS / 1000)
        return real_fit(data, model=model, **kwargs)

    monkeypatch.setattr(_fit_g2, "fit_g2", fit_until_closed)
    job = start_fit_warm_up(window.runner, models=("single", "stretched"), buckets=((32, 48),))
    assert job.name == JOB_NAME and job in window.runner.running
    qtbot.waitUntil(lambda: built == ["single"], timeout=WAIT_MS)
    runner = window.runner
    # Closing cancels the jobs, then waits for them: let the "build" end once cancelled.
    runner.cancel_all = _and_then(runner.cancel_all, closed.set)
    window.close()  # what quitting does: closeEvent cancels the jobs and waits for them
    assert runner.shutdown(timeout_ms=-1)  # joined: nothing left on the pool's threads
    assert job.token.cancelled
    assert built == ["single"]  # the pair in flight finished, the next never started
    qtbot.waitUntil(lambda: job.done, timeout=WAIT_MS)


def _and_then(first, then):
    def both():
        first()
        then()
    return both


def test_no_warm_up_on_the_numpy_backend(make_window):
    from xpcsviewer.backends import set_backend

    set_backend("numpy")
    window = make_window()
    assert start_fit_warm_up(window.runner) is None
    assert window.runner.running == []


_APP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import xpcsviewer.gui.warm_up as warm
from xpcsviewer.gui import app as gui_app
qt = QApplication(sys.argv[:1])
real, started = warm.start_fit_warm_up, []
def spy(runner, **kw):
    started.append(real(runner, **kw))
    return started[-1]
warm.start_fit_warm_up = spy  # app.run imports it when it runs
def close_when_building():
    if started and started[0].message.startswith("preparing"):
        for w in qt.topLevelWidgets():
            w.close()
    else:
        QTimer.singleShot(20, close_when_building)
QTimer.singleShot(20, close_when_building)
code = gui_app.run(folder=sys.argv[1])
qt.processEvents()  # the job's end, queued by its worker, reaches the GUI thread
print("WARM-UP", started[0].token.cancelled, started[0].done)
sys.exit(code)
"""


def test_a_real_process_closed_during_warm_up_exits_cleanly(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path),
               XPCS_JAX_CACHE_DIR="", XPCS_USE_JAX="true")
    done = subprocess.run([sys.executable, "-c", _APP, str(folder)], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Fatal Python error" not in done.stderr and "terminate called" not in done.stderr
    assert "WARM-UP True True" in done.stdout  # it was running, was cancelled, and ended


def test_the_warm_up_prepares_nuts_as_the_bayesian_fit_button_runs_it(make_window, qtbot,
                                                                      monkeypatch):
    # The NUTS part gets the g2 tab's defaults; that these options build the very program a
    # real call then reuses is tests/gui/test_offload.py's warm-up test.
    import xpcsviewer.fitting as fitting
    from xpcsviewer.backends import set_backend
    from xpcsviewer.gui.tabs.g2.controller import G2Controller, G2State

    set_backend("jax")
    calls = []
    monkeypatch.setattr(fitting, "warm_up", lambda **kw: calls.append(("lsq", kw)) or {})
    monkeypatch.setattr(fitting, "warm_up_nuts",
                        lambda **kw: calls.append(("nuts", kw)) or {("single", 48): 0.0})
    window = make_window()
    job = start_fit_warm_up(window.runner)
    qtbot.waitUntil(lambda: job.done, timeout=WAIT_MS)
    assert [name for name, _ in calls] == ["lsq", "nuts"]  # NUTS after the least squares
    nuts = calls[1][1]
    assert callable(nuts.pop("cancelled")) and callable(nuts.pop("progress"))
    button = G2Controller().bayes_kwargs(G2State().as_dict())
    assert button["fixed"] is None and button["bounds"] is None
    assert nuts == {"models": (button["model"],), "num_samples": button["num_samples"],
                    "num_warmup": button["num_warmup"], "num_chains": button["num_chains"]}
    assert nuts["num_samples"] == 500 and nuts["num_chains"] == 2  # the documented defaults
