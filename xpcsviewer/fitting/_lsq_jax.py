"""The JAX least-squares engine: optimistix Levenberg-Marquardt, ``jit(vmap(...))`` over rows.

One compiled call fits every row of a :class:`~._prepare.FitProblem`. The compiled function
is cached per (model, free set, bound kinds, solver options); shapes are bucketed upstream,
so a GUI refit of a similar selection reuses it.
"""

from __future__ import annotations

import functools

import numpy as np

from ..backends import configure_jax
from ._models import g2_model
from ._transform import to_natural

# Solver outcome codes shared with the NumPy fallback and _fit_g2.py.
CODE_OK, CODE_MAX_STEPS, CODE_NONFINITE = 0, 1, 2


@functools.lru_cache(maxsize=32)
def _compiled(model: str, free: tuple, kinds: tuple, max_steps: int, rtol: float, atol: float):
    jax = configure_jax()
    import jax.numpy as jnp
    import optimistix as optx

    free_idx = np.asarray(free)
    kinds_free = tuple(kinds[i] for i in free)
    solver = optx.LevenbergMarquardt(rtol=rtol, atol=atol)

    def solve_row(y0, theta_fix, lo, hi, t, g2, w):
        def full(th_free):
            return theta_fix.at[free_idx].set(th_free)

        def natural(y):
            return to_natural(y, lo[free_idx], hi[free_idx], kinds_free, jnp)

        def resid_natural(th_free):
            return w * (g2_model(model, full(th_free), t, jnp) - g2)

        def resid(y, _args):
            return resid_natural(natural(y))

        sol = optx.least_squares(resid, solver, y0, max_steps=max_steps, throw=False)
        th_free = natural(sol.value)
        # Covariance in natural parameters: (J^T W J)^-1 with J = d residual / d theta.
        r = resid_natural(th_free)
        jac = jax.jacfwd(resid_natural)(th_free)
        cov = jnp.linalg.pinv(jac.T @ jac, hermitian=True)
        res = sol.result
        code = jnp.where(
            res == optx.RESULTS.successful,
            CODE_OK,
            jnp.where(
                res == optx.RESULTS.nonlinear_max_steps_reached, CODE_MAX_STEPS, CODE_NONFINITE
            ),
        )
        return full(th_free), cov, r @ r, code, sol.stats["num_steps"]

    return jax.jit(jax.vmap(solve_row))


def solve(problem, *, max_steps: int, rtol: float, atol: float) -> dict[str, np.ndarray]:
    """Fit all rows; returns NumPy ``theta`` (B, P), ``cov`` (B, F, F), ``chi2``, ``code``, ``steps`` (B,)."""
    fn = _compiled(
        problem.spec.name, problem.free, problem.kinds, int(max_steps), float(rtol), float(atol)
    )
    out = fn(problem.y0, problem.theta0, problem.lo, problem.hi, problem.t, problem.g2, problem.w)
    theta, cov, chi2, code, steps = (np.asarray(a) for a in out)
    return {"theta": theta, "cov": cov, "chi2": chi2, "code": code, "steps": steps}
