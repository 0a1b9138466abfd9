"""Provenance: what produced a result, so an exported number can be traced and reproduced."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata as _md
from dataclasses import dataclass, field
from typing import Any

_PACKAGES = ("xpcsviewer", "numpy", "jax", "jaxlib", "optimistix", "numpyro", "optax")


def package_versions() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = _md.version(name)
        except _md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def device_label(backend: str) -> str:
    if backend != "jax":
        return "cpu"
    from ..backends import DeviceManager

    return DeviceManager.instance().device_label()


@dataclass(frozen=True)
class Provenance:
    """How a fit was made. Times in s; bounds as given by the user (defaults are per row)."""

    model: str
    formula: str
    t_range: tuple[float, float]
    fixed: dict[str, float]
    bounds: dict[str, tuple[float | None, float | None]]
    backend: str
    device: str
    solver: dict[str, Any]
    inputs: tuple[str, ...]
    versions: dict[str, str] = field(default_factory=package_versions)
    created: str = field(
        default_factory=lambda: _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    )
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "formula": self.formula,
            "t_range_s": list(self.t_range),
            "fixed": dict(self.fixed),
            "bounds": {k: list(v) for k, v in self.bounds.items()},
            "backend": self.backend,
            "device": self.device,
            "solver": dict(self.solver),
            "inputs": list(self.inputs),
            "versions": dict(self.versions),
            "created": self.created,
            **({"extra": dict(self.extra)} if self.extra else {}),
        }
