"""Relaxation time against sample age: g2 from age windows of one bin's C2, fitted in one call.

An aging sample slows down while it is measured, so the whole-run multi-tau g2 mixes fast
early and slow late dynamics. Cutting the two-time map C2(t1, t2) into age windows
(:func:`xpcsviewer.compute.g2_from_c2`) gives one g2 per window; :func:`fit_aging` fits them
all with :func:`fit_g2`'s batched model, the windows standing in for the bins of a file.

A window's g2 averages every pixel whose age (t1 + t2) / 2 lies in it, so its tau is an
average over the window (and over the ages a long lag spans): when tau changes across a
window the fitted tau is close to, but not exactly, tau at the window's centre. Windows at
the ends of the run are biased further: a lag L reaches the last window only from ages up to
t_end - L/2 (the first only from L/2 on), so narrow edge windows see their long lags from
their inner part alone; keep windows wider than the slowest tau.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..backends import ensure_numpy
from ..compute import G2FromC2, g2_from_c2, one_pass
from . import _aging_errors as boot
from ._fit_g2 import fit_g2
from ._results import FitStatus, G2FitResult, frozen

AGING_MODELS = ("single", "stretched")  # models with one tau to follow against age


@dataclass(frozen=True)
class AgingFit:
    """One fit per age window of one bin's two-time map.

    ages: (n_windows,) float64 s, window centres (time since the start of the run);
    windows: ((t_lo, t_hi), ...) s; tau, tau_err, contrast, contrast_err, baseline: (n_windows,)
    float64 (tau in s, NaN for a failed window); tau_err and contrast_err are one standard
    deviation from a block bootstrap over the window's age blocks (``_aging_errors.py``; the
    fit's own covariance errors, far too small here, stay in ``fit.errors``); n_blocks,
    n_boot: its settings; n_boot_ok (n_windows,): replicates that fitted; status, message:
    one per window; q: 1/A of the
    bin (NaN when not given); column: the g2 column of the map (-1 when unknown);
    g2: the windows' g2 as fitted (lags with fewer than ``min_pairs`` pairs are NaN);
    fit: the full :class:`G2FitResult` (rows = windows, provenance included).
    """

    ages: np.ndarray
    windows: tuple[tuple[float, float], ...]
    tau: np.ndarray
    tau_err: np.ndarray
    contrast: np.ndarray
    contrast_err: np.ndarray
    baseline: np.ndarray
    status: tuple[FitStatus, ...]
    message: tuple[str, ...]
    q: float
    column: int
    min_pairs: int
    g2: G2FromC2
    fit: G2FitResult
    n_blocks: int = boot.N_BLOCKS
    n_boot: int = boot.N_BOOT
    n_boot_ok: np.ndarray | None = None

    @property
    def ok(self) -> np.ndarray:
        """(n_windows,) bool: the window's fit converged (not failed, not at a bound)."""
        return np.array([s is FitStatus.CONVERGED for s in self.status])


@dataclass(frozen=True)
class _WindowsAsBins:
    """The "file" fit_g2 reads: each age window is one g2 column."""

    tau: np.ndarray  # (n_lag,) s
    g2: np.ndarray  # (n_lag, n_windows)
    g2_err: np.ndarray  # (n_lag, n_windows)
    dynamic_q: np.ndarray  # (n_windows,) 1/A, the same q in every column
    path: str


def equal_windows(t: Any, n_windows: int) -> list[tuple[float, float]]:
    """``n_windows`` equal, adjacent age windows spanning the run t (n,) s: [(t_lo, t_hi)]."""
    tn = np.asarray(ensure_numpy(t), dtype=np.float64)
    edges = np.linspace(float(tn[0]), float(tn[-1]), max(1, int(n_windows)) + 1)
    return [(float(lo), float(hi)) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def fit_aging(
    c2: Any,
    n_windows: int = 4,
    *,
    windows: Any = None,
    q: float | None = None,
    model: str = "single",
    min_pairs: int = 100,
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    t_range: tuple[float, float] | None = None,
    backend: str | None = None,
    n_blocks: int = boot.N_BLOCKS,
    n_boot: int = boot.N_BOOT,
) -> AgingFit:
    """tau against age for one bin: g2 of each age window of C2, fitted in one batched call.

    Args:
        c2: one bin's map, ``XpcsFile.c2(col)`` (``.matrix`` (n, n) symmetric, ``.t`` (n,) s
            evenly spaced, ``.column``).
        n_windows: equal slices of the run (ignored when ``windows`` is given).
        windows: explicit ``[(t_lo, t_hi), ...]`` age windows in s.
        q: the bin's q in 1/A (``f.dynamic_q[col]``), recorded in the result only.
        model: ``"single"`` (baseline + contrast exp(-2 t/tau)) or ``"stretched"``.
        min_pairs: lags whose window mean averages fewer frame pairs are left out of the fit
            (the longest lags of a window hold only a few pixels near its corner).
        fixed, bounds, t_range: as :func:`fit_g2` (t_range: lags in s).
        backend: ``"jax"`` or ``"numpy"`` for the window g2 and the fit. Default
            (``None``): :func:`xpcsviewer.compute.one_pass`'s choice, NumPy on a CPU and the
            active backend on a GPU. Why: the JAX solver compiles per delay bucket (a C2 of
            n frames fits n - 1 lags), about 4 s at a new process's first fit of a bucket,
            while NumPy's Levenberg-Marquardt fits a few windows in 0.1-0.2 s and agrees with
            it to about 1e-8 on converged windows (``tests/test_fit_aging_backend.py``;
            docs/performance.md, "Two-time first view").
        n_blocks, n_boot: the block bootstrap of the errors (below); n_blocks >= 2.

    Weights: the standard error over the frame pairs averaged at each lag (see
    :class:`xpcsviewer.compute.G2FromC2`), right as relative weights between lags only.
    Errors of tau and contrast: a block bootstrap over ``n_blocks`` equal age stretches of
    each window, ``n_boot`` replicates per window, each refitted from the window's optimum
    (see ``_aging_errors.py`` for why the fit's covariance cannot give them). On aging_b
    (4 windows, bins 3-7) the fit's covariance errors left (tau - truth) / err with a
    spread of 8; these give 0.97 (largest |z| 2.4), and 2.2 over 8 windows, whose narrow
    windows add bias. Four blocks: stretches short against the slowest tau share their
    noise and under-state the error (8 blocks left |z| up to 3.8 over 4 windows and up to
    12 over 8); fewer than four leave the spread itself too noisy.

    A window that cannot be fitted comes back with status ``failed`` and NaN values.
    """
    if model not in AGING_MODELS:
        raise ValueError(f"fit_aging follows one tau; model must be one of {AGING_MODELS}, "
                         f"not {model!r}")
    if int(n_blocks) < 2 or int(n_boot) < 2:
        raise ValueError(f"n_blocks and n_boot must be at least 2; got {n_blocks}, {n_boot}")
    matrix, t = c2.matrix, c2.t
    if backend is None:
        backend = one_pass().name  # NumPy on a CPU: no compile before tau is shown
    wins = equal_windows(t, n_windows) if windows is None else windows
    cut = g2_from_c2(matrix, t, wins, backend=backend)
    tau = np.asarray(ensure_numpy(cut.tau), dtype=np.float64)
    pairs = np.asarray(ensure_numpy(cut.n_pairs))
    enough = pairs >= int(min_pairs)
    g2 = np.where(enough, np.asarray(ensure_numpy(cut.g2), dtype=np.float64), np.nan)
    err = np.where(enough, np.asarray(ensure_numpy(cut.g2_err), dtype=np.float64), np.nan)
    column = int(getattr(c2, "column", -1))
    q_val = float("nan") if q is None else float(q)
    shown = G2FromC2(tau=frozen(tau), g2=frozen(g2), n_pairs=frozen(pairs),
                     ages=frozen(np.asarray(ensure_numpy(cut.ages), dtype=np.float64)),
                     windows=cut.windows, g2_err=frozen(err))
    stand_in = _WindowsAsBins(tau=tau, g2=g2.T, g2_err=err.T,
                              dynamic_q=np.full(g2.shape[0], q_val),
                              path=f"C2 of g2 column {column}, {len(cut.windows)} age windows")
    fit = fit_g2(stand_in, model, fixed=fixed, bounds=bounds, t_range=t_range, backend=backend)
    tau_v, _ = fit.param("tau")
    beta_v, _ = fit.param("contrast")
    base_v, _ = fit.param("baseline")
    # Replicates of every window, refitted from the window's optimum (_aging_errors.py).
    sums, counts = boot.block_sums(np.asarray(ensure_numpy(matrix), dtype=np.float64),
                                   np.asarray(ensure_numpy(t), dtype=np.float64),
                                   cut.windows, tau.size, int(n_blocks))
    reps = boot.replicates(sums, counts, int(min_pairs), int(n_boot), boot.SEED)
    free = [i for i, f_ in enumerate(fit.free) if f_]
    # Replicates use the lags and weights the window's fit used (t_range, min_pairs...).
    used = fit.mask[:, : tau.size]
    rep_err = np.where(used, np.where(fit.weighted[:, None], err, 1.0), np.nan)
    values = boot.refit(model, fit.values, free, tau, reps, rep_err, int(n_boot))
    n_win, min_ok = len(cut.windows), max(2, int(n_boot) // 2)
    tau_i, beta_i = fit.params.index("tau"), fit.params.index("contrast")
    fine = np.all(np.isfinite(values), axis=1)
    tau_e, n_ok = boot.spread(values[:, tau_i], fine, n_win, int(n_blocks), min_ok)
    beta_e, _ = boot.spread(values[:, beta_i], fine, n_win, int(n_blocks), min_ok)
    failed = ~np.isfinite(tau_v)
    tau_e, beta_e = np.where(failed, np.nan, tau_e), np.where(failed, np.nan, beta_e)
    return AgingFit(
        ages=shown.ages, windows=cut.windows, tau=frozen(tau_v), tau_err=frozen(tau_e),
        contrast=frozen(beta_v), contrast_err=frozen(beta_e), baseline=frozen(base_v),
        status=fit.status, message=fit.message, q=q_val, column=column,
        min_pairs=int(min_pairs), g2=shown, fit=fit, n_blocks=int(n_blocks),
        n_boot=int(n_boot), n_boot_ok=frozen(n_ok),
    )

