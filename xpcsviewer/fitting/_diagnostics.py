"""Posterior summaries: mean, sd, 94 % HDI, rank-normalised R-hat and bulk ESS.

R-hat and bulk ESS follow Vehtari et al. (2021): draws are split in half per chain, replaced
by normal scores of their ranks, and fed to the classic Gelman-Rubin and ESS formulas
(NumPyro's ``gelman_rubin`` and ``effective_sample_size``). R-hat is the larger of the bulk
and the folded (|x - median|) value, so it also catches chains that differ in spread.
"""

from __future__ import annotations

import numpy as np

HDI_PROB = 0.94


def _normal_scores(x: np.ndarray) -> np.ndarray:
    from jax.scipy.special import ndtri

    flat = x.ravel()
    ranks = np.empty(flat.size)
    ranks[np.argsort(flat, kind="stable")] = np.arange(1, flat.size + 1)
    return np.asarray(ndtri((ranks - 0.375) / (flat.size + 0.25))).reshape(x.shape)


def _split(x: np.ndarray) -> np.ndarray:
    half = x.shape[1] // 2
    return np.concatenate([x[:, :half], x[:, half : 2 * half]], axis=0)


def summarize(draws: np.ndarray) -> dict[str, float]:
    """Summary of one scalar's draws ``(n_chains, n_draws)``."""
    from numpyro.diagnostics import effective_sample_size, gelman_rubin, hpdi

    draws = np.asarray(draws, dtype=np.float64)
    lo, hi = hpdi(draws.ravel(), prob=HDI_PROB)
    out = {
        "mean": float(draws.mean()),
        "sd": float(draws.std(ddof=1)) if draws.size > 1 else float("nan"),
        "hdi_3%": float(lo),
        "hdi_97%": float(hi),
        "r_hat": float("nan"),
        "ess_bulk": float("nan"),
    }
    if draws.shape[1] >= 4 and np.ptp(draws) > 0:
        split = _split(draws)
        bulk = _normal_scores(split)
        folded = _normal_scores(np.abs(split - np.median(split)))
        out["r_hat"] = float(max(gelman_rubin(bulk), gelman_rubin(folded)))
        out["ess_bulk"] = float(effective_sample_size(bulk))
    return out
