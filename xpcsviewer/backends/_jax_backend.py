"""JAX backend: XLA-compiled, differentiable, runs on the device chosen by DeviceManager.

float64 is switched on the first time the backend is built (ADR-001: scientific results
need double precision), before any JAX array exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._arraymath import ArrayMathMixin
from ._device import DeviceManager
from ._jax_config import configure_jax, default_cache_dir, enable_compilation_cache

# configure_jax and the cache helpers live in _jax_config (DeviceManager needs them too, and
# importing them from here made _device and _jax_backend import each other); re-exported.
__all__ = ["JAXBackend", "configure_jax", "default_cache_dir", "enable_compilation_cache"]

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
        return self._jax.device_put(x, DeviceManager.instance().jax_device())
