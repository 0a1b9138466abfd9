"""``posterior_g2``: an approximate posterior for every selected bin of every file, by SVI."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from ._bayes_model import PRIORS, init_values, model_inputs, prior, site
from ._fit_g2 import fit_g2
from ._prepare import as_file_list, build_problem
from ._results import FitStatus, frozen
from ._svi_engine import compiled, sites
from ._svi_result import SVIResult


def _guide_frame(spec, fixed, lsq, problem, log_t_mid, init: str):
    """Per site, (B, 1) center and scale of the guide in unconstrained coordinates."""
    from numpyro.distributions.transforms import biject_to

    n = problem.n_rows
    theta = np.asarray(lsq.values)
    values = init_values(spec, fixed, theta, problem.theta0[:n])
    center, scale = {}, {}
    for p in sites(spec, fixed):
        s, i = site(p), spec.index(p)
        dist_p = prior(p, log_t_mid)
        inv = biject_to(dist_p.support).inv
        if init == "lsq":
            x = values[s]
            err = np.asarray(lsq.errors)[:, i : i + 1]
            err = err / np.where(p.startswith("tau"), theta[:, i : i + 1], 1.0)  # d log tau
            c = np.asarray(inv(x))
            # Width of the start: the LSQ standard error mapped to unconstrained space.
            h = np.abs(np.asarray(inv(x + np.where(np.isfinite(err), err, 0.1))) - c)
            h = np.where(np.isfinite(h) & (h > 0), h, 0.1)
        else:  # "prior": start at the prior median with the prior's width
            x = np.broadcast_to(np.asarray(dist_p.icdf(0.5)), (n, 1))
            c = np.asarray(inv(x))
            h = np.broadcast_to(np.asarray(inv(dist_p.icdf(0.84))) - c, (n, 1))
        center[s], scale[s] = c, np.maximum(h, 1e-9)
    return center, scale


def posterior_g2(
    files_or_file,
    model: str = "single",
    bins=None,
    fixed=None,
    bounds=None,
    t_range=None,
    *,
    num_steps: int = 2000,
    learning_rate: float = 0.05,
    num_draws: int = 500,
    seed: int = 0,
    init: str = "lsq",
) -> SVIResult:
    """Approximate posteriors of all selected bins of all files in one compiled SVI call.

    Same model and priors as :func:`sample_g2` (see ``docs/fitting.md``). The guide is a
    mean-field normal in unconstrained space, preconditioned and initialised at the
    least-squares optimum and its errors (``init="lsq"``); ``init="prior"`` starts it at the
    prior median with the prior's width instead, which stalls far from the optimum within a
    few thousand Adam steps (kept for comparison). Adam (optax), step size ``learning_rate``
    decaying 50x over ``num_steps``; ``num_draws`` draws per bin from the fitted guide.
    """
    from ..backends import configure_jax

    jax = configure_jax()
    if init not in ("lsq", "prior"):
        raise ValueError(f"init must be 'lsq' or 'prior', not {init!r}")
    start = time.perf_counter()
    files = as_file_list(files_or_file)
    lsq = fit_g2(files, model, bins=bins, fixed=fixed, bounds=bounds, t_range=t_range)
    problem = build_problem(files, model, bins=bins, fixed=fixed, bounds=bounds, t_range=t_range)
    spec, fixed_vals = problem.spec, dict(problem.fixed)
    args = model_inputs(problem, lsq.chi2_red)
    center, scale = _guide_frame(spec, fixed_vals, lsq, problem, args[4], init)
    fit = compiled(
        spec.name,
        tuple(sorted(fixed_vals.items())),
        int(num_steps),
        float(learning_rate),
        int(num_draws),
    )
    params, losses, draws = fit(jax.random.PRNGKey(seed), args, center, scale)
    draws = {k: np.asarray(v)[..., 0] for k, v in draws.items()}  # (S, B)
    n, P = problem.n_rows, len(spec.params)
    samples = np.empty((int(num_draws), n, P))
    for i, p in enumerate(spec.params):
        if p in fixed_vals:
            samples[:, :, i] = fixed_vals[p]
        elif p.startswith("tau"):
            samples[:, :, i] = np.exp(draws[site(p)])
        else:
            samples[:, :, i] = draws[p]
    # Rows whose least squares failed have no trustworthy start: mark them, as the LSQ does.
    failed = np.array([s is FitStatus.FAILED for s in lsq.status])
    samples[:, failed, :] = np.nan
    mean, sd = samples.mean(axis=0), samples.std(axis=0, ddof=1)
    lo, hi = np.quantile(samples, [0.03, 0.97], axis=0)
    prov = replace(
        lsq.provenance,
        solver={
            "method": "SVI (NumPyro), preconditioned mean-field normal guide, optax Adam",
            "init": init,
            "num_steps": num_steps,
            "learning_rate": learning_rate,
            "num_draws": num_draws,
            "seed": seed,
        },
        extra={"priors": {p: PRIORS[p.rstrip("12")] for p in spec.params if p not in fixed_vals}},
    )
    return SVIResult(
        model=spec.name,
        params=spec.params,
        mean=frozen(mean),
        sd=frozen(sd),
        ci_lo=frozen(lo),
        ci_hi=frozen(hi),
        samples=frozen(samples),
        losses=frozen(np.asarray(losses)),
        lsq=lsq,
        seconds=time.perf_counter() - start,
        provenance=prov,
    )
