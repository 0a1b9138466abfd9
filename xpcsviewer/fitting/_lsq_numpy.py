"""NumPy least squares: a small Levenberg-Marquardt, vectorised over rows.

Used when the NumPy backend is active (``XPCS_USE_JAX=false`` or JAX missing), and for a
process's first small fit while JAX is cold (``_engine_choice.py``), so fitting works
without JAX and without SciPy. Same residuals, same bound transforms and the same
covariance formula as the JAX engine; Jacobians are complex-step derivatives (exact to
rounding, as JAX's forward mode); the damping schedule is the classic Marquardt one
(lambda / 3 on an accepted step, x 4 on a rejected one, scaled by diag(J^T J)). Iterations
are a Python loop, but each iteration updates every row at once; rows stop individually
when they converge.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ._lsq_jax import CODE_MAX_STEPS, CODE_NONFINITE, CODE_OK
from ._models import g2_model
from ._transform import subset_kinds, to_natural


def _jacobian(fn, x: np.ndarray) -> np.ndarray:
    """Jacobian of ``fn`` (B, F) -> (B, N) at ``x`` by the complex step: (B, N, F).

    ``Im f(x + i h e_j) / h`` has no subtractive cancellation, so with ``h`` = 1e-30 it is
    the derivative to rounding (Squire & Trapp, SIAM Rev. 40, 110 (1998)). Central finite
    differences were 1e-12-accurate at best, and that bias moved the converged minimum by
    up to 1e-7 relative away from the JAX engine's, whose Jacobian is exact (``jacfwd``).
    The residuals are complex-analytic (exp, log, tanh, powers, products; ``maximum`` only
    picks a branch), so the complex step applies.
    """
    h = 1e-30
    cols = []
    for j in range(x.shape[1]):
        z = x.astype(np.complex128)
        z[:, j] += 1j * h
        cols.append(fn(z).imag / h)
    return np.stack(cols, axis=-1)


def _finite_rows(a: np.ndarray) -> np.ndarray:
    """(B,) bool: the rows (first axis) of ``a`` whose every entry is finite."""
    return np.all(np.isfinite(a.reshape(a.shape[0], -1)), axis=-1)


def _solve_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a x = b`` per row (B, F, F) x (B, F); NaN for rows that are singular or not finite.

    LAPACK raises ``LinAlgError`` for one singular row and fails on NaN, which would lose
    the whole batch; a bad row must fail alone (its status says so), as in the JAX engine.
    """
    good = _finite_rows(a) & _finite_rows(b)
    eye = np.eye(a.shape[-1])
    a = np.where(good[:, None, None], a, eye)
    b = np.where(good[:, None], b, 0.0)
    try:
        x = np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        # An exactly singular damped matrix (a row whose residuals ignore a parameter):
        # the least-norm step, as the JAX engine's linear solve gives.
        x = (np.linalg.pinv(a) @ b[..., None])[..., 0]
    return np.where(good[:, None], x, np.nan)


def _pinv_rows(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pseudo-inverse per row of (B, F, F) and which rows were finite (the others: NaN)."""
    good = _finite_rows(m)
    inv = np.linalg.pinv(np.where(good[:, None, None], m, 0.0), hermitian=True)
    return np.where(good[:, None, None], inv, np.nan), good


def solve(problem, *, max_steps: int, rtol: float, atol: float) -> dict[str, np.ndarray]:
    """Same contract as :func:`._lsq_jax.solve`."""
    # The padding rows only serve JAX's shape buckets (_prepare.py): NumPy fits the real
    # rows (12 of a 32-row bucket for brownian_a) and hands the padding back unfitted.
    n, rows = problem.n_rows, problem.theta0.shape[0]
    real = problem if n == rows else _first_rows(problem, n)
    # Overflow and NaN in a bad row are expected here and reported through its code.
    with np.errstate(all="ignore"):
        out = _solve(real, max_steps=max_steps, rtol=rtol, atol=atol)
    if n == rows:
        return out
    return {"theta": np.concatenate([out["theta"], problem.theta0[n:]]),
            "cov": np.concatenate([out["cov"], np.zeros((rows - n,) + out["cov"].shape[1:])]),
            "chi2": np.concatenate([out["chi2"], np.zeros(rows - n)]),
            "code": np.concatenate([out["code"], np.full(rows - n, CODE_OK)]),
            "steps": np.concatenate([out["steps"], np.zeros(rows - n, dtype=int)])}


def _first_rows(problem, n: int) -> SimpleNamespace:
    """What :func:`_solve` reads of ``problem``, its first ``n`` rows only."""
    return SimpleNamespace(free=problem.free, kinds=problem.kinds, spec=problem.spec,
                           **{k: getattr(problem, k)[:n]
                              for k in ("lo", "hi", "theta0", "y0", "t", "g2", "w")})


def _solve(problem, *, max_steps: int, rtol: float, atol: float) -> dict[str, np.ndarray]:
    free = list(problem.free)
    kinds_free = subset_kinds(problem.kinds, free)
    lo, hi = problem.lo[:, free], problem.hi[:, free]

    def full(th_free):
        theta = problem.theta0.astype(th_free.dtype)  # complex during the Jacobian
        theta[:, free] = th_free
        return theta

    def resid_natural(th_free):
        model = g2_model(problem.spec.name, full(th_free), problem.t, np)
        return problem.w * (model - problem.g2)

    def resid(y):
        return resid_natural(to_natural(y, lo, hi, kinds_free, np))

    y = problem.y0.copy()
    r = resid(y)
    cost = np.sum(r * r, axis=-1)
    lam = np.full(y.shape[0], 1e-3)
    done = ~np.isfinite(cost)
    steps = np.zeros(y.shape[0], dtype=int)
    broken = np.zeros(y.shape[0], dtype=bool)
    eye = np.eye(y.shape[1])
    for _ in range(max_steps):
        active = ~done
        if not active.any():
            break
        jac = _jacobian(resid, y)
        jtj = np.einsum("bni,bnj->bij", jac, jac)
        grad = np.einsum("bni,bn->bi", jac, r)
        scale = np.maximum(np.einsum("bii->bi", jtj), 1e-12)
        damped = jtj + lam[:, None, None] * scale[:, :, None] * eye
        step = -_solve_rows(damped, grad)
        # A row whose step is not finite cannot improve: it stops, and its code says why.
        broken |= active & ~_finite_rows(step)
        done |= broken
        step = np.where(np.isfinite(step), step, 0.0)
        y_new = y + step
        r_new = resid(y_new)
        cost_new = np.sum(r_new * r_new, axis=-1)
        accept = active & np.isfinite(cost_new) & (cost_new <= cost)
        small_f = np.abs(cost - cost_new) <= rtol * cost + atol
        small_y = np.max(np.abs(step) / (atol + rtol * np.abs(y)), axis=-1) <= 1.0
        y = np.where(accept[:, None], y_new, y)
        r = np.where(accept[:, None], r_new, r)
        cost = np.where(accept, cost_new, cost)
        lam = np.where(accept, np.maximum(lam / 3.0, 1e-12), lam * 4.0)
        steps += active
        # Converged: an accepted step changed neither cost nor point; or no step can help.
        done |= active & ((accept & small_f & small_y) | (lam > 1e12))
    theta = full(to_natural(y, lo, hi, kinds_free, np))
    th_free = theta[:, free]
    jac = _jacobian(resid_natural, th_free)
    cov = np.zeros(theta.shape + theta.shape[-1:])
    fi = np.asarray(free)
    cov[:, fi[:, None], fi], cov_ok = _pinv_rows(np.einsum("bni,bnj->bij", jac, jac))
    r = resid_natural(th_free)
    chi2 = np.sum(r * r, axis=-1)
    code = np.where(done, CODE_OK, CODE_MAX_STEPS)
    finite = np.isfinite(chi2) & np.all(np.isfinite(theta), axis=-1) & cov_ok & ~broken
    code = np.where(finite, code, CODE_NONFINITE)
    return {"theta": theta, "cov": cov, "chi2": chi2, "code": code, "steps": steps}
