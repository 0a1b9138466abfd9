"""Cuts through a C2 map at arbitrary ages and lags, sampled by (bi)linear interpolation.

Axes: age a = (t1 + t2) / 2 and lag tau = t2 - t1 (s). A cut at fixed lag runs along the
diagonal; a cut at fixed age runs across it. Sampling is bilinear (one kernel, the same
arithmetic on both backends), so a cut at a lag between frames is not snapped to the nearest
pixel. A missing (non-finite) pixel does not poison its neighbours' cells: values are the
bilinear weights' mean over the finite corners only (NaN where none is finite).

On JAX the map (n frames) and the samples (m) are padded to buckets (``_kernels.bucket``;
docs/performance.md): NaN frames past n, which no sample reaches (a sample's cell starts at
frame n - 2 at most), and NaN samples up to twice the map's bucket, cut off. So one program per map bucket covers
every cut through it and a few cover every map size and
cut length; interpax, used before, ran eagerly and compiled 5-7 s for each new map size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import bucket, cut, kernel, padded, resolve


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
    return "bilinear (compiled, bucketed)" if b.supports_jit else "bilinear (numpy)"


def _build(backend: BackendProtocol, size: int, m_size: int):
    # size: the map's bucket; m_size: the samples'. n (frames) is traced.
    b = backend

    def cell(t, xq, n):
        """Left grid index, fraction and outside flag of each sample (NaN samples: outside)."""
        i = b.clip(b.searchsorted(t, xq, side="right") - 1, 0, n - 2)
        frac = (xq - b.take(t, i)) / (b.take(t, i + 1) - b.take(t, i))
        outside = (xq < t[0]) | (xq > b.take(t, n - 1)) | ~b.isfinite(xq)
        return i, frac, outside

    def sample(c, t, xq, yq, n):
        ok = b.isfinite(c)
        i, tx, ox = cell(t, xq, n)
        j, ty, oy = cell(t, yq, n)
        out = ox | oy

        def bilinear(f):
            val = (f[i, j] * (1 - tx) * (1 - ty) + f[i + 1, j] * tx * (1 - ty)
                   + f[i, j + 1] * (1 - tx) * ty + f[i + 1, j + 1] * tx * ty)
            return b.where(out, np.nan, val)

        vals = bilinear(b.where(ok, c, 0.0))
        weight = bilinear(b.where(ok, 1.0, 0.0))
        # weight is NaN outside the map, 0 where no corner is finite
        good = weight > 1e-12
        return b.where(good, vals / b.where(good, weight, 1.0), np.nan)

    return sample


def _sample(xq: Any, yq: Any, t: np.ndarray, c2: Any, b: BackendProtocol) -> Any:
    """Bilinear samples (m,) of c2 (n, n) at (xq, yq) (m,) s over its finite pixels:
    interpolate the zero-filled map and the finite-pixel indicator, and divide (the weights
    renormalised over the finite corners; plain bilinear where all four corners are finite).
    The frame times t (n,) s must increase."""
    n, m = t.size, int(np.size(xq))
    if n < 2:
        raise ValueError("a cut needs a map of at least two frames")
    # One program per map bucket: the samples are padded to twice the map's bucket (a lag
    # cut has at most n samples, an age cut at most 2n - 1), not to a bucket of their own,
    # which would change with every lag and age.
    size = bucket(n) if b.supports_jit else n
    m_size = 2 * size if b.supports_jit and m <= 2 * size else m
    if b.supports_jit and not isinstance(c2, np.ndarray):
        # A device map (the display's corrected map) padded on the host: an eager concatenate
        # on the device would compile per map size.
        c2 = np.asarray(b.to_numpy(c2))
    c = padded(b, c2, (size, size), np.nan, "float64")
    tp = padded(b, t, (size,), np.inf, "float64")  # past the end: never below a sample
    xp, yp = (padded(b, np.asarray(v, dtype=np.float64).reshape(-1), (m_size,), np.nan,
                     "float64") for v in (xq, yq))
    n_arg = b.from_numpy(np.int32(n)) if b.supports_jit else n
    return cut(b, kernel(b, "c2_cut", (size, m_size), _build)(c, tp, xp, yp, n_arg), m)


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
    return C2Cut(axis=b.from_numpy(a), values=vals, kind="lag", at=float(lag), method=_method(b))


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
    return C2Cut(axis=b.from_numpy(lg), values=vals, kind="age", at=age, method=_method(b))
