"""Fitting engine: batched g2 least squares, tau(q) power laws, NUTS and SVI posteriors.

Qt-free and JAX-native (NumPy fallback for the least squares). See ``docs/fitting.md``.

- :func:`fit_g2` -- every selected bin of every file in one compiled ``jit(vmap(...))`` call.
- :func:`fit_aging` -- tau against sample age from age windows of one bin's C2 map.
- :func:`fit_tauq` -- tau = tau0 q^-alpha over selected bins; D = 1/tau0 when alpha = 2.
- :func:`sample_g2` -- NumPyro NUTS for one bin, started at the least-squares optimum.
- :func:`posterior_g2` -- NumPyro SVI (Laplace-like normal guide) for all bins at once.
- :func:`warm_up` / :func:`start_warm_up` -- build the least-squares programs ahead of the
  first fit (the latter on a daemon thread, for the GUI's start-up).
- :func:`warm_up_nuts` -- build the NUTS programs of a first ``sample_g2`` ahead of it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Imported on first use (PEP 562): a first fit in a new process then loads only the
# least-squares modules, not NUTS, SVI, aging and the compute package (~50-80 ms of a
# cold start, issue 16). Each public name -> the private module defining it.
_WHERE = {
    "AgingFit": "_aging", "equal_windows": "_aging", "fit_aging": "_aging",
    "fit_g2": "_fit_g2",
    "MODELS": "_models", "PARAM_UNITS": "_models", "ModelSpec": "_models", "g2_model": "_models",
    "sample_g2": "_nuts",
    "NUTSResult": "_nuts_result",
    "Provenance": "_provenance",
    "FitStatus": "_results", "G2FitResult": "_results",
    "posterior_g2": "_svi",
    "SVIResult": "_svi_result", "TauQBand": "_svi_result",
    "fit_tauq": "_tauq",
    "TauQResult": "_tauq_result",
    "start_warm_up": "_warmup", "warm_up": "_warmup",
    "warm_up_nuts": "_nuts_warmup",
}

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports
    from ._aging import AgingFit, equal_windows, fit_aging
    from ._fit_g2 import fit_g2
    from ._models import MODELS, PARAM_UNITS, ModelSpec, g2_model
    from ._nuts import sample_g2
    from ._nuts_result import NUTSResult
    from ._nuts_warmup import warm_up_nuts
    from ._provenance import Provenance
    from ._results import FitStatus, G2FitResult
    from ._svi import posterior_g2
    from ._svi_result import SVIResult, TauQBand
    from ._tauq import fit_tauq
    from ._tauq_result import TauQResult
    from ._warmup import start_warm_up, warm_up

__all__ = [
    "AgingFit",
    "MODELS",
    "PARAM_UNITS",
    "FitStatus",
    "G2FitResult",
    "ModelSpec",
    "NUTSResult",
    "Provenance",
    "SVIResult",
    "TauQBand",
    "TauQResult",
    "equal_windows",
    "fit_aging",
    "fit_g2",
    "fit_tauq",
    "g2_model",
    "posterior_g2",
    "sample_g2",
    "start_warm_up",
    "warm_up",
    "warm_up_nuts",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
