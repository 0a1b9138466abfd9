"""The tab models run without Qt (HOUSE.md, the napari/glue contract): every controller, its
state, the session and the tab list import and compute in a process where PySide6 and
pyqtgraph cannot be imported at all, and give the same numbers as the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"

_SCRIPT = r'''
import importlib.abc, json, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6"):
            raise ImportError(f"{name} is not available in this test")

sys.meta_path.insert(0, NoQt())
import numpy as np
import xpcsviewer as xv
from xpcsviewer.gui import session  # noqa: F401 - the session model is Qt-free too
from xpcsviewer.gui._token import CancelToken
from xpcsviewer.gui.tabs import TABS

path = sys.argv[1]
out = {}
for spec in TABS:
    controller = spec.controller()
    if hasattr(controller, "snapshot_setup"):
        controller.snapshot_setup()  # e.g. g2 with its fit on
    inputs = [xv.open(path)] if controller.opens_files else [__import__("pathlib").Path(path)]
    data = controller.prepare(inputs, CancelToken(), lambda fraction, message="": None)
    out[spec.key] = type(data).__name__
    if spec.key == "g2":
        ref = xv.fit_g2(xv.open(path), **data.fit_kwargs)
        out["g2_fit_equal"] = bool(np.allclose(data.fit.values, ref.values, rtol=1e-10,
                                               equal_nan=True))
        out["g2_columns"] = list(data.columns)
assert not [m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph")]
print(json.dumps(out))
'''


def test_every_controller_prepares_real_data_with_qt_unimportable():
    # NumPy backend: the point is the import graph and the controllers' logic, not JAX.
    env = {**os.environ, "XPCS_USE_JAX": "false"}
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(DATA / "aging_b_results.hdf")],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    keys = {"saxs_2d", "saxs_1d", "qmap", "g2", "diffusion", "trends", "twotime", "stability",
            "intensity", "average", "metadata"}
    assert keys <= set(out) and all(out[k] not in ("NoneType",) for k in keys), out
    assert out["g2_fit_equal"] and out["g2_columns"] == list(range(10))


def test_state_defaults_are_not_shared_between_instances():
    from xpcsviewer.gui.tabs.g2.controller import G2State

    first, second = G2State(), G2State()
    first.params["single"] = {"tau": 1.0}  # even a mutation in place stays in its own state
    assert second.params == {} and G2State.params == {}


def test_g2_overlays_at_most_a_readable_number_of_files_and_says_so():
    import xpcsviewer as xv
    from xpcsviewer.gui._token import CancelToken
    from xpcsviewer.gui.tabs.g2.controller import MAX_OVERLAY_FILES, G2Controller

    f = xv.open(DATA / "brownian_a_results.hdf")
    data = G2Controller().prepare([f] * (MAX_OVERLAY_FILES + 5), CancelToken(), lambda *a: None)
    assert len(data.files) == MAX_OVERLAY_FILES
    assert any(f"first {MAX_OVERLAY_FILES} of {MAX_OVERLAY_FILES + 5}" in n for n in data.notes)


def test_every_overlaid_g2_file_has_its_own_colour():
    """The overlay cap is the palette's length: a file past it would share a colour."""
    from xpcsviewer.gui.tabs.g2.controller import MAX_OVERLAY_FILES
    from xpcsviewer.gui.theme import THEMES

    assert all(len(set(t.lines)) >= MAX_OVERLAY_FILES for t in THEMES.values())
