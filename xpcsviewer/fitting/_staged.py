"""Staged starts and one bounded restart for the stretched and double fits.

A stretched or double fit started from the data-driven guess of :func:`initial_guess` can
spend its whole step budget in the highest-q bins of well-sampled data, where the decay
spans few delays and the guessed tau is off: Levenberg-Marquardt then crawls along the
shallow valley between tau and gamma. Two cheap remedies, both keeping every bin in one
batched call:

1. Start from the single-exponential fit of the same rows (one more batched call of the
   same shape): baseline, contrast and tau of the single fit, gamma = 1; for the double
   model the two modes a factor 3 either side of the single tau, as the guess does.
2. Rows that still stop at ``max_steps`` are restarted from where they stopped, with the
   same budget (the same compiled solver), up to ``RESTARTS`` times: the damping starts
   afresh, which is what a solver stuck with a huge damping after many rejected steps
   needs. A row that stops every time fails with a message naming the budget.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._lsq_jax import CODE_MAX_STEPS, CODE_OK
from ._prepare import FitProblem, build_problem
from ._transform import to_internal

# How often a row stopped at max_steps is restarted from where it stopped: each restart is
# the same compiled program on the same batch (no compile), and runs as long as its slowest
# stuck row. One restart left the double model on single-mode data (brownian_a roi 1, 10
# bins of phi_c) "failed" on JAX after 400 steps, where LM crawls toward a gamma2 or f bound
# that the NumPy engine reaches; with 4 they end "at a bound" there too.
RESTARTS = 4

# The single model's parameters shared by the richer models, by name.
_SHARED = ("baseline", "contrast")


def single_start(files, problem: FitProblem, solve, *, bins, fixed, bounds, t_range,
                 max_steps: int, rtol: float, atol: float) -> FitProblem:
    """``problem`` with starting values from the single-exponential fit of its rows."""
    spec = problem.spec
    if spec.name == "single":
        return problem
    keep = {k: v for k, v in (fixed or {}).items() if k in _SHARED}
    lim = {k: v for k, v in (bounds or {}).items() if k in _SHARED}
    single = build_problem(files, "single", bins=bins, fixed=keep, bounds=lim, t_range=t_range)
    raw = solve(single, max_steps=max_steps, rtol=rtol, atol=atol)
    base, beta, tau = (raw["theta"][:, i] for i in range(3))
    good = (raw["code"] == CODE_OK) & np.all(np.isfinite(raw["theta"]), axis=-1) & (beta > 0)
    theta0 = problem.theta0.copy()
    start = {"baseline": base, "contrast": beta}
    if spec.name == "stretched":
        start.update(tau=tau, gamma=np.ones_like(tau))
    else:
        start.update(f=np.full_like(tau, 0.5), tau1=tau / 3.0, gamma1=np.ones_like(tau),
                     tau2=3.0 * tau, gamma2=np.ones_like(tau))
    for name, value in start.items():
        if name in problem.fixed:
            continue
        i = spec.index(name)
        theta0[:, i] = np.where(good, value, theta0[:, i])
    # Inside the bounds (to_internal clips) and in solver coordinates for the free ones.
    theta0 = np.clip(theta0, problem.lo, problem.hi)
    y0 = to_internal(theta0, problem.lo, problem.hi, problem.kinds)[:, list(problem.free)]
    return replace(problem, theta0=theta0, y0=y0)


def restart_stuck(problem: FitProblem, raw: dict, solve, *, max_steps: int, rtol: float,
                  atol: float, restarts: int = RESTARTS) -> tuple[dict, np.ndarray]:
    """Restart the rows that stopped at ``max_steps``, up to ``restarts`` times; returns the
    merged raw result and how often each row was restarted (n_rows of the batch, int)."""
    count = np.zeros(raw["code"].shape, dtype=int)
    for _ in range(restarts):
        stuck = raw["code"] == CODE_MAX_STEPS
        if not stuck.any():
            break
        theta = np.where(np.isfinite(raw["theta"]), raw["theta"], problem.theta0)
        y0 = to_internal(theta, problem.lo, problem.hi, problem.kinds)[:, list(problem.free)]
        again = solve(replace(problem, y0=y0), max_steps=max_steps, rtol=rtol, atol=atol)
        out = {k: np.where(stuck.reshape((-1,) + (1,) * (v.ndim - 1)), again[k], v)
               for k, v in raw.items()}
        out["steps"] = np.where(stuck, raw["steps"] + again["steps"], raw["steps"])
        raw, count = out, count + stuck
    return raw, count
