"""Checks of the arguments of ``fit_g2`` (bins, fixed, bounds, t_range) before any work.

A wrong argument raises ``ValueError`` (or ``TypeError`` for a value of the wrong kind) whose
text names the argument as typed (``bins``, ``fixed['tau']``, ``bounds['tau']``, ``t_range``)
and what is wrong, instead of a cast that silently changes it (``int(1.5)`` is column 1) or
Python's own message from deep inside.
"""

from __future__ import annotations

import numpy as np

from ._models import ModelSpec


def columns(bins) -> np.ndarray:
    """``bins`` as an int array of column numbers; a float like 1.5 or a text is refused (a
    cast would silently fit column 1 for 1.5), an integral float such as 2.0 is column 2."""
    out = []
    for x in np.asarray(bins, dtype=object).reshape(-1):
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise TypeError(f"bins must be column numbers (ints); got {x!r} ({type(x).__name__})")
        if not (np.isfinite(x) and float(x).is_integer()):
            raise ValueError(f"bins must be whole column numbers; got {x!r}")
        out.append(int(x))
    return np.array(out, dtype=int)


def check_t_range(t_range) -> tuple[float, float]:
    """``(t_min, t_max)`` s as two floats; ``None`` for the whole range or for either side
    (no limit on that side, as in ``bounds``). Raises TypeError/ValueError naming t_range."""
    if t_range is None:
        return -np.inf, np.inf
    if isinstance(t_range, (str, bytes)) or np.ndim(t_range) != 1 or len(t_range) != 2:
        raise ValueError(f"t_range must be a pair (t_min, t_max) in s, got {t_range!r}")
    out = []
    for side, v, default in zip(("t_min", "t_max"), t_range, (-np.inf, np.inf), strict=True):
        if v is None:
            out.append(default)
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"t_range {side} must be a number of seconds or None, got {v!r}")
        if np.isnan(v):
            raise ValueError(f"t_range {side} is NaN; give a number of seconds or None")
        out.append(float(v))
    if not out[0] < out[1]:
        raise ValueError(f"t_range {tuple(t_range)} is empty: the lower limit must be below the upper")
    return out[0], out[1]


def number(what: str, v, *, inf: bool = False) -> float:
    """``v`` as a float; TypeError naming ``what`` for a non-number (bool included),
    ValueError for NaN, and for ±inf unless ``inf`` (a range's open side)."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number, got {v!r} ({type(v).__name__})")
    if np.isnan(v) or (not inf and not np.isfinite(v)):
        raise ValueError(f"{what} must be finite, got {v!r}")
    return float(v)


def _invalid(name: str, x: float) -> str:
    """Why ``x`` cannot be parameter ``name`` at all, whatever the bounds ("" when it can)."""
    if name.startswith(("tau", "gamma")) and not x > 0:
        return "must be > 0"  # a relaxation time, a power: log scale
    if name == "contrast" and x < 0:
        return "must be >= 0"
    if name == "f" and not 0.0 <= x <= 1.0:
        return "must be in [0, 1] (a fraction)"
    return ""


def check_fixed(spec: ModelSpec, fixed) -> dict[str, float]:
    """``fixed`` as ``{name: float}``; refuses unknown names, non-numbers, NaN/inf and values
    a parameter cannot take (tau, gamma <= 0, contrast < 0, f outside [0, 1])."""
    out = {}
    for name, v in (fixed or {}).items():
        spec.index(name)
        x = number(f"fixed[{name!r}]", v)
        why = _invalid(name, x)
        if why:
            raise ValueError(f"fixed[{name!r}] = {x:g} is not a valid {name}: it {why}")
        out[name] = x
    return out


def fixed_within(spec, fixed, lo, hi, n_rows, paths_cols) -> None:
    """A fixed value outside its row's bounds (defaults or ``bounds``) is a mistake the fit
    would only report as 'at a bound'; refuse it, naming the parameter and the range."""
    for name, x in fixed.items():
        i = spec.index(name)
        out = np.flatnonzero((x < lo[:n_rows, i]) | (x > hi[:n_rows, i]))
        if out.size:
            r = out[0]
            path, col = paths_cols(r)
            raise ValueError(
                f"fixed[{name!r}] = {x:g} is outside the bounds of {name}, "
                f"[{lo[r, i]:g}, {hi[r, i]:g}] for {path} bin {col} ({out.size} of {n_rows} "
                f"bins); widen them with bounds={{{name!r}: (lower, upper)}} if you mean it"
            )


def check_bounds(spec, bounds, lo, hi, n_rows):
    """Apply ``bounds`` {name: (lower, upper)} (None keeps the default side, ±inf removes it);
    every message names the parameter."""
    for name, pair in (bounds or {}).items():
        i = spec.index(name)
        if isinstance(pair, (str, bytes)) or np.ndim(pair) != 1 or len(pair) != 2:
            raise ValueError(f"bounds[{name!r}] must be a pair (lower, upper), got {pair!r}")
        a, b = pair
        for side, v in (("lower", a), ("upper", b)):
            if v is not None and (isinstance(v, (bool, np.bool_))
                                  or not isinstance(v, (int, float, np.integer, np.floating))):
                raise TypeError(f"bounds[{name!r}] {side} must be a number or None, got {v!r}")
            if v is not None and np.isnan(v):
                raise ValueError(f"bounds[{name!r}] {side} is NaN; give a number or None")
        if a is not None and b is not None and not float(a) < float(b):
            raise ValueError(f"bounds[{name!r}] = ({a:g}, {b:g}): the lower bound must be "
                             "below the upper")
        if a is not None:
            lo[:, i] = float(a)
        if b is not None:
            hi[:, i] = float(b)
        crossed = np.flatnonzero(hi[:n_rows, i] <= lo[:n_rows, i])
        if crossed.size:
            r = crossed[0]
            given, kept = ("lower", "upper") if a is not None else ("upper", "lower")
            raise ValueError(
                f"bounds[{name!r}] = {tuple(pair)}: the {given} bound crosses the default "
                f"{kept} bound ({lo[r, i]:g} >= {hi[r, i]:g} for {crossed.size} of {n_rows} "
                "bins); give both sides")
