"""Cuts through a C2 map at arbitrary ages and lags, sampled by (bi)linear interpolation.

Axes: age a = (t1 + t2) / 2 and lag tau = t2 - t1 (s). A cut at fixed lag runs along the
diagonal; a cut at fixed age runs across it. Sampling goes through interpax on JAX (and the
same bilinear arithmetic on NumPy), so a cut at a lag between frames is not snapped to the
nearest pixel. A missing (non-finite) pixel does not poison its neighbours' cells: values
are the bilinear weights' mean over the finite corners only (NaN where none is finite).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._interp import interp2d_linear
from ._kernels import resolve


@dataclass(frozen=True)
class C2Cut:
    """axis: (m,) float64 s (ages for a lag cut, lags for an age cut); values: (m,) float64.

    kind: ``"lag"`` (fixed lag, along the diagonal) or ``"age"`` (fixed age, across it);
    at: the fixed lag or age in s; method: how values were sampled.
    """

    axis: Any
    values: Any
    kind: str
    at: float
    method: str


def _method(b: BackendProtocol) -> str:
    return "bilinear (interpax)" if b.name == "jax" else "bilinear (numpy)"


def _sample(xq: Any, yq: Any, t: np.ndarray, c2: Any, b: BackendProtocol) -> Any:
    """Bilinear samples of c2 at (xq, yq) over its finite pixels: interpolate the zero-filled
    map and the finite-pixel indicator, and divide (the weights renormalised over the finite
    corners; identical to plain bilinear where all four corners are finite)."""
    c = b.asarray(c2, dtype="float64")
    ok = b.isfinite(c)
    vals = interp2d_linear(xq, yq, t, t, b.where(ok, c, 0.0), b)
    weight = interp2d_linear(xq, yq, t, t, b.where(ok, 1.0, 0.0), b)
    # weight is NaN outside the map (extrap off), 0 where no corner is finite
    good = weight > 1e-12
    return b.where(good, vals / b.where(good, weight, 1.0), np.nan)


def cut_at_lag(
    c2: Any,
    t: Any,
    lag: float,
    ages: Any = None,
    *,
    backend: BackendProtocol | str | None = None,
) -> C2Cut:
    """C2 along the diagonal at fixed ``lag`` (s) against age; ages (m,) s default to one per frame."""
    b = resolve(backend)
    tn = np.asarray(b.to_numpy(t), dtype=np.float64)
    half = abs(float(lag)) / 2
    if ages is None:
        ages = np.linspace(
            tn[0] + half, tn[-1] - half, max(2, tn.size - int(round(2 * half / (tn[1] - tn[0]))))
        )
    a = np.asarray(ages, dtype=np.float64)
    vals = _sample(a - half, a + half, tn, c2, b)
    return C2Cut(axis=b.asarray(a), values=vals, kind="lag", at=float(lag), method=_method(b))


def cut_at_age(
    c2: Any,
    t: Any,
    age: float,
    lags: Any = None,
    *,
    backend: BackendProtocol | str | None = None,
) -> C2Cut:
    """C2 across the diagonal at fixed ``age`` (s) against lag; lags (m,) s, default ± the
    largest lag the map holds at that age, one per frame."""
    b = resolve(backend)
    tn = np.asarray(b.to_numpy(t), dtype=np.float64)
    age = float(age)
    if lags is None:
        reach = 2 * min(age - tn[0], tn[-1] - age)
        if reach < 0:
            raise ValueError(f"age {age} s lies outside the map ({tn[0]}..{tn[-1]} s)")
        steps = int(np.floor(reach / (tn[1] - tn[0]) + 1e-9))
        lags = np.arange(-steps, steps + 1) * (tn[1] - tn[0])
    lg = np.asarray(lags, dtype=np.float64)
    vals = _sample(age - lg / 2, age + lg / 2, tn, c2, b)
    return C2Cut(axis=b.asarray(lg), values=vals, kind="age", at=age, method=_method(b))
