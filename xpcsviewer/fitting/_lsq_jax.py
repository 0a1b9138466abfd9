"""The JAX least-squares engine: optimistix Levenberg-Marquardt, ``jit(vmap(...))`` over rows.

One compiled call fits every row of a :class:`~._prepare.FitProblem`. The compiled function
is cached per (model, bound kinds, solver options); shapes are bucketed upstream,
so a GUI refit of a similar selection reuses it.
"""

from __future__ import annotations

import functools

import numpy as np

from ..backends import configure_jax, enable_compilation_cache
from ._kernel_cache import cached_call
from ._models import g2_model
from ._transform import to_natural

# Solver outcome codes shared with the NumPy fallback and _fit_g2.py.
CODE_OK, CODE_MAX_STEPS, CODE_NONFINITE = 0, 1, 2


@functools.lru_cache(maxsize=32)
def _compiled(model: str, kinds: tuple, max_steps: int, rtol: float, atol: float):
    jax = configure_jax()
    import jax.numpy as jnp
    import optimistix as optx

    solver = optx.LevenbergMarquardt(rtol=rtol, atol=atol)

    def solve_row(y0, free, theta_fix, lo, hi, t, g2, w):
        # Which parameters are free is data, not a compile-time constant: fixing or freeing
        # one in the GUI reuses the compiled solver. A fixed parameter's residual slope is
        # zero; the damping of Levenberg-Marquardt keeps each step well posed.
        def natural(y):
            return jnp.where(free, to_natural(y, lo, hi, kinds, jnp), theta_fix)

        def resid_natural(theta):
            return w * (g2_model(model, jnp.where(free, theta, theta_fix), t, jnp) - g2)

        def resid(y, _args):
            return resid_natural(natural(y))

        sol = optx.least_squares(resid, solver, y0, max_steps=max_steps, throw=False)
        theta = natural(sol.value)
        # Covariance in natural parameters: (J^T W J)^-1 with J = d residual / d theta,
        # restricted to the free parameters (fixed rows/columns are zero, pinv keeps them 0).
        r = resid_natural(theta)
        jac = jax.jacfwd(resid_natural)(theta) * free
        cov = jnp.linalg.pinv(jac.T @ jac, hermitian=True)
        res = sol.result
        code = jnp.where(
            res == optx.RESULTS.successful,
            CODE_OK,
            jnp.where(
                res == optx.RESULTS.nonlinear_max_steps_reached, CODE_MAX_STEPS, CODE_NONFINITE
            ),
        )
        return theta, cov, r @ r, code, sol.stats["num_steps"]

    return jax.jit(jax.vmap(solve_row, in_axes=(0, None, 0, 0, 0, 0, 0, 0)))


# The (static arguments, padded shapes) of the programs that have run in this process: a fit
# of one of these shapes runs without compiling or loading anything (_engine_choice.py).
_warm: set[tuple] = set()


def _warm_key(problem, max_steps: int, rtol: float, atol: float) -> tuple:
    return (problem.spec.name, problem.kinds, int(max_steps), float(rtol), float(atol),
            problem.theta0.shape, problem.g2.shape)


def is_warm(problem, *, max_steps: int, rtol: float, atol: float) -> bool:
    """Whether this process has already run the JAX program ``problem`` needs (no JAX import)."""
    return _warm_key(problem, max_steps, rtol, atol) in _warm


_disk_cache_chosen = False


def _default_disk_cache() -> None:
    """A script's fits keep their programs on disk, as the viewer's and the CLI's do.

    Without it every new Python process traces and compiles the solver again: 5-20 s for a
    stretched or double fit, against 1.4-1.7 s with the caches warm (``bench_cold.py``).
    A folder the caller already gave JAX (``jax_compilation_cache_dir``) is kept;
    ``XPCS_JAX_CACHE_DIR=""`` turns the default off. Runs once per process.
    """
    global _disk_cache_chosen
    if _disk_cache_chosen:
        return
    _disk_cache_chosen = True
    if configure_jax().config.jax_compilation_cache_dir is None:
        enable_compilation_cache()


def solve(problem, *, max_steps: int, rtol: float, atol: float) -> dict[str, np.ndarray]:
    """Fit all rows; returns NumPy ``theta`` (B, P), ``cov`` (B, P, P), ``chi2``, ``code``, ``steps`` (B,)."""
    _default_disk_cache()
    static = (problem.spec.name, problem.kinds, int(max_steps), float(rtol), float(atol))
    free = np.zeros(len(problem.spec.params), dtype=bool)
    free[list(problem.free)] = True
    y0 = np.zeros(problem.theta0.shape)
    y0[:, free] = problem.y0
    args = (y0, free, problem.theta0, problem.lo, problem.hi, problem.t, problem.g2, problem.w)
    # Through the on-disk export cache: a new process skips tracing the solver (seconds).
    # ``static`` must be exactly _compiled's arguments: it is the artifact's key.
    out = cached_call("lsq_jax", static, lambda: _compiled(*static), args)
    theta, cov, chi2, code, steps = (np.asarray(a) for a in out)
    _warm.add(_warm_key(problem, max_steps, rtol, atol))
    return {"theta": theta, "cov": cov, "chi2": chi2, "code": code, "steps": steps}
