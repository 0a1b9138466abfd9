"""Two-time correlation maps C2(t1, t2) of one dynamic bin: display preparation and g2 cuts.

Functions take one bin's map at a time (never all bins). Maps are (n, n) over frame times
t (n,) in s; a stored upper-triangular map is made symmetric with :func:`symmetrize`.
The stored diagonal holds shot noise (3–20 where the map is ~1.2), so display replaces it
from its neighbours by default and says so. g2 from an age window averages the map's pixels
exactly (lags are whole frames); cuts at arbitrary ages and lags are interpolated
(:mod:`._c2_cuts`). A dead frame (a NaN row and column) is missing, not poison: every mean
here is over the finite pixels it holds and counts only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._c2_windows import window_g2_host
from ._kernels import bucket, cut, kernel, padded, resolve


@dataclass(frozen=True)
class C2Display:
    """A map ready to show. matrix: (m, m) float64; t: (m,) float64 s (block-mean times).

    factor: block size of the decimation (1 = none); diagonal_corrected: whether the
    shot-noise diagonal was replaced; note: one line for the figure; full: the (n, n) map
    before decimation (diagonal corrected when ``diagonal_corrected``), for cuts through it.
    """

    matrix: Any
    t: Any
    factor: int
    diagonal_corrected: bool
    note: str
    full: Any = None


@dataclass(frozen=True)
class G2FromC2:
    """g2 against lag from one or several age windows.

    tau: (n_lag,) float64 s (lag k frames = k * dt, k >= 1); g2: (n_ages, n_lag) float64,
    NaN where a window holds no finite pixel at that lag; n_pairs: (n_ages, n_lag) int64,
    the finite pixels averaged (non-finite ones, e.g. of a dead frame, are left out);
    ages: (n_ages,) float64 s window centres; windows: ((t_lo, t_hi), ...) in s.
    g2_err: (n_ages, n_lag) float64, the standard error of each mean: the standard deviation
    of the averaged pixels over sqrt(n_pairs) (NaN below two pixels). Pixels along one lag
    are correlated over about a relaxation time in age, so this under-states the true error
    by roughly sqrt(pixels per correlation time); it is right as a *relative* weight between
    lags, which is how a fit with chi-square rescaling uses it.
    """

    tau: Any
    g2: Any
    n_pairs: Any
    ages: Any
    windows: tuple[tuple[float, float], ...]
    g2_err: Any = None


def symmetrize(c2_upper: Any, *, backend: BackendProtocol | None = None) -> Any:
    """Full symmetric (n, n) float64 map from one stored with only its upper triangle."""
    b = resolve(backend)
    c = b.asarray(c2_upper, dtype="float64")
    return b.triu(c) + b.transpose(b.triu(c, 1))


def _diag_build(backend: BackendProtocol, n: int):
    b = backend

    def fix_diagonal(c):
        d1 = b.diagonal(c, 1)
        # Mean of the finite lag-1 neighbours; the end pixels have one neighbour each, and a
        # diagonal pixel with no finite neighbour (a dead frame) stays NaN.
        left = b.concatenate([d1[:1], d1])
        right = b.concatenate([d1, d1[-1:]])
        ok_l, ok_r = b.isfinite(left), b.isfinite(right)
        total = b.where(ok_l, left, 0.0) + b.where(ok_r, right, 0.0)
        count = b.where(ok_l, 1.0, 0.0) + b.where(ok_r, 1.0, 0.0)
        fixed = b.where(count > 0, total / b.where(count > 0, count, 1.0), np.nan)
        i = b.arange(n)
        return b.set_at(c, (i, i), fixed)

    return fix_diagonal


def correct_diagonal(c2: Any, *, backend: BackendProtocol | None = None) -> Any:
    """Replace C2's diagonal (shot noise) by the mean of its finite lag-1 neighbours (NaN
    where both are missing). (n, n) float64."""
    b = resolve(backend)
    c = b.asarray(c2, dtype="float64")
    n = int(c.shape[0])
    if n < 2:
        return c
    return kernel(b, "c2_diagonal", (n,), _diag_build)(c)


def _decimate_build(backend: BackendProtocol, n: int, factor: int):
    b = backend
    m = -(-n // factor)
    pad = m * factor - n

    def block_sum(c):
        if pad:
            c = b.concatenate([c, b.zeros((pad, n))], axis=0)
            c = b.concatenate([c, b.zeros((n + pad, pad))], axis=1)
        return b.sum(b.sum(b.reshape(c, (m, factor, m, factor)), axis=3), axis=1)

    def block_mean(c):
        c = b.asarray(c, dtype="float64")  # fused into the reduction under jit
        # Divide each block by the finite pixels it holds (fewer in the last row/column of
        # blocks, and where a dead frame crosses it); a block with none is NaN.
        ok = b.isfinite(c)
        counts = block_sum(b.where(ok, 1.0, 0.0))
        sums = block_sum(b.where(ok, c, 0.0))
        return b.where(counts > 0, sums / b.where(counts > 0, counts, 1.0), np.nan)

    return block_mean


def decimate(c2: Any, factor: int, *, backend: BackendProtocol | None = None) -> Any:
    """Block mean over ``factor`` x ``factor`` pixels: (n, n) -> (ceil(n/f), ceil(n/f)) float64.

    Each block is the mean of its finite pixels (NaN when it has none)."""
    b = resolve(backend)
    factor = int(factor)
    if factor < 1:
        raise ValueError(f"decimation factor must be >= 1, got {factor}")
    n = int(c2.shape[0])
    if factor == 1:
        return b.asarray(c2, dtype="float64")
    # Bucketed: NaN frames appended (counted in no block) fill whole blocks, cut off. NumPy
    # compiles nothing, so there the map is not padded (the same blocks, the same sums).
    size, m = (bucket(n) if b.supports_jit else n), -(-n // factor)
    c = padded(b, c2, (size, size), np.nan, str(np.dtype(getattr(c2, "dtype", "float64"))))
    return cut(b, kernel(b, "c2_decimate", (size, factor), _decimate_build)(c), m, m)


def prepare_display(
    c2: Any,
    t: Any,
    *,
    max_size: int = 1024,
    diagonal_correction: bool = True,
    backend: BackendProtocol | str | None = None,
) -> C2Display:
    """Diagonal correction (default on) then block-mean decimation to at most ``max_size``."""
    b = resolve(backend)
    n = int(c2.shape[0])
    c = correct_diagonal(c2, backend=b) if diagonal_correction else c2
    factor = max(1, -(-n // int(max_size)))
    mat = decimate(c, factor, backend=b)
    times = b.asarray(t, dtype="float64")
    if factor > 1:
        from .intensity import rebin_intensity

        times = rebin_intensity(times, times, factor, backend=b).intensity
    notes = []
    if diagonal_correction:
        notes.append("diagonal replaced by the mean of its neighbours (shot noise)")
    notes.append(f"block mean {factor}x{factor}" if factor > 1 else "full resolution")
    return C2Display(
        matrix=mat,
        t=times,
        factor=factor,
        diagonal_corrected=bool(diagonal_correction),
        note="; ".join(notes),
        full=c,
    )


def _g2_build(backend: BackendProtocol, n: int):
    b = backend

    def window_g2(c, s_lo, s_hi):
        i = b.reshape(b.arange(n), (n, 1))
        j = b.reshape(b.arange(n), (1, n))
        lag = j - i
        twice_age = i + j  # age index doubled, so half-frame ages stay integers
        # non-finite pixels (a dead frame's row and column) are neither summed nor counted
        sel = (lag > 0) & (twice_age >= s_lo) & (twice_age <= s_hi) & b.isfinite(c)
        ids = b.reshape(b.where(sel, lag, 0), (-1,))
        sums = b.bincount(ids, weights=b.reshape(b.where(sel, c, 0.0), (-1,)), length=n)
        counts = b.bincount(ids, length=n)
        mean = sums / b.where(counts > 0, counts, 1)
        g2 = b.where(counts > 0, mean, np.nan)
        # Two passes (squares about each lag's mean) so ~1.2 +- 0.01 values keep their digits.
        dev = b.where(sel, c - b.reshape(b.take(mean, ids), (n, n)), 0.0)
        ss = b.bincount(ids, weights=b.reshape(dev * dev, (-1,)), length=n)
        var = ss / b.where(counts > 1, counts - 1, 1)
        err = b.where(counts > 1, b.sqrt(var / b.where(counts > 1, counts, 1)), np.nan)
        return g2[1:], counts[1:], err[1:]

    return window_g2


def g2_from_c2(
    c2: Any,
    t: Any,
    windows: Any,
    *,
    backend: BackendProtocol | str | None = None,
) -> G2FromC2:
    """g2(lag) averaged over the pixels whose age (t1 + t2) / 2 lies in each window.

    c2: (n, n) symmetric (or upper-triangular: only j > i is read); t: (n,) s, evenly
    spaced; windows: (t_lo, t_hi) or a sequence of them, in s. Non-finite pixels are left
    out of the means and of ``n_pairs``. Lags with no pixel in any window are dropped from
    the end. ``g2_err`` is the standard error over the averaged
    pixels (see :class:`G2FromC2` for why it is a relative weight, not an absolute error).
    """
    b = resolve(backend)
    tn = np.asarray(b.to_numpy(t), dtype=np.float64)
    n = tn.size
    if n < 2:
        raise ValueError("C2 needs at least two frames")
    dt = (tn[-1] - tn[0]) / (n - 1)
    wins = np.atleast_2d(np.asarray(windows, dtype=np.float64))
    doubled = [(int(np.ceil(2 * (lo - tn[0]) / dt - 1e-9)), int(np.floor(2 * (hi - tn[0]) / dt + 1e-9)))
               for lo, hi in wins]
    if not b.supports_jit:
        # NumPy: all windows from one pass along the diagonals (_c2_windows.py).
        g2, n_pairs, g2_err = window_g2_host(b.to_numpy(c2), doubled)
    else:
        # Bucketed: NaN frames appended are in no window; lags past n - 1 are cut off.
        size = bucket(n)
        run = kernel(b, "c2_window_g2", (size,), _g2_build)
        c = padded(b, c2, (size, size), np.nan, "float64")
        g2s, counts, errs = [], [], []
        for s_lo, s_hi in doubled:
            # Small outputs, stacked and cut on the host: eager device ops on them would
            # compile a program for every new frame count.
            g, k, e = (np.asarray(b.to_numpy(v))[:n - 1] for v in run(c, s_lo, s_hi))
            g2s.append(g)
            counts.append(k)
            errs.append(e)
        g2, n_pairs, g2_err = np.stack(g2s), np.stack(counts), np.stack(errs)
    used = np.flatnonzero(n_pairs.sum(axis=0) > 0)
    last = int(used[-1]) + 1 if used.size else 0
    put = b.from_numpy  # not asarray: on JAX that stages a program per new shape
    return G2FromC2(
        tau=put(np.arange(1, last + 1) * dt),
        g2=put(np.ascontiguousarray(g2[:, :last])),
        n_pairs=put(np.ascontiguousarray(n_pairs[:, :last])),
        ages=put(wins.mean(axis=1)),
        windows=tuple((float(lo), float(hi)) for lo, hi in wins),
        g2_err=put(np.ascontiguousarray(g2_err[:, :last])),
    )


def time_resolved_g2(
    c2: Any,
    t: Any,
    ages: Any,
    width: float,
    *,
    backend: BackendProtocol | str | None = None,
) -> G2FromC2:
    """g2 at several ages (s), each from a window ``width`` s wide centred on it."""
    a = np.atleast_1d(np.asarray(ages, dtype=np.float64))
    wins = np.stack([a - width / 2, a + width / 2], axis=1)
    return g2_from_c2(c2, t, wins, backend=backend)
