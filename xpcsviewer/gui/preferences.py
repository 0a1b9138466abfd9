"""User preferences: a plain dataclass, its QSettings round trip, and applying it.

Applying switches the backend and the device for the next computation (ADR-001's
DeviceManager). Whatever cannot take effect now, or falls back, comes back as a notice
for the user, never as an exception.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from xpcsviewer.backends._configure import BACKENDS

from .plotting import COLORMAPS, DEFAULT_COLORMAP

if TYPE_CHECKING:
    from xpcsviewer.backends import Configured
_GROUP = "preferences"


@dataclass(frozen=True)
class Preferences:
    backend: str = "auto"  # "auto": JAX when installed, else NumPy (or XPCS_USE_JAX)
    use_gpu: bool = False
    gpu_fallback: bool = True  # without a GPU, compute on the CPU instead of failing
    memory_fraction: float = 0.9  # of GPU memory JAX may take; read by XLA once at start
    colormap: str = DEFAULT_COLORMAP
    cache_mb: int = 0  # all open files' lazily read arrays together; 0: a quarter of RAM
    theme: str = "light"  # "light" or "dark" (gui/theme.py); applies at the next start

    def validated(self) -> Preferences:
        return dataclasses.replace(
            self,
            backend=self.backend if self.backend in BACKENDS else "auto",
            memory_fraction=min(max(float(self.memory_fraction), 0.05), 1.0),
            colormap=self.colormap if self.colormap in COLORMAPS else DEFAULT_COLORMAP,
            cache_mb=0 if int(self.cache_mb) <= 0 else max(int(self.cache_mb), 16),
            theme=self.theme if self.theme in ("light", "dark") else "light",
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


def apply_preferences(prefs: Preferences, previous: Preferences | None = None) -> Configured:
    """Make ``prefs`` take effect through the Qt-free :func:`xpcsviewer.backends.configure`.
    ``previous`` is None at start-up, when only settings that differ from the environment's
    defaults are applied."""
    from xpcsviewer.backends import configure

    changed = None if previous is None else {
        name for name in ("backend", "use_gpu", "memory_fraction")
        if getattr(previous, name) != getattr(prefs, name)
    }
    return configure(prefs.backend, prefs.use_gpu, prefs.gpu_fallback, prefs.memory_fraction,
                     changed=changed)
