"""The g2 models (APS viewer conventions), their parameters, default bounds and initial guesses.

Every function takes the array module ``xp`` (``numpy`` or ``jax.numpy``) so the JAX solver,
the NumPy fallback and the Bayesian models evaluate one and the same formula.

Shapes: ``theta`` is ``(..., n_params)`` in the order of :attr:`ModelSpec.params`; ``t`` is
``(..., n_tau)`` in seconds; the result broadcasts to ``(..., n_tau)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ModelSpec:
    """One model: its parameter names (in ``theta`` order) and the formula as text."""

    name: str
    params: tuple[str, ...]
    formula: str
    # Relaxation times span decades, so they are bounded on a log scale (see _transform.py).
    log_scale: tuple[str, ...]
    # Pairs (fast, slow) kept in that order by the solver's change of variables, so the
    # modes of a two-mode model cannot swap between bins (see _prepare.order_bounds).
    ordered: tuple[tuple[str, str], ...] = ()

    def index(self, param: str) -> int:
        try:
            return self.params.index(param)
        except ValueError:
            raise ValueError(
                f"model {self.name!r} has no parameter {param!r}; it has {', '.join(self.params)}"
            ) from None


# Units of the parameters that have one (the others are dimensionless), for labels.
PARAM_UNITS = {"tau": "s", "tau1": "s", "tau2": "s"}

MODELS: dict[str, ModelSpec] = {
    "single": ModelSpec(
        "single", ("baseline", "contrast", "tau"), "baseline + contrast*exp(-2 t/tau)", ("tau",)
    ),
    "stretched": ModelSpec(
        "stretched",
        ("baseline", "contrast", "tau", "gamma"),
        "baseline + contrast*exp(-2 (t/tau)^gamma)",
        ("tau",),
    ),
    "double": ModelSpec(
        "double",
        ("baseline", "contrast", "f", "tau1", "gamma1", "tau2", "gamma2"),
        "baseline + contrast*(f exp(-(t/tau1)^gamma1) + (1-f) exp(-(t/tau2)^gamma2))^2",
        ("tau1", "tau2"),
        ordered=(("tau1", "tau2"),),
    ),
}


def get_model(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}") from None


def g2_model(name: str, theta, t, xp):
    """g2 of model ``name`` at delays ``t`` (s) for parameters ``theta`` (..., n_params)."""
    p = [theta[..., i, None] for i in range(theta.shape[-1])]
    if name == "single":
        base, beta, tau = p
        return base + beta * xp.exp(-2.0 * t / tau)
    if name == "stretched":
        base, beta, tau, gamma = p
        return base + beta * xp.exp(-2.0 * (t / tau) ** gamma)
    if name == "double":
        base, beta, f, tau1, g1, tau2, g2 = p
        field = f * xp.exp(-((t / tau1) ** g1)) + (1.0 - f) * xp.exp(-((t / tau2) ** g2))
        return base + beta * field**2
    raise ValueError(f"unknown model {name!r}")


def _masked_mean(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    n = m.sum(axis=-1)
    return np.where(n > 0, np.where(m, x, 0.0).sum(axis=-1) / np.maximum(n, 1), np.nan)


def _edge_mask(mask: np.ndarray, n_edge: np.ndarray, from_end: bool) -> np.ndarray:
    """The first (or last) ``n_edge`` valid points of each row."""
    rank = np.cumsum(mask[..., ::-1] if from_end else mask, axis=-1)
    rank = rank[..., ::-1] if from_end else rank
    return mask & (rank <= n_edge[..., None])


def initial_guess(name: str, t: np.ndarray, g2: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Data-driven starting values, ``(n_rows, n_params)``, for rows of ``t``, ``g2`` (n_rows, n_tau).

    Contrast from the first valid points, baseline from the tail (last tenth, at least three
    points), tau from where g2 crosses half its decay (log-interpolated in t). Rows that never
    reach half their decay start at twice their longest delay. Vectorised: no loop over rows.
    """
    n_valid = mask.sum(axis=-1)
    n_edge = np.clip(n_valid // 10, 3, None)
    head = _masked_mean(g2, _edge_mask(mask, np.minimum(n_edge, 3), from_end=False))
    tail = _masked_mean(g2, _edge_mask(mask, n_edge, from_end=True))
    base = np.where(np.isfinite(tail), tail, 1.0)
    beta = np.where(np.isfinite(head), head - base, 0.2)
    beta = np.where(beta > 1e-4, beta, 0.2)

    # Masked points get 1.0 (no decay yet) so the interpolation below stays finite.
    frac = np.where(mask, (g2 - base[:, None]) / beta[:, None], 1.0)
    below = mask & (frac < 0.5)
    k = np.argmax(below, axis=-1)
    crossed = below.any(axis=-1)
    rows = np.arange(t.shape[0])
    # The previous valid point before the crossing, for interpolation.
    prev_idx = np.where(mask & (np.arange(t.shape[1]) < k[:, None]), np.arange(t.shape[1]), -1)
    kp = prev_idx.max(axis=-1)
    has_prev = crossed & (kp >= 0)
    kp = np.maximum(kp, 0)
    t0, t1 = np.log(np.maximum(t[rows, kp], 1e-300)), np.log(np.maximum(t[rows, k], 1e-300))
    f0, f1 = frac[rows, kp], frac[rows, k]
    w = np.where(has_prev & (f0 != f1), (f0 - 0.5) / np.where(f0 != f1, f0 - f1, 1.0), 0.0)
    t_half = np.exp(np.where(has_prev, t0 + np.clip(w, 0, 1) * (t1 - t0), t1))
    t_max = np.max(np.where(mask, t, 0.0), axis=-1)
    # exp(-2 t/tau) = 1/2 at t = tau ln2 / 2.
    tau = np.where(crossed, 2.0 * t_half / np.log(2.0), 2.0 * np.maximum(t_max, 1e-300))

    one = np.ones_like(tau)
    if name == "single":
        cols = (base, beta, tau)
    elif name == "stretched":
        cols = (base, beta, tau, one)
    elif name == "double":
        # Two equal modes reproduce the single exponential; split them a decade apart.
        cols = (base, beta, 0.5 * one, tau / 3.0, one, 3.0 * tau, one)
    else:
        raise ValueError(f"unknown model {name!r}")
    return np.stack(cols, axis=-1).astype(np.float64)


def default_bounds(name: str, t: np.ndarray, mask: np.ndarray, theta0: np.ndarray):
    """Default ``(lower, upper)``, each ``(n_rows, n_params)``, wide enough for any sane g2.

    baseline in [0, max(2, 2 x guess)], contrast in [0, max(1, 2 x guess)], f in [0, 1],
    gamma in [0.1, 2], tau in [t_min / 100, t_max x 100] of the row's fitted delays.
    """
    spec = get_model(name)
    big = np.where(mask, t, -np.inf).max(axis=-1)
    small = np.where(mask, t, np.inf).min(axis=-1)
    big = np.where(np.isfinite(big), big, 1.0)
    small = np.where(np.isfinite(small) & (small > 0), small, 1e-6)
    lo = np.zeros_like(theta0)
    hi = np.ones_like(theta0)
    for i, p in enumerate(spec.params):
        if p == "baseline":
            lo[:, i], hi[:, i] = 0.0, np.maximum(2.0, 2.0 * np.abs(theta0[:, i]))
        elif p == "contrast":
            lo[:, i], hi[:, i] = 0.0, np.maximum(1.0, 2.0 * np.abs(theta0[:, i]))
        elif p == "f":
            lo[:, i], hi[:, i] = 0.0, 1.0
        elif p.startswith("gamma"):
            lo[:, i], hi[:, i] = 0.1, 2.0
        elif p.startswith("tau"):
            lo[:, i], hi[:, i] = small / 100.0, big * 100.0
    return lo, hi
