"""Turn files + options into one padded, masked batch: every selected bin of every file is a row.

A "file" is anything with ``.tau`` (n_tau,) s, ``.g2`` and ``.g2_err`` (n_tau, n_bins),
``.dynamic_q`` (n_bins,) 1/A and ``.path`` (an :class:`xpcsviewer.XpcsFile` or a stand-in).
Rows are padded to a common delay grid and the row count is rounded up to a bucket, so the
compiled solver is reused across similar calls instead of recompiling for every bin count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._args import check_bounds, check_fixed, check_t_range, columns, fixed_within
from ._models import ModelSpec, default_bounds, get_model, initial_guess
from ._transform import above, choose_kinds, to_internal


@dataclass(frozen=True)
class FitProblem:
    """A batch of ``n_rows`` real rows padded to ``(B, N)``; parameters ``(B, P)`` in model order."""

    spec: ModelSpec
    free: tuple[int, ...]  # indices of the free parameters
    kinds: tuple[str, ...]  # bound transform per parameter (see _transform.py)
    t: np.ndarray  # (B, N) s; 1.0 wherever masked (padding, bad delays): every model is finite
    t_raw: np.ndarray  # (B, N) s as read (1.0 in padding), for redrawing
    g2: np.ndarray  # (B, N), 0 where masked
    g2_raw: np.ndarray  # (B, N) as read (NaN in padding), for redrawing
    err_raw: np.ndarray  # (B, N) as read
    sigma: np.ndarray  # (B, N), the error used (1 for unweighted rows), nan where masked
    w: np.ndarray  # (B, N) residual weights 1/sigma, 0 where masked
    mask: np.ndarray  # (B, N) bool, points that enter the fit
    weighted: np.ndarray  # (n_rows,) bool, False when a bin has no usable error bar
    lo: np.ndarray  # (B, P)
    hi: np.ndarray  # (B, P)
    theta0: np.ndarray  # (B, P) starting values; fixed parameters hold their fixed values
    y0: np.ndarray  # (B, n_free) starting point in solver coordinates
    n_rows: int
    file_index: np.ndarray  # (n_rows,) int
    column: np.ndarray  # (n_rows,) int, the g2 column of the row in its file
    q: np.ndarray  # (n_rows,) 1/A
    paths: tuple[str, ...]  # one per file
    t_range: tuple[float, float]
    fixed: dict[str, float]

    @property
    def n_valid(self) -> np.ndarray:
        return self.mask[: self.n_rows].sum(axis=-1)


def _bucket(n: int) -> int:
    """Round a row count up (powers of two to 64, then multiples of 64) to limit recompiles."""
    if n <= 64:
        # At least 32: one file of a few bins, two files, and a single bin for NUTS share
        # one compiled solver; masked padding rows converge in one step.
        return max(32, 1 << (n - 1).bit_length())
    return -(-n // 64) * 64


def _delay_bucket(n_tau: int) -> int:
    """Round a delay count up: multiples of 16 to 128 (multi-tau files: aging_b 34 and
    brownian_a 48 share 48), then 2^k and 1.5 * 2^k. Two-time windows have one delay per
    frame lag, so every C2 size would compile its own solver (4 s each for fit_aging); with
    these maps of 769 to 1,024 frames share one (at most 1.5x padded delays, masked)."""
    if n_tau <= 128:
        return max(16, -(-n_tau // 16) * 16)
    k = 1 << (n_tau - 1).bit_length()  # the power of two at or above n_tau
    return k * 3 // 4 if n_tau <= k * 3 // 4 else k


def as_file_list(files_or_file) -> list:
    if hasattr(files_or_file, "g2"):
        return [files_or_file]
    if isinstance(files_or_file, Sequence) and not isinstance(files_or_file, (str, bytes)):
        files = list(files_or_file)
        if not files:
            raise ValueError("fit_g2 needs at least one file; got an empty list")
        return files
    raise TypeError(
        "fit_g2 takes a file (from xpcsviewer.open) or a list of them, "
        f"not {type(files_or_file).__name__}"
    )


def per_file_bins(files: list, bins) -> list:
    """One column selection per file from ``bins``: ``None`` (every bin of each file), one
    list of columns for every file, a list with one entry per file (each a list of columns
    or ``None``), or a dict ``{path: columns or None}`` naming every file's path."""
    if bins is None:
        return [None] * len(files)
    if isinstance(bins, Mapping):
        keys = {str(k): v for k, v in bins.items()}
        paths = [str(getattr(f, "path", "<memory>")) for f in files]
        missing = [p for p in paths if p not in keys]
        unknown = sorted(set(keys) - set(paths))
        if missing or unknown:
            raise ValueError(
                f"bins as a dict must name every file's path and nothing else; missing "
                f"{missing}, unknown {unknown}"
            )
        return [keys[p] for p in paths]
    if isinstance(bins, (str, bytes)):
        raise TypeError(f"bins must be column numbers (ints), not the text {bins!r}")
    try:
        items = list(bins)
    except TypeError:  # one column (an int, or a float refused with a message below)
        items = [bins]
    if isinstance(bins, np.ndarray) and bins.ndim == 0:
        items = [bins.item()]
    # A per-file selection is a list (or None) per file; a plain selection is a list of ints.
    nested = [x is None or (isinstance(x, (Sequence, np.ndarray)) and not isinstance(x, (str, bytes)))
              for x in items]
    if items and all(nested):
        if len(items) != len(files):
            raise ValueError(
                f"bins per file: got {len(items)} selections for {len(files)} files"
            )
        return items
    if any(nested):
        raise ValueError("bins: give one list of columns, or one list (or None) per file")
    return [items] * len(files)


def _file_arrays(f, bins):
    path = str(getattr(f, "path", "<memory>"))
    if getattr(f, "g2", None) is None or getattr(f, "tau", None) is None:
        raise ValueError(f"{path}: the file has no multitau g2 to fit")
    t = np.asarray(f.tau, dtype=np.float64).reshape(-1)
    g2 = np.asarray(f.g2, dtype=np.float64)
    err = getattr(f, "g2_err", None)
    err = np.full_like(g2, np.nan) if err is None else np.asarray(err, dtype=np.float64)
    if g2.ndim != 2 or g2.shape[0] != t.size or err.shape != g2.shape:
        raise ValueError(
            f"{path}: g2 {g2.shape} and g2_err {err.shape} must be (n_tau, n_bins) with "
            f"n_tau = len(tau) = {t.size}"
        )
    n_bins = g2.shape[1]
    cols = np.arange(n_bins) if bins is None else columns(bins)
    bad = cols[(cols < 0) | (cols >= n_bins)]
    if bad.size:
        raise ValueError(f"{path}: bins {bad.tolist()} out of range; it has {n_bins} g2 columns")
    q = getattr(f, "dynamic_q", None)
    q = np.full(n_bins, np.nan) if q is None else np.asarray(q, dtype=np.float64).reshape(-1)
    return path, t, g2[:, cols].T, err[:, cols].T, cols, q[cols]


def order_bounds(spec: ModelSpec, fixed: Mapping[str, float], lo, hi) -> None:
    """Narrow ``lo``/``hi`` (n_rows, n_params) in place so each ordered pair (fast, slow)
    can only come out fast < slow. A fixed partner becomes a static bound of the free one;
    two free partners share their range (fast below slow's upper bound, slow above fast's
    lower bound) and the solver keeps slow above fast point by point (:func:`order_kinds`)."""
    for fast, slow in spec.ordered:
        i, j = spec.index(fast), spec.index(slow)
        if fast in fixed and slow in fixed:
            if not fixed[fast] < fixed[slow]:
                raise ValueError(f"{fast} must be below {slow}; both are fixed, at "
                                 f"{fixed[fast]:g} and {fixed[slow]:g}")
        elif fast in fixed:
            lo[:, j] = np.maximum(lo[:, j], fixed[fast])
        elif slow in fixed:
            hi[:, i] = np.minimum(hi[:, i], fixed[slow])
        else:
            hi[:, i] = np.minimum(hi[:, i], hi[:, j])
            lo[:, j] = np.maximum(lo[:, j], lo[:, i])
        if np.any(hi[:, i] <= lo[:, i]) or np.any(hi[:, j] <= lo[:, j]):
            raise ValueError(f"bounds leave no room for {fast} < {slow}")


def order_kinds(spec: ModelSpec, fixed: Mapping[str, float], kinds: tuple[str, ...]):
    """Kinds with the slow member of each free ordered pair bounded below by the fast one."""
    kinds = list(kinds)
    for fast, slow in spec.ordered:
        if fast in fixed or slow in fixed:
            continue  # order_bounds made it a static bound
        j = spec.index(slow)
        if kinds[j] != "log_interval":
            raise ValueError(f"{slow} needs finite positive bounds to be kept above {fast}")
        kinds[j] = above(spec.index(fast))
    return tuple(kinds)


def _sorted_by_delay(t: np.ndarray, g2: np.ndarray, mask: np.ndarray):
    """Rows ordered by delay, masked points last, for the starting values only.

    :func:`initial_guess` reads contrast from the first points and baseline from the last;
    a file whose delays are reversed or shuffled would otherwise start the fit from the
    wrong end. The fit itself does not depend on the order of the points."""
    order = np.argsort(np.where(mask, t, np.inf), axis=-1, kind="stable")
    return tuple(np.take_along_axis(a, order, axis=-1) for a in (t, g2, mask))


def build_problem(
    files: list,
    model: str,
    *,
    bins=None,
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    t_range: tuple[float, float] | None = None,
) -> FitProblem:
    spec = get_model(model)
    fixed = check_fixed(spec, fixed)
    free = tuple(i for i, p in enumerate(spec.params) if p not in fixed)
    if not free:
        raise ValueError("every parameter is fixed; leave at least one free")
    t_lo, t_hi = check_t_range(t_range)

    parts = [_file_arrays(f, b) for f, b in zip(files, per_file_bins(files, bins), strict=True)]
    n_rows = sum(p[4].size for p in parts)
    if n_rows == 0:
        raise ValueError("bins selects no g2 column in any file; nothing to fit")
    n_tau = max(p[1].size for p in parts)
    # Delays padded to a bucket: files of similar length share one compiled shape; masked
    # padding costs little next to a recompile.
    B, N = _bucket(n_rows), _delay_bucket(n_tau)
    t = np.ones((B, N))
    g2 = np.full((B, N), np.nan)
    err = np.full((B, N), np.nan)
    in_range = np.zeros((B, N), dtype=bool)
    file_index, row = np.zeros(n_rows, dtype=int), 0
    for k, (_, tk, gk, ek, cols, _) in enumerate(parts):
        sl = slice(row, row + cols.size)
        t[sl, : tk.size], g2[sl, : tk.size], err[sl, : tk.size] = tk, gk, ek
        in_range[sl, : tk.size] = (tk >= t_lo) & (tk <= t_hi) & (tk > 0) & np.isfinite(tk)
        file_index[sl], row = k, row + cols.size
    usable_t = any(np.any(np.isfinite(p[1]) & (p[1] > 0)) for p in parts)
    if t_range is not None and usable_t and not in_range.any():
        # The caller's range misses every delay: a wrong argument. Delays that are unusable
        # in themselves (NaN, not positive) are the data's fault: those rows fail instead.
        raise ValueError(f"t_range {t_range} s contains no delay of any file; nothing to fit")

    data_ok = in_range & np.isfinite(g2)
    err_ok = np.isfinite(err) & (err > 0)
    # A bin with no usable error bar at all is fitted unweighted rather than dropped;
    # otherwise points whose error is zero or NaN are masked (they would get infinite weight).
    weighted = (data_ok & err_ok).any(axis=-1)
    mask = data_ok & (err_ok | ~weighted[:, None])
    g2_raw, err_raw = g2.copy(), err.copy()
    sigma = np.where(mask, np.where(weighted[:, None], err, 1.0), np.nan)
    g2 = np.where(mask, g2, 0.0)
    w = np.where(mask, 1.0 / np.where(mask, sigma, 1.0), 0.0)

    t_raw = t.copy()
    # A delay left out (NaN, inf, <= 0, outside t_range) must not reach the model: NaN or a
    # negative t would make the masked residual 0 * NaN = NaN and poison the whole row.
    t = np.where(in_range, t, 1.0)
    theta0 = initial_guess(model, *_sorted_by_delay(t, g2, mask))
    lo, hi = default_bounds(model, t, mask, theta0)
    check_bounds(spec, bounds, lo, hi, n_rows)
    file_cols = [(p[0], c) for p in parts for c in p[4]]
    fixed_within(spec, fixed, lo, hi, n_rows, lambda r: file_cols[r])
    order_bounds(spec, fixed, lo, hi)
    kinds = choose_kinds(lo, hi, tuple(p in spec.log_scale for p in spec.params))
    kinds = order_kinds(spec, fixed, kinds)
    for name, value in fixed.items():
        theta0[:, spec.index(name)] = value
    y0 = to_internal(theta0, lo, hi, kinds)[:, list(free)]
    return FitProblem(
        spec=spec,
        free=free,
        kinds=kinds,
        t=t,
        t_raw=t_raw,
        g2=g2,
        g2_raw=g2_raw,
        err_raw=err_raw,
        sigma=sigma,
        w=w,
        mask=mask,
        weighted=weighted[:n_rows],
        lo=lo,
        hi=hi,
        theta0=theta0,
        y0=y0,
        n_rows=n_rows,
        file_index=file_index,
        column=np.concatenate([p[4] for p in parts]),
        q=np.concatenate([p[5] for p in parts]),
        paths=tuple(p[0] for p in parts),
        t_range=(t_lo, t_hi),
        fixed=fixed,
    )
