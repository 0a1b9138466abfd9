"""A compiled, cached NUTS driver on NumPyro's functional HMC kernel.

``numpyro.infer.MCMC`` compiles afresh for every instance and every ``run`` call, which
costs far more than the sampling itself for one g2 bin. Here the warmup and the sampling
pieces are one module-level ``jit(vmap over chains)`` function, cached per (model, fixed
parameters, lengths), with the data as traced arguments: a second bin, a second file or a
second call with the same shapes reuses the compiled code.
"""

from __future__ import annotations

import functools

from ._models import get_model

_traced = [0]  # init/advance traces in this process (a Python side effect runs only then)


def traces() -> int:
    """How many times this process has traced a NUTS program (``init`` or ``advance``):
    a call that reuses a built program adds none (the warm-up tests check this)."""
    return _traced[0]


@functools.lru_cache(maxsize=16)
def compiled(model: str, fixed_items: tuple, num_warmup: int, per_chunk: int, target_accept: float):
    """(init, advance), each ``jit(vmap)`` over chains.

    init(z0, keys, args) -> states, with the warmup schedule for ``num_warmup`` steps.
    advance(states, args) -> (states, z, diverging): ``per_chunk`` NUTS steps per chain; the
    kernel adapts step size and a dense mass matrix while its step count is below
    ``num_warmup``, so warmup and sampling are the same compiled function, and warmup can
    report progress too. z is {site: (chains, per_chunk, ...)} in unconstrained space.
    """
    from ..backends import configure_jax

    jax = configure_jax()
    from numpyro.infer.hmc import hmc
    from numpyro.infer.util import potential_energy

    from ._bayes_model import make_model

    prob_model = make_model(get_model(model), dict(fixed_items))

    def potential_gen(*args):
        return functools.partial(potential_energy, prob_model, args, {})

    init_kernel, sample_kernel = hmc(potential_fn_gen=potential_gen, algo="NUTS")

    def init_one(z0, key, args):
        _traced[0] += 1
        return init_kernel(
            z0,
            num_warmup,
            dense_mass=True,  # baseline, contrast and tau are correlated in g2 fits
            # NumPyro shrinks the adapted mass matrix towards 1e-3 x identity, far above the
            # ~1e-8 posterior variances of baseline and contrast here, which wrecks mixing.
            regularize_mass_matrix=False,
            target_accept_prob=target_accept,
            model_args=args,
            rng_key=key,
        )

    def advance_one(state, args):
        _traced[0] += 1

        def step(s, _):
            s = sample_kernel(s, model_args=args)
            return s, (s.z, s.diverging)

        state, (z, div) = jax.lax.scan(step, state, None, length=per_chunk)
        return state, z, div

    init = jax.jit(jax.vmap(init_one, in_axes=(None, 0, None)))
    advance = jax.jit(jax.vmap(advance_one, in_axes=(0, None)))
    return init, advance


def unconstrain(model: str, fixed_items: tuple, args, values: dict):
    """Unconstrained starting point for NUTS from natural ``values`` of the sampled sites."""
    from numpyro.infer.util import unconstrain_fn

    from ._bayes_model import make_model

    return unconstrain_fn(make_model(get_model(model), dict(fixed_items)), args, {}, values)


def constrain(model: str, fixed_items: tuple, z: dict, log_t_mid) -> dict:
    """Natural values of the sampled sites from unconstrained draws (eager, no compile)."""
    import numpy as np
    from numpyro.distributions.transforms import biject_to

    from ._bayes_model import prior, site

    out = {}
    for p in get_model(model).params:
        if p in dict(fixed_items):
            continue
        s = site(p)
        out[s] = np.asarray(biject_to(prior(p, log_t_mid).support)(z[s]))
        if p.startswith("tau"):
            out[p] = np.exp(out[s])
    return out
