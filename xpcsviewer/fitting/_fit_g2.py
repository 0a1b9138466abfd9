"""``fit_g2``: batched weighted least squares of g2 over every selected bin of every file."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._engine_choice import choose_engine
from ._lsq_jax import CODE_MAX_STEPS, CODE_NONFINITE
from ._prepare import FitProblem, as_file_list, build_problem
from ._provenance import Provenance, device_label
from ._results import FitStatus, G2FitResult, frozen
from ._staged import RESTARTS, restart_stuck, single_start
from ._transform import at_bound


def fit_g2(
    files_or_file,
    model: str = "single",
    bins=None,
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    t_range: tuple[float, float] | None = None,
    *,
    backend: str | None = None,
    max_steps: int = 200,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    absolute_sigma: bool = False,
) -> G2FitResult:
    """Fit g2 of every selected bin of one file or a list of files, in one compiled call.

    Args:
        files_or_file: an :class:`xpcsviewer.XpcsFile` (or anything with ``.tau`` (n_tau,) s,
            ``.g2``/``.g2_err`` (n_tau, n_bins), ``.dynamic_q`` (n_bins,) 1/A, ``.path``), or a
            list of them. Files may have different delay grids.
        model: ``"single"``, ``"stretched"`` or ``"double"`` (see ``docs/fitting.md``).
        bins: which g2 columns to fit. ``None`` (default): every bin of each file, so
            files with different bin counts fit together. A list of ints: those columns in
            every file. Per file: a list with one entry per file (a list of columns, or
            ``None`` for all of that file's bins), or a dict ``{path: columns or None}``
            naming every file. Rows of the result carry ``file_index`` and ``column``.
        fixed: ``{param: value}`` held fixed, e.g. ``{"baseline": 1.0}``.
        bounds: ``{param: (lower, upper)}``; ``None`` keeps the default side, ``±inf``
            removes it. Bounds are imposed by a change of variables (``_transform.py``).
        t_range: ``(t_min, t_max)`` in s; delays outside are left out; ``None`` on a side
            means no limit there.
        backend: ``"jax"`` or ``"numpy"``; default the active backend (ADR-001), except
            that a small single or stretched fit whose JAX program is not in memory yet
            (the first fit of a process) runs on NumPy, which agrees to 1e-7 and needs no
            JAX import (``_engine_choice.py``; ``provenance.solver["engine"]`` says why).
            NumPy runs the Levenberg-Marquardt in ``_lsq_numpy.py``.
        max_steps, rtol, atol: solver budget and tolerances (in solver coordinates).
        absolute_sigma: if False (default, as ``curve_fit`` and the APS viewer), errors are
            scaled by the reduced chi-square.

    Points with NaN or inf g2, a zero/NaN error bar, or a delay that is NaN, inf or not
    positive are masked (delays need not be sorted; repeated ones are fitted as they are);
    a bin without any usable error bar is fitted unweighted. A bin that cannot be fitted
    (too few points, residuals that overflow) is returned with status ``failed`` and a
    message, never raised, on either backend. Errors raised (wrong arguments, not bad
    data; each names the argument, ``_args.py``): ``ValueError`` for an unknown model or
    parameter, bins out of range or not whole numbers, a fixed value outside its parameter's
    valid range or bounds, reversed bounds, a ``t_range`` that is not a pair, empty, or holds
    none of the usable delays of any file; ``TypeError`` for bins or limits that are not
    numbers.
    """
    files = as_file_list(files_or_file)
    # Every selection is padded into one (rows, delays) batch: one compiled call, any mix
    # of bin counts and delay grids (see _prepare.py).
    problem = build_problem(files, model, bins=bins, fixed=fixed, bounds=bounds, t_range=t_range)
    opts = {"max_steps": max_steps, "rtol": rtol, "atol": atol}
    # A small single or stretched fit while JAX is cold runs on NumPy (_engine_choice.py).
    name, why = choose_engine(problem, backend, **opts)
    if name == "jax":
        from ._lsq_jax import solve
    else:
        from ._lsq_numpy import solve
    problem = single_start(files, problem, solve, bins=bins, fixed=fixed, bounds=bounds,
                           t_range=t_range, **opts)
    raw, restarted = restart_stuck(problem, solve(problem, **opts), solve, **opts)
    provenance = Provenance(
        model=model,
        formula=problem.spec.formula,
        t_range=problem.t_range,
        fixed=dict(problem.fixed),
        bounds={k: tuple(v) for k, v in (bounds or {}).items()},
        backend=name,
        device=device_label(name),
        solver={
            "method": "Levenberg-Marquardt"
            + (" (optimistix)" if name == "jax" else " (NumPy)"),
            "engine": why,
            "max_steps": max_steps,
            "start": "single-exponential fit" if model != "single" else "data-driven guess",
            "restarts": f"up to {RESTARTS}, rows that reached max_steps",
            "rtol": rtol,
            "atol": atol,
            "absolute_sigma": absolute_sigma,
        },
        inputs=problem.paths,
    )
    return _assemble(problem, raw, provenance, max_steps, absolute_sigma, restarted)


def _assemble(p: FitProblem, raw: dict, provenance, max_steps: int, absolute_sigma: bool,
              restarted: np.ndarray):
    n, free = p.n_rows, list(p.free)
    theta = raw["theta"][:n].copy()
    n_valid = p.n_valid
    dof = n_valid - len(free)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2_red = np.where(dof > 0, raw["chi2"][:n] / np.maximum(dof, 1), np.nan)
    scale = np.ones(n) if absolute_sigma else chi2_red
    # Unweighted rows have no error scale of their own; the chi-square supplies it.
    scale = np.where(p.weighted, scale, chi2_red)
    var = np.einsum("bii->bi", raw["cov"][:n])[:, free] * scale[:, None]
    errors = np.full_like(theta, np.nan)
    errors[:, free] = np.sqrt(np.where(np.isfinite(var) & (var > 0), var, np.nan))

    hit = at_bound(theta, p.lo[:n], p.hi[:n], p.kinds)[:, free]
    code = raw["code"][:n]
    status, message = [], []
    for r in range(n):
        s, m = _row_status(p, r, n_valid[r], code[r], hit[r], theta[r], max_steps,
                           int(restarted[r]))
        status.append(s)
        message.append(m)
    failed = np.array([s is FitStatus.FAILED for s in status])
    theta[failed] = np.nan
    errors[failed] = np.nan
    chi2_red = np.where(failed, np.nan, chi2_red)

    t = np.where(np.isfinite(p.g2_raw[:n]) | p.mask[:n], p.t_raw[:n], np.nan)
    return G2FitResult(
        model=p.spec.name,
        params=p.spec.params,
        free=tuple(i in p.free for i in range(len(p.spec.params))),
        values=frozen(theta),
        errors=frozen(errors),
        lower=frozen(p.lo[:n]),
        upper=frozen(p.hi[:n]),
        chi2_red=frozen(chi2_red),
        n_points=frozen(n_valid),
        n_steps=frozen(raw["steps"][:n]),
        status=tuple(status),
        message=tuple(message),
        file_index=frozen(p.file_index),
        column=frozen(p.column),
        q=frozen(p.q),
        weighted=frozen(p.weighted),
        t=frozen(t),
        g2=frozen(p.g2_raw[:n]),
        g2_err=frozen(p.err_raw[:n]),
        mask=frozen(p.mask[:n]),
        provenance=provenance,
    )


def _row_status(p: FitProblem, r, n_valid, code, hit, theta, max_steps, restarted=0):
    n_free = len(p.free)
    if n_valid <= n_free:
        return FitStatus.FAILED, (
            f"too few points: {n_valid} valid delay points for {n_free} free parameters "
            "(points with NaN or inf g2, a zero or NaN error bar, or a delay that is NaN, "
            "not positive or outside t_range are left out)"
        )
    if code == CODE_NONFINITE or not np.all(np.isfinite(theta)):
        return FitStatus.FAILED, "the solver met non-finite values (NaN or inf) in the residuals"
    names = [p.spec.params[i] for i in p.free]
    times = "once" if restarted == 1 else f"{restarted} times"
    budget = (f"max_steps={max_steps} steps, restarted {times} for another {max_steps} each"
              if restarted else f"max_steps={max_steps} steps")
    if hit.any():
        which = ", ".join(n for n, h in zip(names, hit, strict=True) if h)
        note = "" if code != CODE_MAX_STEPS else f" (stopped after {budget})"
        return FitStatus.AT_BOUND, f"{which} at a bound{note}"
    if code == CODE_MAX_STEPS:
        return FitStatus.FAILED, f"did not converge within {budget}"
    return FitStatus.CONVERGED, "converged"
