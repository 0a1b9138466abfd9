"""``fit_tauq``: the power law tau = tau0 q^-alpha over selected bins, and D when alpha = 2.

A straight line in log-log, weighted by the relative errors of tau; the weighted linear
least squares has a closed form, so no iterative solver is needed. With alpha fixed at 2,
tau = 1 / (D q^2), i.e. D = 1 / tau0 (A^2/s for q in 1/A and tau in s).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._args import columns, number
from ._results import FitStatus, G2FitResult, frozen
from ._tauq_result import TauQResult


def tau_param(result, param: str | None) -> str:
    """The relaxation time to use: ``param``, else ``tau`` or (two-tau models) ``tau1``."""
    if param is None:
        param = "tau" if "tau" in result.params else "tau1"
    if param not in result.params or not param.startswith("tau"):
        raise ValueError(f"{param!r} is not a relaxation time of model {result.model!r}")
    return param


def check_q_alpha(q_range, alpha):
    """``q_range`` as two floats (a None side: no limit) or None, ``alpha`` as a finite float
    or None; ValueError/TypeError naming the argument otherwise (also for the SVI band)."""
    if alpha is not None:
        alpha = number("alpha", alpha)
    if q_range is not None:
        if isinstance(q_range, (str, bytes)) or np.ndim(q_range) != 1 or len(q_range) != 2:
            raise ValueError(f"q_range must be a pair (q_min, q_max) in 1/A, got {q_range!r}")
        # ±inf is accepted as "no limit" (the Diffusion tab passes inf for an open side)
        lo, hi = (-np.inf if q_range[0] is None else number("q_range q_min", q_range[0], inf=True),
                  np.inf if q_range[1] is None else number("q_range q_max", q_range[1], inf=True))
        if not lo < hi:
            raise ValueError(f"q_range {tuple(q_range)} is reversed or empty: q_min must be "
                             "below q_max (1/A)")
        q_range = (lo, hi)
    return q_range, alpha


def _check_args(result, q_range, alpha, bins):
    """Refuse a wrong argument with a message naming it; returns q_range as floats (None
    for either side: no limit), alpha as a float or None, bins as an int array or None."""
    if not isinstance(result, G2FitResult):
        raise TypeError(
            f"fit_tauq needs a G2FitResult from fit_g2, not {type(result).__name__}: fit the "
            "g2 first, e.g. fit_tauq(fit_g2(file))")
    q_range, alpha = check_q_alpha(q_range, alpha)
    if bins is not None:
        bins = columns(bins)
        have = np.unique(result.column)
        bad = sorted(set(bins.tolist()) - set(have.tolist()))
        if bad:
            raise ValueError(f"bins {bad} out of range: the fit has {have.size} bins (g2 "
                             f"columns {have.min()}..{have.max()})")
    return q_range, alpha, bins


def _notes(result: G2FitResult, param: str, chosen, used, at_bound) -> str:
    """What the caller should know beside the numbers ("" when nothing): which tau of a
    two-mode model was used, how many chosen bins were left out and why, and how many used
    ones have another parameter on a bound. When fewer than half of the chosen bins entered
    with a clean ("converged") g2 fit the message starts with "WARNING", not "ok"."""
    notes = []
    if sum(p.startswith("tau") for p in result.params) > 1:
        notes.append(f"{param} of the {result.model!r} model "
                     f"({'fast' if param == 'tau1' else 'slow'} mode)")
    failed = chosen & ~result.ok
    counts = [(int(failed.sum()), "failed"), (int((chosen & at_bound).sum()), f"{param} at a bound"),
              (int((chosen & ~used & ~failed & ~at_bound).sum()), f"no finite positive {param}, error or q")]
    out = [f"{n} {why}" for n, why in counts if n]
    n_chosen, n_used = int(chosen.sum()), int(used.sum())
    if out:
        notes.append(f"{n_chosen - n_used} of {n_chosen} bins left out: {', '.join(out)}")
    clean = used & np.array([s is FitStatus.CONVERGED for s in result.status])
    if n_used > clean.sum():
        notes.append(f"{n_used - int(clean.sum())} used bins have another parameter at a bound")
    if not notes:
        return ""
    head = (f"WARNING: only {int(clean.sum())} of {n_chosen} bins have a clean g2 fit"
            if 2 * clean.sum() < n_chosen else "ok")
    return f"{head}; {'; '.join(notes)}"


def too_few_bins(n_used: int, alpha: float | None) -> str:
    """The refusal message when ``n_used`` bins leave no degree of freedom, else ``""``.

    The rule of :func:`fit_g2` for a bin's points, here for a file's bins: a fit needs more
    points than free parameters (tau0, and alpha unless fixed)."""
    n_free = 2 if alpha is None else 1
    if n_used > n_free:
        return ""
    return (
        f"too few usable bins: {n_used} for {n_free} free parameter"
        f"{'s' if n_free > 1 else ''} of the power law; the error cannot be estimated "
        "(failed bins, taus at a bound and bins without a finite error are left out)"
    )


def _line(x, y, s, alpha):
    """Weighted fit of y = a - alpha x; returns a, alpha, cov (2x2, a then alpha), chi2, dof."""
    w = 1.0 / s**2
    if alpha is None:
        A = np.stack([np.ones_like(x), -x], axis=-1)
        cov = np.linalg.inv(A.T @ (A * w[:, None]))
        a, al = cov @ (A.T @ (w * y))
    else:
        al = float(alpha)
        cov = np.array([[1.0 / w.sum(), 0.0], [0.0, 0.0]])
        a = np.sum(w * (y + al * x)) / w.sum()
    chi2 = float(np.sum(w * (y - a + al * x) ** 2))
    return a, al, cov, chi2, x.size - (2 if alpha is None else 1)


def fit_tauq(
    result: G2FitResult,
    q_range: tuple[float, float] | None = None,
    alpha: float | None = None,
    *,
    bins=None,
    param: str | None = None,
    absolute_sigma: bool = False,
) -> TauQResult:
    """Fit tau(q) = tau0 q^-alpha for each file of ``result``.

    Args:
        result: a :class:`G2FitResult`.
        q_range: (q_min, q_max) in 1/A, either side None for no limit; rows outside are
            left out.
        alpha: None to fit it, or a fixed exponent (2 gives D = 1 / tau0 in A^2/s).
        bins: g2 columns to use (default all fitted ones).
        param: which relaxation time (default ``tau``, or ``tau1`` for the double model).
        absolute_sigma: if False, errors are scaled by the reduced chi-square when dof > 0.

    Rows that failed or whose tau sits on a bound, or lack a finite positive error, are
    left out; the file's message then says how many and why, and starts with "WARNING"
    instead of "ok" when fewer than half of the chosen bins were used. For a two-mode model
    it also names the tau used (``tau1``, the fast mode, unless ``param`` says otherwise).
    Raises TypeError when ``result`` is not a :class:`G2FitResult` (fit with ``fit_g2``
    first) and ValueError naming the argument for a NaN/inf ``alpha``, a reversed
    ``q_range`` (either side may be None: no limit) or ``bins`` the fit does not have. As :func:`fit_g2` does for a bin, a file needs more usable rows than free
    parameters (3 with alpha free, 2 with alpha fixed): with no degree of freedom left the
    line passes through every point and its error cannot be estimated. Such a file gets a
    NaN fit and a message saying so (not an error); ``message`` is ``"ok"`` otherwise.
    """
    q_range, alpha, bins = _check_args(result, q_range, alpha, bins)
    param = tau_param(result, param)
    tau, tau_err = result.param(param)
    tau_at_bound = np.array(
        [
            s is FitStatus.AT_BOUND and param in m
            for s, m in zip(result.status, result.message, strict=True)
        ]
    )
    chosen = np.ones(result.n_rows, dtype=bool)  # the bins the caller asked for
    if q_range is not None:
        chosen &= (result.q >= q_range[0]) & (result.q <= q_range[1])
    if bins is not None:
        chosen &= np.isin(result.column, bins)
    used = chosen & result.ok & ~tau_at_bound & np.isfinite(tau) & (tau > 0)
    used &= np.isfinite(tau_err) & (tau_err > 0) & np.isfinite(result.q) & (result.q > 0)
    n_files = len(result.paths)
    out = {
        k: np.full(n_files, np.nan)
        for k in ("tau0", "tau0_err", "alpha", "alpha_err", "D", "D_err", "chi2_red")
    }
    n_used, messages = np.zeros(n_files, dtype=int), []
    for k in range(n_files):  # a handful of files; each fit is closed-form
        rows = used & (result.file_index == k)
        n_used[k] = rows.sum()
        refusal = too_few_bins(int(n_used[k]), alpha)
        if refusal:
            messages.append(refusal)
            continue
        x, y = np.log(result.q[rows]), np.log(tau[rows])
        s = tau_err[rows] / tau[rows]  # d log tau = d tau / tau
        a, al, cov, chi2, dof = _line(x, y, s, alpha)
        chi2r = chi2 / dof if dof > 0 else np.nan
        if not absolute_sigma and dof > 0:
            cov = cov * chi2r
        out["tau0"][k], out["tau0_err"][k] = np.exp(a), np.exp(a) * np.sqrt(cov[0, 0])
        out["alpha"][k] = al
        out["alpha_err"][k] = np.sqrt(cov[1, 1]) if alpha is None else 0.0
        out["chi2_red"][k] = chi2r
        if alpha is not None and float(alpha) == 2.0:
            out["D"][k] = 1.0 / out["tau0"][k]
            out["D_err"][k] = out["D"][k] * np.sqrt(cov[0, 0])
        mine = result.file_index == k
        messages.append(_notes(result, param, chosen & mine, rows, tau_at_bound & mine) or "ok")
    prov = replace(
        result.provenance,
        extra={
            **result.provenance.extra,
            "tauq": {"param": param, "q_range": q_range, "alpha": alpha},
        },
    )
    return TauQResult(
        param=param,
        alpha_fixed=None if alpha is None else float(alpha),
        q_range=None if q_range is None else (float(q_range[0]), float(q_range[1])),
        **{k: frozen(v) for k, v in out.items()},
        n_used=frozen(n_used),
        message=tuple(messages),
        used=frozen(used),
        file_index=frozen(result.file_index),
        column=frozen(result.column),
        q=frozen(result.q),
        tau=frozen(tau),
        tau_err=frozen(tau_err),
        provenance=prov,
    )
