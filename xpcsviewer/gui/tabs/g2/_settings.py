"""Fit settings as plain data: per model, per parameter free/fixed, value and bounds.

Kept Qt-free so a script, a test and the fit panel all turn the same settings into the
same ``fit_g2`` keyword arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from xpcsviewer.fitting import MODELS

# Values used when a parameter is fixed without a typed value; free parameters start from
# the engine's data-driven guesses, so these never act as starting values.
DEFAULT_VALUES = {"baseline": 1.0, "contrast": 0.2, "tau": 1e-2, "tau1": 1e-3, "tau2": 1e-1,
                  "gamma": 1.0, "gamma1": 1.0, "gamma2": 1.0, "f": 0.5}


@dataclass(frozen=True)
class ParamSetting:
    """One parameter: held ``fixed`` at ``value``, else free within ``lower``/``upper``
    (None = the engine's default bound). Times in s."""

    fixed: bool = False
    value: float | None = None
    lower: float | None = None
    upper: float | None = None


def param_names(model: str) -> tuple[str, ...]:
    return MODELS[model].params


def setting(all_settings: dict[str, Any], model: str, name: str) -> ParamSetting:
    return all_settings.get(model, {}).get(name, ParamSetting())


def with_setting(all_settings: dict[str, Any], model: str, name: str, **changes: Any) -> dict:
    """A new settings dict with one parameter changed (the state compares by value, so it
    must get a new object for the change to be seen)."""
    per_model = dict(all_settings.get(model, {}))
    per_model[name] = replace(per_model.get(name, ParamSetting()), **changes)
    return {**all_settings, model: per_model}


def fit_kwargs(settings: dict[str, Any], bins: list) -> dict[str, Any]:
    """The ``xpcsviewer.fit_g2`` keyword arguments the settings describe; ``bins`` as
    ``fit_g2`` takes it (one list of columns, or one list per file)."""
    model = settings["model"]
    fixed: dict[str, float] = {}
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for name in param_names(model):
        s = setting(settings["params"], model, name)
        if s.fixed:
            fixed[name] = s.value if s.value is not None else DEFAULT_VALUES[name]
        elif s.lower is not None or s.upper is not None:
            bounds[name] = (s.lower, s.upper)
    t_min, t_max = settings["t_min"], settings["t_max"]
    t_range = None
    if t_min is not None or t_max is not None:
        t_range = (0.0 if t_min is None else t_min, math.inf if t_max is None else t_max)
    return {"model": model, "bins": list(bins), "fixed": fixed or None,
            "bounds": bounds or None, "t_range": t_range}


def describe(kwargs: dict[str, Any]) -> str:
    """One line for titles and exports: model, fixed values, t range."""
    parts = [kwargs["model"]]
    if kwargs.get("fixed"):
        parts.append(", ".join(f"{k}={v:.4g} fixed" for k, v in kwargs["fixed"].items()))
    if kwargs.get("t_range"):
        lo, hi = kwargs["t_range"]
        parts.append(f"t in [{lo:.3g}, {hi:.3g}] s")
    return "; ".join(parts)
