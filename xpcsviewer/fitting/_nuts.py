"""``sample_g2``: NumPyro NUTS for one bin, started at the least-squares optimum, in chunks.

Warmup runs first; the draws then come in ``chunks`` equal pieces, each continuing from the
last state. Between pieces the sampler reports progress and checks for a cancel request,
which is how the GUI's job runner drives and stops it. Chains run vectorised in one process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ._bayes_model import PRIORS, init_values, model_inputs, site
from ._diagnostics import summarize
from ._fit_g2 import fit_g2
from ._models import g2_model
from ._nuts_kernel import constrain, programs, unconstrain
from ._nuts_result import NUTSResult
from ._prepare import as_file_list, build_problem
from ._results import frozen

Progress = Callable[[float, str], None]


def _cancelled(cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def sample_g2(
    file,
    bin: int,  # noqa: A002 - the documented keyword
    model: str = "single",
    num_samples: int = 1000,
    num_chains: int = 4,
    *,
    num_warmup: int | None = None,
    seed: int = 0,
    fixed=None,
    bounds=None,
    t_range=None,
    chunks: int = 10,
    target_accept: float = 0.8,
    progress: Progress | None = None,
    cancel: threading.Event | Callable[[], bool] | None = None,
) -> NUTSResult:
    """NUTS posterior of g2 column ``bin`` of ``file``.

    Args:
        file: one file (as for :func:`fit_g2`); ``bin`` its g2 column.
        model, fixed, bounds, t_range: as for :func:`fit_g2`; the least-squares fit with these
            options gives the starting point. Bounds do not constrain the posterior.
        num_samples: draws per chain kept after warmup; num_warmup defaults to num_samples.
        num_chains: chains, run vectorised; seed: fixes the whole run (same seed, same draws).
        chunks: number of pieces the draws are taken in (progress and cancel points).
        progress: ``progress(fraction_done, message)`` after warmup and each piece.
        cancel: a ``threading.Event`` or a callable; when set, sampling stops after the
            current piece and the result has ``cancelled=True`` with the draws so far.

    Priors (weakly informative, see ``docs/fitting.md``): baseline ~ Normal(1, 0.5);
    contrast ~ HalfNormal(0.5); log tau ~ Normal(log t_mid, 3) with t_mid the geometric mean
    of the fitted delays; gamma ~ TruncatedNormal(1, 0.5, 0.1, 2); f ~ Uniform(0, 1).
    Likelihood Normal(model, g2_err) at the same points the least squares uses.
    """
    from ..backends import configure_jax

    jax = configure_jax()

    start = time.perf_counter()
    (f,) = as_file_list(file)
    lsq = fit_g2(f, model, bins=[bin], fixed=fixed, bounds=bounds, t_range=t_range)
    if lsq.n_points[0] <= sum(lsq.free):
        raise ValueError(f"bin {bin}: {lsq.message[0]}")
    problem = build_problem([f], model, bins=[bin], fixed=fixed, bounds=bounds, t_range=t_range)
    spec, fixed_vals = problem.spec, dict(problem.fixed)
    args = model_inputs(problem, lsq.chi2_red)
    init = init_values(spec, fixed_vals, np.asarray(lsq.values), problem.theta0[:1])

    num_warmup = num_samples if num_warmup is None else int(num_warmup)
    chunks = max(1, min(int(chunks), num_samples))
    per_chunk = -(-num_samples // chunks)
    n_pieces = -(-(num_warmup + num_samples) // per_chunk)
    fixed_items = tuple(sorted(fixed_vals.items()))
    # Through the on-disk export cache: a new process skips tracing NUTS (seconds).
    init_fn, advance = programs(spec.name, fixed_items, num_warmup, per_chunk, float(target_accept))
    args = tuple(jax.numpy.asarray(a) for a in args)
    z0 = unconstrain(
        spec.name, fixed_items, args, {k: jax.numpy.asarray(v) for k, v in init.items()}
    )
    state = init_fn(z0, jax.random.split(jax.random.PRNGKey(seed), num_chains), args)
    pieces, diverging, cancelled = [], [], False
    for k in range(n_pieces):
        if _cancelled(cancel):
            cancelled = True
            break
        state, z, div = advance(state, args)
        # Steps before num_warmup are adaptation; keep only the draws after it.
        first = max(0, num_warmup - k * per_chunk)
        if first < per_chunk:
            z = {n: v[:, first:] for n, v in z.items()}
            pieces.append(constrain(spec.name, fixed_items, z, np.asarray(args[4])))
            diverging.append(np.asarray(div)[:, first:])
        done = min((k + 1) * per_chunk, num_warmup + num_samples)
        if progress:
            phase = "warmup" if done <= num_warmup else "sampling"
            progress(
                done / (num_warmup + num_samples),
                f"{phase}: {done} of {num_warmup + num_samples} steps",
            )
    pieces, diverging = _trim(pieces, diverging, num_samples)
    return _assemble(
        problem, lsq, pieces, diverging, num_chains, cancelled, start, seed, num_warmup
    )


def _trim(pieces, diverging, num_samples):
    """Drop draws beyond ``num_samples`` per chain (the last piece may overrun)."""
    out_p, out_d, kept = [], [], 0
    for pc, dv in zip(pieces, diverging, strict=True):
        n = min(dv.shape[1], num_samples - kept)
        if n <= 0:
            break
        out_p.append({k: v[:, :n] for k, v in pc.items()})
        out_d.append(dv[:, :n])
        kept += n
    return out_p, out_d


def _draws(spec, fixed, pieces) -> dict[str, np.ndarray]:
    """{param: (chains, draws)} in natural units; empty arrays when nothing was drawn."""
    out = {}
    for p in spec.params:
        if p in fixed:
            continue
        if pieces:
            arr = np.concatenate(
                [pc[p if p.startswith("tau") else site(p)] for pc in pieces], axis=1
            )
            out[p] = arr.reshape(arr.shape[0], arr.shape[1])
        else:
            out[p] = np.zeros((0, 0))
    taus = [p for p in spec.params if p.startswith("tau")]
    if len(taus) == 1 and taus[0] in out:
        with np.errstate(divide="ignore"):
            out["rate"] = 2.0 / out[taus[0]]
    return out


def _assemble(problem, lsq, pieces, diverging, num_chains, cancelled, start, seed, num_warmup):
    spec, fixed = problem.spec, problem.fixed
    draws = _draws(spec, fixed, pieces)
    n_draws = next(iter(draws.values())).shape[1] if draws else 0
    summary = {k: summarize(v) for k, v in draws.items()} if n_draws else {}
    # Stack full parameter vectors (S, P) to draw curves; fixed parameters repeat their value.
    s = n_draws * num_chains
    theta = np.empty((s, len(spec.params)))
    for i, p in enumerate(spec.params):
        theta[:, i] = fixed[p] if p in fixed else draws[p].ravel()
    t, g2, sigma, mask, _ = model_inputs(problem, lsq.chi2_red)
    t, sigma, mask = t[0], sigma[0], mask[0]
    tm = t[mask]
    band_t = np.geomspace(tm.min(), tm.max(), 200)
    curves = g2_model(spec.name, theta, band_t, np) if s else np.full((1, 200), np.nan)
    at_data = g2_model(spec.name, theta, t, np) if s else np.full((1, t.size), np.nan)
    noise = np.random.default_rng(seed).standard_normal(at_data.shape) * sigma
    ppc = np.quantile(at_data + noise, [0.03, 0.97], axis=0)
    band = np.quantile(curves, [0.03, 0.5, 0.97], axis=0)
    prov = replace(
        lsq.provenance,
        solver={
            "method": "NUTS (NumPyro)",
            "num_warmup": num_warmup,
            "num_chains": num_chains,
            "seed": seed,
            "chain_method": "vectorized",
        },
        extra={"priors": {p: PRIORS[p.rstrip("12")] for p in spec.params if p not in fixed}},
    )
    return NUTSResult(
        model=spec.name,
        params=spec.params,
        path=problem.paths[0],
        column=int(problem.column[0]),
        q=float(problem.q[0]),
        samples={k: frozen(v) for k, v in draws.items()},
        summary=summary,
        divergences=int(sum(int(d.sum()) for d in diverging)),
        num_chains=num_chains,
        num_draws=n_draws,
        cancelled=cancelled,
        lsq={p: float(v) for p, v in zip(spec.params, lsq.values[0], strict=True)},
        t=frozen(np.where(mask, t, np.nan)),
        g2=frozen(problem.g2_raw[0]),
        g2_err=frozen(problem.err_raw[0]),
        mask=frozen(mask),
        band_t=frozen(band_t),
        band_lo=frozen(band[0]),
        band_mid=frozen(band[1]),
        band_hi=frozen(band[2]),
        ppc_lo=frozen(ppc[0]),
        ppc_hi=frozen(ppc[1]),
        seconds=time.perf_counter() - start,
        provenance=prov,
    )
