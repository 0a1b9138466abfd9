"""A compiled, cached NUTS driver on NumPyro's functional HMC kernel.

``numpyro.infer.MCMC`` compiles afresh for every instance and every ``run`` call, which
costs far more than the sampling itself for one g2 bin. Here the warmup and the sampling
pieces are one module-level ``jit(vmap over chains)`` function, cached per (model, fixed
parameters, lengths), with the data as traced arguments: a second bin, a second file or a
second call with the same shapes reuses the compiled code.

:func:`programs` runs the two through the on-disk export cache (``_kernel_cache.py``), so a
new process skips tracing NUTS too (seconds; JAX's compilation cache does not skip it). An
export takes and returns arrays only, so the sampler's state travels as the flat list of its
leaves between the pieces (``jax.tree_util`` order); only its draws are rebuilt as a dict.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path

import numpy as np

from ._kernel_cache import cached_call
from ._models import get_model

# The modules whose code ends up in the NUTS programs (beside numpyro and the cache's own
# fingerprint of jax and the least-squares sources): editing any of them changes the key.
_TRACED = ("_nuts_kernel.py", "_bayes_model.py", "_models.py")

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


@functools.lru_cache(maxsize=1)
def _fingerprint() -> str:
    h = hashlib.sha256(importlib.metadata.version("numpyro").encode())
    for name in _TRACED:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:32]


def _sites(model: str, fixed_items: tuple) -> list[str]:
    """The sampled sites in ``jax.tree_util``'s order of a dict (sorted keys)."""
    from ._bayes_model import site

    return sorted(site(p) for p in get_model(model).params if p not in dict(fixed_items))


def programs(model: str, fixed_items: tuple, num_warmup: int, per_chunk: int,
             target_accept: float):
    """(init, advance) as :func:`compiled` gives them, through the on-disk export cache.

    init(z0, keys, args) -> state; advance(state, args) -> (state, z, diverging), with
    ``state`` a tuple of arrays (the leaves of NumPyro's ``HMCState``), z and diverging as
    :func:`compiled` has them. The same programs: draws equal those of :func:`compiled`'s
    functions (tests compare). Without a cache folder, plain ``jax.jit`` as there.
    """
    static = (_fingerprint(), model, fixed_items, int(num_warmup), int(per_chunk),
              float(target_accept))
    sites = _sites(model, fixed_items)

    def flat_args(*parts):
        return tuple(np.asarray(a) for part in parts for a in part)

    def build_init():
        jax = _jax()
        init, _ = compiled(*static[1:])

        def init_flat(*leaves):
            z0 = dict(zip(sites, leaves[:len(sites)], strict=True))
            keys, args = leaves[len(sites)], tuple(leaves[len(sites) + 1:])
            return tuple(jax.tree_util.tree_leaves(init(z0, keys, args)))

        return jax.jit(init_flat)

    seen = {}  # the starting point's and the keys' shapes, for the advance's builder

    def init_fn(z0, keys, args):
        leaves = flat_args([z0[s] for s in sites], [keys], args)
        seen.update(z0=dict(zip(sites, leaves, strict=False)), keys=leaves[len(sites)])
        return tuple(cached_call("nuts_init", static, build_init, leaves))

    def advance_fn(state, args):
        n = len(state)

        def build_advance():
            jax = _jax()
            init, advance = compiled(*static[1:])
            # The state's structure, from an abstract run of init (this builder runs only
            # when the program is traced anyway).
            z0 = {s: jax.ShapeDtypeStruct(a.shape, a.dtype) for s, a in seen["z0"].items()}
            keys = jax.ShapeDtypeStruct(seen["keys"].shape, seen["keys"].dtype)
            treedef = jax.tree_util.tree_structure(jax.eval_shape(init, z0, keys, args))

            def advance_flat(*leaves):
                new, z, div = advance(jax.tree_util.tree_unflatten(treedef, leaves[:n]),
                                      tuple(leaves[n:]))
                return (*jax.tree_util.tree_leaves(new), *(z[s] for s in sites), div)

            return jax.jit(advance_flat)

        out = cached_call("nuts_advance", static, build_advance, flat_args(state, args))
        return tuple(out[:n]), dict(zip(sites, out[n:n + len(sites)], strict=True)), out[-1]

    return init_fn, advance_fn


def _jax():
    from ..backends import configure_jax

    return configure_jax()
