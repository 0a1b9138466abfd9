"""Honest errors for tau per age window: a block bootstrap over the window's age blocks.

Why not the fit's covariance: a window's g2 at lag k is the mean of C2(t1, t1 + k) over the
frame pairs whose age lies in the window. Neighbouring pairs share frames and the speckle
pattern changes only over about a relaxation time, so the pairs are far from independent,
and the noise of one stretch of the run moves every lag of the curve together. The standard
error over pairs ignores both; rescaling by the reduced chi-square cannot repair it, because
a curve whose lags err together looks smooth (chi-square near or below 1). On aging_b the
covariance errors were 3-30x smaller than the scatter of tau about the truth.

The block bootstrap (Kuensch 1989; Politis & Romano 1994 for the idea of resampling
contiguous stretches) keeps those correlations: the window's age range is cut into
``n_blocks`` equal stretches; each stretch gives, per lag, the sum and count of its pairs.
A replicate draws ``n_blocks`` stretches with replacement (the same draw for every lag, so
the lags keep erring together) and its g2 is the pooled mean. Each replicate is refitted by
Gauss-Newton steps from the window's own optimum (the linearised bootstrap: a replicate
differs from the window's g2 by its noise only, so a few steps reach its minimum), all
replicates of all windows at once in NumPy: no second compiled fit, so the GUI pays
milliseconds for it. The error of tau (and contrast) is the standard deviation of the
replicates' values (from percentiles, see :func:`spread`), times sqrt(n / (n - 1)) (n = n_blocks), the usual correction for the
bootstrap's variance of a mean of n blocks.

The replicates are drawn with a fixed seed, in NumPy, so the result does not change from
call to call nor between backends.
"""

from __future__ import annotations

import numpy as np

from ._models import g2_model

N_BLOCKS = 4  # stretches per window; see _aging.fit_aging for the measured choice
N_BOOT = 100  # replicates per window: a spread to about 10 %
GN_STEPS = 4  # Gauss-Newton steps per replicate from the window's optimum
SEED = 20240611


def block_sums(matrix: np.ndarray, t: np.ndarray, windows, n_lag: int, n_blocks: int):
    """Per window, block and lag: the sum of C2 over the pairs whose age lies in that block.

    matrix: (n, n) symmetric C2 (only j > i is read); t: (n,) s evenly spaced; windows:
    ((t_lo, t_hi), ...) s; lags 1..n_lag frames. Returns sums, counts, each
    (n_windows, n_blocks, n_lag) float64. Non-finite pixels (dead frames) are left out.
    An age on the edge between two windows belongs to both, as in ``g2_from_c2``.
    """
    m = np.asarray(matrix, dtype=np.float64)
    n = m.shape[0]
    i, j = np.triu_indices(n, 1)
    k = j - i
    keep = (k <= n_lag) & np.isfinite(m[i, j])
    i, j, k = i[keep], j[keep], k[keep]
    value = m[i, j]
    age = 0.5 * (t[i] + t[j])
    out_s = np.zeros((len(windows), n_blocks, n_lag))
    out_n = np.zeros_like(out_s)
    for w, (lo, hi) in enumerate(windows):
        inside = (age >= lo - 1e-12) & (age <= hi + 1e-12)
        u = (age[inside] - lo) / max(hi - lo, 1e-300)
        block = np.clip((u * n_blocks).astype(int), 0, n_blocks - 1)
        flat = block * n_lag + (k[inside] - 1)
        size = n_blocks * n_lag
        out_s[w] = np.bincount(flat, weights=value[inside], minlength=size).reshape(n_blocks, -1)
        out_n[w] = np.bincount(flat, minlength=size).reshape(n_blocks, -1)
    return out_s, out_n


def replicates(sums: np.ndarray, counts: np.ndarray, min_pairs: int, n_boot: int, seed: int):
    """Bootstrap g2, (n_windows * n_boot, n_lag): window-major, NaN below ``min_pairs`` pairs."""
    n_win, n_blocks, _ = sums.shape
    draw = np.random.default_rng(seed).integers(0, n_blocks, size=(n_win, n_boot, n_blocks))
    rows = np.arange(n_win)[:, None, None]
    s = sums[rows, draw].sum(axis=2)
    c = counts[rows, draw].sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        g2 = np.where(c >= max(int(min_pairs), 1), s / c, np.nan)
    return g2.reshape(n_win * n_boot, -1)


def refit(model: str, theta: np.ndarray, free: list[int], t: np.ndarray, g2: np.ndarray,
          err: np.ndarray, n_boot: int, steps: int = GN_STEPS) -> np.ndarray:
    """Replicate parameters by Gauss-Newton from each window's optimum.

    theta: (n_windows, P) the windows' fitted values (NaN for a failed window); free: the
    fitted parameter indices; t (n_lag,) s; g2: (n_windows * n_boot, n_lag) replicates, NaN
    where a lag is left out; err: (n_windows, n_lag) the weights' standard errors. Returns
    (n_windows * n_boot, P), NaN for a replicate whose steps do not stay finite.
    """
    th = np.repeat(np.asarray(theta, dtype=np.float64), n_boot, axis=0)
    sig = np.repeat(np.asarray(err, dtype=np.float64), n_boot, axis=0)
    use = np.isfinite(g2) & np.isfinite(sig) & (sig > 0)
    w = np.where(use, 1.0 / np.where(use, sig, 1.0), 0.0)
    y = np.where(use, g2, 0.0)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            r = w * (y - g2_model(model, th, t, np))
            jac = np.stack([_partial(model, th, t, i) * w for i in free], axis=-1)
            jtj = np.matmul(jac.transpose(0, 2, 1), jac)
            ok = np.all(np.isfinite(jtj), axis=(1, 2)) & (np.abs(np.linalg.det(
                np.where(np.isfinite(jtj), jtj, 0.0))) > 0)
            a = np.where(ok[:, None, None], jtj, np.eye(len(free)))
            g = np.where(ok[:, None], np.matmul(jac.transpose(0, 2, 1), r[..., None])[..., 0], 0.0)
            step = np.linalg.solve(a, g[..., None])[..., 0]
            th[:, free] += np.where(ok[:, None], step, np.nan)
    return th


def _partial(model: str, theta: np.ndarray, t: np.ndarray, i: int) -> np.ndarray:
    """d g2 / d theta_i, (B, n_lag), by a central difference relative to theta_i."""
    h = 1e-6 * np.maximum(np.abs(theta[:, i]), 1e-12)
    up, down = theta.copy(), theta.copy()
    up[:, i] += h
    down[:, i] -= h
    return (g2_model(model, up, t, np) - g2_model(model, down, t, np)) / (2.0 * h[:, None])


def spread(values: np.ndarray, ok: np.ndarray, n_win: int, n_blocks: int, min_ok: int):
    """Per window, the corrected spread of the replicates' values that stayed finite.

    values: (n_windows * n_boot,), ok: same shape bool. The spread is half the distance
    between the 16th and 84th percentiles (one standard deviation for a normal spread):
    a replicate that draws the same sparse stretch of an edge window again and again can
    leave tau undetermined, and one such wild value would own a plain standard deviation.
    NaN where fewer than ``min_ok`` replicates stayed finite. Returns (n_windows,) and the
    count of finite replicates per window.
    """
    v = np.where(ok, values, np.nan).reshape(n_win, -1)
    n_ok = np.isfinite(v).sum(axis=1)
    sd = np.full(n_win, np.nan)
    for w in range(n_win):
        if n_ok[w] >= min_ok:
            lo, hi = np.nanpercentile(v[w], [15.865, 84.135])
            sd[w] = 0.5 * (hi - lo) * np.sqrt(n_blocks / (n_blocks - 1))
    return sd, n_ok
