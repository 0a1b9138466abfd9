"""NumPy fallback for the least squares: a small Levenberg-Marquardt, vectorised over rows.

Used when the NumPy backend is active (``XPCS_USE_JAX=false`` or JAX missing), so fitting
works without JAX and without SciPy. Same residuals, same bound transforms and the same
covariance formula as the JAX engine; the differences are that Jacobians come from central
finite differences and the damping schedule is the classic Marquardt one (lambda / 3 on an
accepted step, x 4 on a rejected one, scaled by diag(J^T J)). Iterations are a Python loop,
but each iteration updates every row at once; rows stop individually when they converge.
"""

from __future__ import annotations

import numpy as np

from ._lsq_jax import CODE_MAX_STEPS, CODE_NONFINITE, CODE_OK
from ._models import g2_model
from ._transform import subset_kinds, to_natural


def _jacobian(fn, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Central-difference Jacobian of ``fn`` (B, F) -> (B, N) with steps ``h`` (B, F): (B, N, F)."""
    cols = []
    for j in range(x.shape[1]):
        step = np.zeros_like(x)
        step[:, j] = h[:, j]
        cols.append((fn(x + step) - fn(x - step)) / (2.0 * h[:, j, None]))
    return np.stack(cols, axis=-1)


def solve(problem, *, max_steps: int, rtol: float, atol: float) -> dict[str, np.ndarray]:
    """Same contract as :func:`._lsq_jax.solve`."""
    free = list(problem.free)
    kinds_free = subset_kinds(problem.kinds, free)
    lo, hi = problem.lo[:, free], problem.hi[:, free]

    def full(th_free):
        theta = problem.theta0.copy()
        theta[:, free] = th_free
        return theta

    def resid_natural(th_free):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            model = g2_model(problem.spec.name, full(th_free), problem.t, np)
        return problem.w * (model - problem.g2)

    def resid(y):
        with np.errstate(over="ignore"):
            return resid_natural(to_natural(y, lo, hi, kinds_free, np))

    y = problem.y0.copy()
    r = resid(y)
    cost = np.sum(r * r, axis=-1)
    lam = np.full(y.shape[0], 1e-3)
    done = ~np.isfinite(cost)
    steps = np.zeros(y.shape[0], dtype=int)
    eye = np.eye(y.shape[1])
    for _ in range(max_steps):
        active = ~done
        if not active.any():
            break
        jac = _jacobian(resid, y, 1e-6 * np.maximum(np.abs(y), 1.0))
        jtj = np.einsum("bni,bnj->bij", jac, jac)
        grad = np.einsum("bni,bn->bi", jac, r)
        scale = np.maximum(np.einsum("bii->bi", jtj), 1e-12)
        damped = jtj + lam[:, None, None] * scale[:, :, None] * eye
        step = -np.linalg.solve(damped, grad[..., None])[..., 0]
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
    # Relative steps: natural parameters range from ~1e-6 s (tau) to ~1 (baseline).
    jac = _jacobian(resid_natural, th_free, 1e-6 * np.maximum(np.abs(th_free), 1e-9))
    cov = np.zeros(theta.shape + theta.shape[-1:])
    fi = np.asarray(free)
    cov[:, fi[:, None], fi] = np.linalg.pinv(np.einsum("bni,bnj->bij", jac, jac), hermitian=True)
    r = resid_natural(th_free)
    chi2 = np.sum(r * r, axis=-1)
    code = np.where(done, CODE_OK, CODE_MAX_STEPS)
    code = np.where(np.isfinite(chi2) & np.all(np.isfinite(theta), axis=-1), code, CODE_NONFINITE)
    return {"theta": theta, "cov": cov, "chi2": chi2, "code": code, "steps": steps}
