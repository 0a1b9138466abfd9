"""DeviceManager: which device JAX computes on, chosen from the environment and preferences.

Environment (ADR-001): ``XPCS_USE_GPU`` (default false), ``XPCS_GPU_FALLBACK`` (default
true), ``XPCS_GPU_MEMORY_FRACTION`` (default 0.9) and ``JAX_PLATFORMS``. The memory
fraction must reach XLA before JAX starts its GPU client, so it is exported to
``XLA_PYTHON_CLIENT_MEM_FRACTION`` when the manager is created; changing it later needs a
restart, which :meth:`DeviceManager.set_memory_fraction` says.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from ._jax_config import configure_jax

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class GPUUnavailableError(RuntimeError):
    """A GPU was required (``XPCS_USE_GPU=true``, ``XPCS_GPU_FALLBACK=false``) but none exists."""


def env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean; use true or false")


def env_fraction(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number between 0 and 1") from None
    if not 0.0 < value <= 1.0:
        raise ValueError(f"{name}={raw!r} must be in (0, 1]")
    return value


@dataclass(frozen=True)
class DeviceInfo:
    kind: str  # "cpu" or "gpu"
    name: str  # e.g. "cpu" or "NVIDIA H100 80GB HBM3"
    requested_gpu: bool
    fell_back: bool  # GPU was asked for but the CPU is used

    @property
    def label(self) -> str:
        return self.kind if self.kind == "cpu" else f"gpu:{self.name}"


class DeviceManager:
    """Thread-safe singleton; use :meth:`instance`. Tests may call :meth:`reset`."""

    _instance: DeviceManager | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.use_gpu = env_flag("XPCS_USE_GPU", False)
        self.fallback = env_flag("XPCS_GPU_FALLBACK", True)
        self.memory_fraction = env_fraction("XPCS_GPU_MEMORY_FRACTION", 0.9)
        self.platforms = os.environ.get("JAX_PLATFORMS", "")
        os.environ.setdefault("XLA_PYTHON_CLIENT_MEM_FRACTION", f"{self.memory_fraction:g}")
        self._fallback_logged = False
        self._info: DeviceInfo | None = None

    @classmethod
    def instance(cls) -> DeviceManager:
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls()
        return cls._instance

    @classmethod
    def reset(cls) -> None:
        """Forget the singleton so the next :meth:`instance` re-reads the environment."""
        with cls._lock:
            cls._instance = None

    # -- selection ----------------------------------------------------------------------
    def _gpu_devices(self) -> list:
        jax = configure_jax()
        if self.platforms and "gpu" not in self.platforms and "cuda" not in self.platforms:
            return []
        try:
            return list(jax.devices("gpu"))
        except RuntimeError:
            return []

    def jax_device(self):
        """The ``jax.Device`` computations are placed on."""
        jax = configure_jax()
        if self.use_gpu:
            gpus = self._gpu_devices()
            if gpus:
                return gpus[0]
            if not self.fallback:
                raise GPUUnavailableError(
                    "A GPU was requested (XPCS_USE_GPU=true) but JAX finds none, and "
                    "XPCS_GPU_FALLBACK=false forbids the CPU. Install a CUDA build of jaxlib "
                    "(pip install 'jax[cuda12]'), or set XPCS_GPU_FALLBACK=true."
                )
            if not self._fallback_logged:
                log.warning("GPU requested but none is available; computing on the CPU instead.")
                self._fallback_logged = True
        return jax.devices("cpu")[0]

    def info(self) -> DeviceInfo:
        """What is in use now: kind, name, and whether a GPU request fell back to the CPU."""
        dev = self.jax_device()
        kind = "gpu" if dev.platform in ("gpu", "cuda", "rocm") else "cpu"
        name = getattr(dev, "device_kind", None) or dev.platform
        return DeviceInfo(
            kind, name if kind == "gpu" else "cpu", self.use_gpu, self.use_gpu and kind == "cpu"
        )

    def device_label(self) -> str:
        return self.info().label

    # -- run-time changes (the preferences dialog) --------------------------------------------
    def set_use_gpu(self, enabled: bool) -> DeviceInfo:
        """Switch GPU use for the next computation; returns what is now in use.

        Sets JAX's default device, so arrays created afterwards (and functions compiled
        afterwards) land there. Without a GPU and with fallback on, it reports the CPU.
        """
        jax = configure_jax()
        self.use_gpu = bool(enabled)
        self._fallback_logged = False
        dev = self.jax_device()
        jax.config.update("jax_default_device", dev)
        return self.info()

    def set_fallback(self, enabled: bool) -> None:
        self.fallback = bool(enabled)

    def set_memory_fraction(self, fraction: float) -> str:
        """Record a new GPU memory fraction. XLA reads it once, so it applies after a restart."""
        if not 0.0 < fraction <= 1.0:
            raise ValueError(f"GPU memory fraction must be in (0, 1], got {fraction}")
        self.memory_fraction = float(fraction)
        return "The GPU memory fraction takes effect after restarting xpcsviewer."
