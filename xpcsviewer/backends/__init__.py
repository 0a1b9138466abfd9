"""Array backends (ADR-001): one protocol, a JAX and a NumPy implementation.

``get_backend()`` returns the active backend, chosen on first use from ``XPCS_USE_JAX``
(``auto`` — JAX when importable, else NumPy; ``true``; ``false``). ``set_backend`` and
``reset_backend`` let preferences and tests switch it.
"""

from __future__ import annotations

import importlib.util
import os
import threading

from ._base import BackendProtocol
from ._conversions import ensure_backend_array, ensure_numpy
from ._device import DeviceInfo, DeviceManager, GPUUnavailableError
from ._jax_config import configure_jax, enable_compilation_cache
from .io_adapter import (
    HDF5Adapter,
    MatplotlibAdapter,
    PyQtGraphAdapter,
    StatsSnapshot,
    adapter_stats,
    reset_adapter_stats,
)

__all__ = [
    "BackendProtocol",
    "Configured",
    "DeviceInfo",
    "DeviceManager",
    "GPUUnavailableError",
    "HDF5Adapter",
    "MatplotlibAdapter",
    "PyQtGraphAdapter",
    "StatsSnapshot",
    "adapter_stats",
    "configure",
    "configure_jax",
    "enable_compilation_cache",
    "ensure_backend_array",
    "ensure_numpy",
    "get_backend",
    "active_name",
    "backend_chosen",
    "jax_available",
    "reset_adapter_stats",
    "reset_backend",
    "set_backend",
]

_JAX_MISSING = (
    "JAX was requested ({why}) but is not installed. Install it with "
    "`pip install jax jaxlib` (or `pip install -e .` in the xpcsviewer checkout), "
    "or set XPCS_USE_JAX=false to use the NumPy backend."
)

_active: BackendProtocol | None = None
_chosen = False  # set_backend("jax"/"numpy") was called (not "auto"), see backend_chosen
_lock = threading.Lock()


def jax_available() -> bool:
    return importlib.util.find_spec("jax") is not None


def _make(name: str, why: str) -> BackendProtocol:
    if name == "jax":
        if not jax_available():
            raise ImportError(_JAX_MISSING.format(why=why))
        from ._jax_backend import JAXBackend

        return JAXBackend()
    if name == "numpy":
        from ._numpy_backend import NumPyBackend

        return NumPyBackend()
    raise ValueError(f"unknown backend {name!r}; choose 'jax' or 'numpy'")


def _environment_choice() -> tuple[str, str]:
    """(backend name, why) that ``XPCS_USE_JAX`` asks for; raises ``ValueError`` if unknown."""
    choice = os.environ.get("XPCS_USE_JAX", "auto").strip().lower()
    if choice in ("auto", ""):
        return ("jax" if jax_available() else "numpy"), "auto"
    if choice in ("1", "true", "yes", "on"):
        return "jax", f"XPCS_USE_JAX={choice}"
    if choice in ("0", "false", "no", "off"):
        return "numpy", f"XPCS_USE_JAX={choice}"
    raise ValueError(f"XPCS_USE_JAX={choice!r} is not one of auto, true, false")


def _from_environment() -> BackendProtocol:
    return _make(*_environment_choice())


def backend_chosen() -> bool:
    """Whether the backend was named (``set_backend("jax"/"numpy")`` or ``XPCS_USE_JAX``
    true/false) rather than left to ``auto``. A named backend is used for every fit; only an
    ``auto`` one lets a process's first small fit run on NumPy (``fitting/_engine_choice.py``).
    Raises ``ValueError`` for an unknown ``XPCS_USE_JAX``."""
    return _chosen or _environment_choice()[1] != "auto"


def active_name() -> str:
    """``"jax"`` or ``"numpy"``: the name ``get_backend()`` has or would have, without making
    the backend. Making the JAX backend imports JAX (0.5-0.9 s); callers that only branch on
    the name (the first fit of a process, ``fitting/_fit_g2.py``) must not pay for that."""
    active = _active
    if active is not None:
        return active.name
    return _environment_choice()[0]


def get_backend(name: str | None = None) -> BackendProtocol:
    """The active backend, or a fresh one named ``"jax"``/``"numpy"`` when ``name`` is given."""
    global _active
    if name is not None:
        return _make(name, f"get_backend({name!r})")
    if _active is None:
        with _lock:
            if _active is None:
                _active = _from_environment()
    return _active


def set_backend(name: str) -> BackendProtocol:
    """Make ``"jax"``, ``"numpy"`` or ``"auto"`` the active backend; returns it."""
    global _active, _chosen
    with _lock:
        _chosen = name != "auto"
        if name == "auto":
            _active = _make("jax" if jax_available() else "numpy", "auto")
        else:
            _active = _make(name, f"set_backend({name!r})")
        return _active


def reset_backend() -> None:
    """Forget the active backend so the next ``get_backend()`` re-reads the environment."""
    global _active, _chosen
    with _lock:
        _active = None
        _chosen = False


# Last: configure() is built on get_backend/set_backend above.
from ._configure import Configured, configure  # noqa: E402
