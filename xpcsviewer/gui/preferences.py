"""User preferences: a plain dataclass, its QSettings round trip, and applying it.

Applying switches the backend and the device for the next computation (ADR-001's
DeviceManager). Whatever cannot take effect now, or falls back, comes back as a notice
for the user, never as an exception.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSettings

from .plotting import COLORMAPS, DEFAULT_COLORMAP

BACKENDS = ("auto", "jax", "numpy")
_GROUP = "preferences"


@dataclass(frozen=True)
class Preferences:
    backend: str = "auto"  # "auto": JAX when installed, else NumPy (or XPCS_USE_JAX)
    use_gpu: bool = False
    gpu_fallback: bool = True  # without a GPU, compute on the CPU instead of failing
    memory_fraction: float = 0.9  # of GPU memory JAX may take; read by XLA once at start
    colormap: str = DEFAULT_COLORMAP
    cache_mb: int = 512  # per open file, for lazily read arrays

    def validated(self) -> Preferences:
        return dataclasses.replace(
            self,
            backend=self.backend if self.backend in BACKENDS else "auto",
            memory_fraction=min(max(float(self.memory_fraction), 0.05), 1.0),
            colormap=self.colormap if self.colormap in COLORMAPS else DEFAULT_COLORMAP,
            cache_mb=max(int(self.cache_mb), 16),
        )


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def load_preferences(settings: QSettings) -> Preferences:
    defaults = Preferences()
    values: dict[str, Any] = {}
    for item in dataclasses.fields(Preferences):
        raw = settings.value(f"{_GROUP}/{item.name}", getattr(defaults, item.name))
        default = getattr(defaults, item.name)
        try:
            if isinstance(default, bool):
                values[item.name] = _to_bool(raw)
            else:
                values[item.name] = type(default)(raw)
        except (TypeError, ValueError):
            values[item.name] = default  # a hand-edited or stale value: keep the default
    return Preferences(**values).validated()


def save_preferences(settings: QSettings, prefs: Preferences) -> None:
    for item in dataclasses.fields(Preferences):
        settings.setValue(f"{_GROUP}/{item.name}", getattr(prefs, item.name))
    settings.sync()


@dataclass
class Applied:
    """What applying preferences did: notices for the user, and the device now in use."""

    notices: list[str] = field(default_factory=list)
    device_label: str = ""
    fell_back: bool = False


def apply_preferences(prefs: Preferences, previous: Preferences | None = None) -> Applied:
    """Make ``prefs`` take effect. ``previous`` is None at start-up, when only settings
    that differ from the environment's defaults are applied."""
    from xpcsviewer.backends import DeviceManager, GPUUnavailableError, get_backend, set_backend

    result = Applied()
    if prefs.backend != "auto" or (previous is not None and previous.backend != prefs.backend):
        try:
            set_backend(prefs.backend)
        except (ImportError, ValueError) as exc:
            result.notices.append(f"Backend {prefs.backend!r} unavailable ({exc}); using NumPy.")
            set_backend("numpy")
    if get_backend().name != "jax":
        if prefs.use_gpu:
            result.notices.append("The GPU is used only by the JAX backend; computing on the CPU.")
            result.fell_back = True
        result.device_label = "cpu"
        return result
    manager = DeviceManager.instance()
    manager.set_fallback(prefs.gpu_fallback)
    if previous is not None and previous.memory_fraction != prefs.memory_fraction:
        result.notices.append(manager.set_memory_fraction(prefs.memory_fraction))
    if prefs.use_gpu or manager.use_gpu or (previous is not None and previous.use_gpu != prefs.use_gpu):
        try:
            info = manager.set_use_gpu(prefs.use_gpu)
        except GPUUnavailableError as exc:
            info = manager.set_use_gpu(False)
            result.notices.append(f"{exc} GPU use is off for this session.")
            result.fell_back = True
        if info.fell_back:
            result.fell_back = True
            result.notices.append(
                "GPU requested, but JAX finds no GPU: computing on the CPU instead (fallback)."
            )
        elif info.kind == "gpu" and prefs.use_gpu:
            result.notices.append(f"Computing on the GPU: {info.name}.")
        result.device_label = info.label
    else:
        result.device_label = manager.device_label()
    return result
