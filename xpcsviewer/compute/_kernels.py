"""Compiled-kernel cache shared by the compute modules.

A kernel is built from a small closure over its static arguments (detector shape, number of
bins, ...). On JAX the closure is jitted once per (kernel, static arguments) and kept, so a
second call with the same detector shape reuses the compiled XLA program; geometry and data
are traced arguments and never force a recompile. On NumPy the closure simply runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from xpcsviewer.backends import BackendProtocol, get_backend

_CACHE: dict[tuple, Callable] = {}
_LOCK = threading.Lock()


def resolve(backend: BackendProtocol | str | None) -> BackendProtocol:
    """The backend to compute on: the active one, a named one (``"jax"``/``"numpy"``, as
    ``fit_g2(backend=...)`` takes), or a backend object."""
    if backend is None:
        return get_backend()
    if isinstance(backend, str):
        return get_backend(backend)
    return backend


def kernel(
    backend: BackendProtocol,
    name: str,
    static: tuple[Hashable, ...],
    build: Callable[..., Callable],
) -> Callable:
    """The kernel ``build(backend, *static)``, jitted and cached on backends that compile."""
    if not backend.supports_jit:
        return build(backend, *static)
    key = (name, backend.name, static)
    fn = _CACHE.get(key)
    if fn is None:
        compiled = backend.jit(build(backend, *static))
        with _LOCK:
            fn = _CACHE.setdefault(key, compiled)
    return fn


def cached_kernels(name: str | None = None) -> int:
    """How many compiled kernels are cached (of one name when given); for tests and the status panel."""
    with _LOCK:
        return sum(1 for key in _CACHE if name is None or key[0] == name)


def as_float(backend: BackendProtocol, x: Any) -> Any:
    return backend.asarray(x, dtype="float64")
