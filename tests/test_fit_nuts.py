"""sample_g2: NUTS on one brownian_a bin converges and covers the truth; progress and cancel."""

from __future__ import annotations

import functools
import json
import threading

import numpy as np
from test_fit_support import load, truth

from xpcsviewer.fitting import sample_g2

COLUMN = 4  # a well-measured bin (chi2_red ~ 0.9)
# The g2 tab's NUTS settings (warmup = draws, 10 pieces) with 500 draws and 2 chains: the
# GUI test runs the same, so the suite compiles the sampler once (~15 s) instead of twice.
OPTIONS = {"num_samples": 500, "num_warmup": 500, "num_chains": 2, "chunks": 10, "seed": 0}


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
