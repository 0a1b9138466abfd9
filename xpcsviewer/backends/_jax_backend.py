"""JAX backend: XLA-compiled, differentiable, runs on the device chosen by DeviceManager.

float64 is switched on the first time the backend is built (ADR-001: scientific results
need double precision), before any JAX array exists.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._arraymath import ArrayMathMixin

_configured = False
_config_lock = threading.Lock()


def configure_jax() -> Any:
    """Import JAX with float64 enabled; idempotent. Returns the ``jax`` module."""
    global _configured
    import jax

    if not _configured:
        with _config_lock:
            if not _configured:
                jax.config.update("jax_enable_x64", True)
                _configured = True
    return jax


def default_cache_dir() -> Path | None:
    """Where compiled XLA programs persist between runs; ``None`` when disabled.

    ``XPCS_JAX_CACHE_DIR`` overrides (empty disables); else ``$XDG_CACHE_HOME/xpcsviewer/jax``.
    """
    raw = os.environ.get("XPCS_JAX_CACHE_DIR")
    if raw is not None:
        return Path(raw).expanduser() if raw.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "xpcsviewer" / "jax"


def enable_compilation_cache(cache_dir: Path | None = None) -> Path | None:
    """Keep compiled programs on disk, so a new session skips most of the first-fit compile.

    The viewer calls this at start-up; scripts may too. Returns the folder used, or ``None``
    when caching is disabled or the folder cannot be made (then JAX simply compiles again).
    """
    folder = cache_dir or default_cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    jax = configure_jax()
    jax.config.update("jax_compilation_cache_dir", str(folder))
    # Fits compile in well under a second each, below JAX's default thresholds; keep them all.
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    return folder


class JAXBackend(ArrayMathMixin):
    """:class:`BackendProtocol` on ``jax.numpy``: full JIT, grad, vmap, GPU when enabled."""

    def __init__(self) -> None:
        self._jax = configure_jax()
        import jax.numpy as jnp

        self.xp = jnp

    @property
    def name(self) -> str:
        return "jax"

    @property
    def supports_grad(self) -> bool:
        return True

    @property
    def supports_jit(self) -> bool:
        return True

    @property
    def device(self) -> str:
        from ._device import DeviceManager

        return DeviceManager.instance().device_label()

    def set_at(self, x, index, values):
        return self.xp.asarray(x).at[index].set(values)

    def bincount(self, x, weights=None, length=0):
        # A static length keeps the output shape known to XLA, so this traces under jit.
        return self.xp.bincount(x, weights=weights, length=length or None)

    def segment_sum(self, data, segment_ids, num_segments):
        return self._jax.ops.segment_sum(data, segment_ids, num_segments=num_segments)

    def solve(self, a, b):
        return self.xp.linalg.solve(a, b)

    def inv(self, a):
        return self.xp.linalg.inv(a)

    # -- transformations -----------------------------------------------------------------
    def jit(self, fn: Callable, static_argnums: Any = None) -> Callable:
        return self._jax.jit(fn, static_argnums=static_argnums)

    def grad(self, fn: Callable, argnums: int = 0) -> Callable:
        return self._jax.grad(fn, argnums=argnums)

    def value_and_grad(self, fn: Callable, argnums: int = 0) -> Callable:
        return self._jax.value_and_grad(fn, argnums=argnums)

    def vmap(self, fn: Callable, in_axes: Any = 0, out_axes: int = 0) -> Callable:
        return self._jax.vmap(fn, in_axes=in_axes, out_axes=out_axes)

    def scan(self, fn: Callable, init: Any, xs: Any, length: int | None = None):
        return self._jax.lax.scan(fn, init, xs, length=length)

    def fori_loop(self, lower: int, upper: int, body: Callable, init: Any) -> Any:
        return self._jax.lax.fori_loop(lower, upper, body, init)

    # -- conversion and placement ------------------------------------------------------------
    def to_numpy(self, x):
        import numpy as np

        return np.asarray(x)

    def from_numpy(self, x):
        return self.device_put(x)

    def device_put(self, x):
        from ._device import DeviceManager

        return self._jax.device_put(x, DeviceManager.instance().jax_device())
