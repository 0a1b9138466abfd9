"""Bounds as a change of variables: the solver works on an unbounded ``y``, the model on ``theta``.

Per parameter, chosen from which bounds are finite (the same for every row of a fit):

- ``interval``      theta = lo + (hi - lo) * sigmoid(y)            both bounds finite
- ``log_interval``  log theta = log lo + (log hi - log lo) sigmoid(y)  relaxation times, lo > 0
- ``lower``         theta = lo + exp(y)                            only a lower bound
- ``upper``         theta = hi - exp(y)                            only an upper bound
- ``free``          theta = y                                      no bounds
- ``log_above:i``   as ``log_interval`` with the lower edge raised to theta_i (column i < this
                    one): keeps two relaxation times ordered (double model: tau1 < tau2)

An ordered pair is ordered for every trial point, as bounds are: the solver cannot swap the
two modes between bins, and no permutation of values and covariance is needed afterwards.

A transform keeps every trial point of Levenberg-Marquardt inside the bounds without a
constrained solver; the price is a vanishing slope at a bound, which is why a parameter
within ``AT_BOUND`` of its range is reported as "at a bound" rather than as converged.
All functions take ``xp`` so the JAX solver and the NumPy fallback share them.
"""

from __future__ import annotations

import numpy as np

KINDS = ("interval", "log_interval", "lower", "upper", "free")
AT_BOUND = 1e-4  # fraction of the (log) range, or of max(1, |bound|) for one-sided bounds
_EDGE = 1e-9  # starting points are pulled this far inside the range so logit stays finite


def choose_kinds(lo: np.ndarray, hi: np.ndarray, log_scale: tuple[bool, ...]) -> tuple[str, ...]:
    """One kind per parameter from ``lo``/``hi`` ``(n_rows, n_params)``; errors on bad bounds."""
    kinds = []
    for i, is_log in enumerate(log_scale):
        fin_lo, fin_hi = np.isfinite(lo[:, i]), np.isfinite(hi[:, i])
        if fin_lo.any() != fin_lo.all() or fin_hi.any() != fin_hi.all():
            raise ValueError("a bound must be finite for every bin or for none")
        if fin_lo.all() and fin_hi.all():
            if np.any(hi[:, i] <= lo[:, i]):
                raise ValueError(f"upper bound must exceed lower bound (parameter {i})")
            kinds.append("log_interval" if is_log and np.all(lo[:, i] > 0) else "interval")
        elif fin_lo.all():
            kinds.append("lower")
        elif fin_hi.all():
            kinds.append("upper")
        else:
            kinds.append("free")
    return tuple(kinds)


ABOVE = "log_above:"


def above(i: int) -> str:
    """The kind of a relaxation time kept above column ``i`` (see the module docstring)."""
    return f"{ABOVE}{i}"


def _ref(kind: str) -> int | None:
    return int(kind[len(ABOVE):]) if kind.startswith(ABOVE) else None


def subset_kinds(kinds: tuple[str, ...], idx: list[int]) -> tuple[str, ...]:
    """Kinds of the columns ``idx`` alone, with ``log_above`` references renumbered."""
    out = []
    for j in idx:
        r = _ref(kinds[j])
        out.append(kinds[j] if r is None else above(idx.index(r)))
    return tuple(out)


def _sigmoid(y, xp):
    return 0.5 * (1.0 + xp.tanh(0.5 * y))  # stable for large |y|, unlike 1/(1+exp(-y))


def to_natural(y, lo, hi, kinds: tuple[str, ...], xp):
    """theta (..., n) from y (..., n); ``lo``, ``hi`` broadcast to y."""
    cols = []
    for i, kind in enumerate(kinds):
        yi, a, b = y[..., i], lo[..., i], hi[..., i]
        if kind == "interval":
            cols.append(a + (b - a) * _sigmoid(yi, xp))
        elif kind == "log_interval" or kind.startswith(ABOVE):
            if kind.startswith(ABOVE):
                a = xp.maximum(a, cols[_ref(kind)])  # the ordered partner, computed above
            la, lb = xp.log(a), xp.log(b)
            cols.append(xp.exp(la + (lb - la) * _sigmoid(yi, xp)))
        elif kind == "lower":
            cols.append(a + xp.exp(yi))
        elif kind == "upper":
            cols.append(b - xp.exp(yi))
        else:
            cols.append(yi)
    return xp.stack(cols, axis=-1)


def to_internal(theta: np.ndarray, lo: np.ndarray, hi: np.ndarray, kinds) -> np.ndarray:
    """Inverse of :func:`to_natural` (NumPy), clipping ``theta`` strictly inside its bounds."""
    cols = []
    for i, kind in enumerate(kinds):
        x, a, b = theta[..., i], lo[..., i], hi[..., i]
        if (r := _ref(kind)) is not None:
            a, kind = np.maximum(a, np.clip(theta[..., r], lo[..., r], hi[..., r])), "log_interval"
        if kind in ("interval", "log_interval"):
            if kind == "log_interval":
                x, a, b = np.log(np.maximum(x, 1e-300)), np.log(a), np.log(b)
            u = np.clip((x - a) / (b - a), _EDGE, 1.0 - _EDGE)
            u = np.where(np.isfinite(u), u, 0.5)
            cols.append(np.log(u) - np.log1p(-u))
        elif kind == "lower":
            cols.append(np.log(np.maximum(x - a, _EDGE * np.maximum(1.0, np.abs(a)))))
        elif kind == "upper":
            cols.append(np.log(np.maximum(b - x, _EDGE * np.maximum(1.0, np.abs(b)))))
        else:
            cols.append(x)
    return np.stack(cols, axis=-1)


def at_bound(theta: np.ndarray, lo: np.ndarray, hi: np.ndarray, kinds) -> np.ndarray:
    """Boolean ``(..., n)``: which parameters sit on (within ``AT_BOUND`` of) a bound."""
    cols = []
    for i, kind in enumerate(kinds):
        x, a, b = theta[..., i], lo[..., i], hi[..., i]
        if (r := _ref(kind)) is not None:
            # Against its partner: two modes merged into one count as "at a bound".
            a, kind = np.maximum(a, theta[..., r]), "log_interval"
        if kind in ("interval", "log_interval"):
            if kind == "log_interval":
                x, a, b = np.log(np.maximum(x, 1e-300)), np.log(a), np.log(b)
            with np.errstate(divide="ignore", invalid="ignore"):
                u = np.where(b > a, (x - a) / (b - a), 0.0)
            cols.append((u < AT_BOUND) | (u > 1.0 - AT_BOUND))
        elif kind == "lower":
            cols.append(x - a < AT_BOUND * np.maximum(1.0, np.abs(a)))
        elif kind == "upper":
            cols.append(b - x < AT_BOUND * np.maximum(1.0, np.abs(b)))
        else:
            cols.append(np.zeros(np.shape(x), dtype=bool))
    return np.stack(cols, axis=-1)
