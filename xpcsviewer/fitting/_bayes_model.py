"""The probabilistic g2 model shared by NUTS (one bin) and SVI (all bins), and its priors.

Weakly informative priors, on the natural parameters (times in s):

- baseline   ~ Normal(1, 0.5)                      normalised g2 tends to 1
- contrast   ~ HalfNormal(0.5)                     speckle contrast is positive, usually < 1
- log tau    ~ Normal(log t_mid, 3)                t_mid: geometric mean of the fitted delays;
                                                   one sd is a factor 20 either way
- gamma      ~ TruncatedNormal(1, 0.5, [0.1, 2])   stretching exponent
- f          ~ Uniform(0, 1)                       weight of the first mode (double model)

Likelihood: g2 ~ Normal(model(t), g2_err) at every unmasked delay (the same points as the
least squares). A bin without error bars uses the least-squares residual rms as its error.
Fixed parameters are held at their values; least-squares bounds do not apply here.
"""

from __future__ import annotations

import numpy as np

from ._models import ModelSpec, g2_model

PRIORS = {
    "baseline": "Normal(1, 0.5)",
    "contrast": "HalfNormal(0.5)",
    "tau": "LogNormal(log t_mid, 3), t_mid the geometric mean of the fitted delays",
    "gamma": "TruncatedNormal(1, 0.5, low=0.1, high=2)",
    "f": "Uniform(0, 1)",
}


def site(param: str) -> str:
    """The sampled site of a parameter: relaxation times are sampled as their logarithm."""
    return f"log_{param}" if param.startswith("tau") else param


def prior(param: str, log_t_mid):
    """The prior of a parameter's sampled site (``log_tau`` for relaxation times)."""
    import numpyro.distributions as dist

    if param == "baseline":
        return dist.Normal(1.0, 0.5)
    if param == "contrast":
        return dist.HalfNormal(0.5)
    if param.startswith("tau"):
        return dist.Normal(log_t_mid, 3.0)
    if param.startswith("gamma"):
        return dist.TruncatedNormal(1.0, 0.5, low=0.1, high=2.0)
    return dist.Uniform(0.0, 1.0)


def make_model(spec: ModelSpec, fixed: dict[str, float]):
    """A NumPyro model ``model(t, g2, sigma, mask, log_t_mid)`` over ``(B, N)`` rows."""
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    def model(t, g2, sigma, mask, log_t_mid, **_guide_inputs):  # SVI passes guide inputs too
        n_rows, n_tau = t.shape
        cols = []
        # Parameters live in the rows plate at dim -2, shape (B, 1), so the likelihood below
        # can nest the delays plate at dim -1 under the same rows plate.
        with numpyro.plate("rows", n_rows, dim=-2):
            for p in spec.params:
                if p in fixed:
                    cols.append(jnp.full((n_rows, 1), fixed[p]))
                elif p.startswith("tau"):
                    log_tau = numpyro.sample(site(p), prior(p, log_t_mid))
                    cols.append(numpyro.deterministic(p, jnp.exp(log_tau)))
                else:
                    cols.append(numpyro.sample(p, prior(p, log_t_mid)))
            theta = jnp.concatenate(cols, axis=-1)  # (B, P)
            mu = g2_model(spec.name, theta, t, jnp)
            with numpyro.plate("delays", n_tau, dim=-1):
                numpyro.sample("g2", dist.Normal(mu, sigma).mask(mask), obs=g2)

    return model


def model_inputs(problem, chi2_red: np.ndarray):
    """NumPy arrays (t, g2, sigma, mask, log_t_mid) for the rows of a FitProblem."""
    n = problem.n_rows
    t, mask = problem.t[:n], problem.mask[:n]
    rms = np.sqrt(np.where(np.isfinite(chi2_red) & (chi2_red > 0), chi2_red, 1.0))
    sigma = np.where(problem.weighted[:, None], problem.sigma[:n], rms[:, None])
    sigma = np.where(mask, sigma, 1.0)
    log_t = np.where(mask, np.log(t), 0.0)
    log_t_mid = (log_t.sum(-1) / np.maximum(mask.sum(-1), 1))[:, None]
    return t, problem.g2[:n], sigma, mask, log_t_mid


def init_values(spec: ModelSpec, fixed: dict, theta: np.ndarray, theta0: np.ndarray) -> dict:
    """Starting values per sampled site, ``(B, 1)``: the LSQ optimum (its start where it failed)."""
    theta = np.where(np.all(np.isfinite(theta), axis=-1, keepdims=True), theta, theta0)
    out = {}
    for i, p in enumerate(spec.params):
        if p in fixed:
            continue
        v = theta[:, i : i + 1]
        if p.startswith("tau"):
            v = np.log(np.maximum(v, 1e-12))
        elif p == "contrast":
            v = np.maximum(v, 1e-6)  # HalfNormal support excludes 0
        elif p.startswith("gamma"):
            v = np.clip(v, 0.1 + 1e-6, 2.0 - 1e-6)
        elif p == "f":
            v = np.clip(v, 1e-6, 1.0 - 1e-6)
        out[site(p)] = v
    return out
