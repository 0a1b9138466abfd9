"""sample_g2: NUTS on one brownian_a bin converges and covers the truth; progress and cancel."""

from __future__ import annotations

import functools
import json
import threading

import numpy as np
import pytest
from test_fit_support import load, truth

from xpcsviewer.fitting import _kernel_cache, sample_g2

COLUMN = 4  # a well-measured bin (chi2_red ~ 0.9)
# The g2 tab's NUTS settings (warmup = draws, 10 pieces) with 500 draws and 2 chains: the
# GUI test runs the same, so the suite compiles the sampler once (~15 s) instead of twice.
OPTIONS = {"num_samples": 500, "num_warmup": 500, "num_chains": 2, "chunks": 10, "seed": 0}


@pytest.fixture(autouse=True, scope="module")
def plain_jit():
    # This process samples through plain jax.jit, the reference: a first fit turns on the
    # default disk cache, whose NUTS artifacts the export test checks in a child process.
    # No cache folder, and none of the programs read from one earlier in this session.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_kernel_cache, "export_dir", lambda: None)
        patch.setattr(_kernel_cache, "_loaded", {})
        patch.setattr(_kernel_cache, "_via_export", set())
        yield


@functools.lru_cache(maxsize=1)
def nuts_result():
    return sample_g2(load(), COLUMN, **OPTIONS)


def test_nuts_converges_and_covers_truth():
    res = nuts_result()
    assert res.num_draws == 500 and res.num_chains == 2 and not res.cancelled
    assert res.divergences == 0
    for name, s in res.summary.items():
        assert s["r_hat"] < 1.01, (name, s)
        assert s["ess_bulk"] > 100, (name, s)
        assert s["hdi_3%"] < s["mean"] < s["hdi_97%"]
    target = 2.0 / truth()["rois"][COLUMN]["ideal_fit"]["b_tau_s"]  # g2 decay rate, 1/s
    rate = res.summary["rate"]
    assert abs(rate["mean"] - target) < 3 * rate["sd"]
    # Started at the least-squares optimum, the posterior mean stays close to it.
    assert abs(res.summary["tau"]["mean"] - res.lsq["tau"]) < res.summary["tau"]["sd"]


def test_nuts_bands_and_export(tmp_path):
    res = nuts_result()
    assert np.all(res.band_lo <= res.band_mid) and np.all(res.band_mid <= res.band_hi)
    m = res.mask
    inside = (res.g2[m] >= res.ppc_lo[m]) & (res.g2[m] <= res.ppc_hi[m])
    assert inside.mean() > 0.8  # a 94 % predictive band holds most measured points
    doc = json.loads(res.to_json(tmp_path / "nuts.json"))
    assert doc["summary"]["tau"]["r_hat"] < 1.01 and "priors" in doc["provenance"]["extra"]
    assert res.to_csv().count("\n") >= 5


def test_same_seed_same_draws_and_progress_then_cancel():
    seen = []
    again = sample_g2(load(), COLUMN, **OPTIONS, progress=lambda frac, msg: seen.append(frac))
    np.testing.assert_array_equal(again.samples["tau"], nuts_result().samples["tau"])
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 20
    stop = threading.Event()

    def progress(frac, _msg):
        if frac >= 0.7:  # warmup ends at 0.5; stop 4 pieces (200 draws) into sampling
            stop.set()

    part = sample_g2(load(), COLUMN, **OPTIONS, progress=progress, cancel=stop)
    assert part.cancelled and part.num_draws == 200


_CHILD = """
import json, sys
import numpy as np
import xpcsviewer
from xpcsviewer.backends import enable_compilation_cache, set_backend
from xpcsviewer.fitting import _kernel_cache, _nuts_kernel, sample_g2
set_backend("jax")
enable_compilation_cache()  # the folder XPCS_JAX_CACHE_DIR names (empty at first)
options = json.loads(sys.argv[2])
out = {}
for run in ("exported", "loaded"):
    res = sample_g2(xpcsviewer.open(sys.argv[1]), int(sys.argv[3]), **options)
    out[run] = {k: np.asarray(v).tolist() for k, v in res.samples.items()}
    out[run + " traces"] = _nuts_kernel.traces()
    # As a new process starts: nothing built in memory, the artifacts on disk.
    _kernel_cache._loaded.clear()
    _nuts_kernel.compiled.cache_clear()
out["stats"] = _kernel_cache.cache_stats()
print(json.dumps(out))
"""


def test_nuts_through_the_export_cache_draws_what_plain_jit_draws(tmp_path):
    # A new process exports NUTS's init and advance (one trace each), then, with nothing
    # left in memory, loads them from disk without tracing; both runs draw what this
    # process's plain jax.jit programs draw (``plain_jit``) with the same seed.
    import os
    import subprocess
    import sys
    from pathlib import Path

    from test_fit_support import BROWNIAN

    env = dict(os.environ, XPCS_JAX_CACHE_DIR=str(tmp_path),
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(BROWNIAN), json.dumps(OPTIONS),
                           str(COLUMN)], env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["stats"]["exported"] >= 2 and out["stats"]["loaded"] >= 2
    assert out["exported traces"] >= 2 and out["loaded traces"] == out["exported traces"]
    assert len(list(tmp_path.glob("xpcs_exported/nuts_*.jaxexport"))) == 2
    ref = nuts_result().samples
    for run in ("exported", "loaded"):
        assert set(out[run]) == set(ref)
        for name, values in ref.items():
            np.testing.assert_allclose(out[run][name], values, rtol=1e-12, atol=0)
