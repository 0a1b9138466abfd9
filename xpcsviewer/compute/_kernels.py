"""Compiled-kernel cache shared by the compute modules.

A kernel is built from a small closure over its static arguments (detector shape, number of
bins, ...). On JAX the closure is jitted once per (kernel, static arguments) and kept, so a
second call with the same detector shape reuses the compiled XLA program; geometry and data
are traced arguments and never force a recompile. On NumPy the closure simply runs.

Shapes that vary from file to file (pixels, roi counts, frames) are padded up to a
:func:`bucket` by the callers, with values the kernel ignores (label 0, NaN frames), and the
result is cut back: a handful of programs cover all files, and results are the unpadded
kernel's exactly (tests compare with ``BUCKETING`` off). The buckets are in
docs/performance.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol, get_backend

_CACHE: dict[tuple, Callable] = {}
_LOCK = threading.Lock()
BUCKETING = True  # off: every exact shape its own program (the reference in tests)
SMALLEST_BUCKET = 16
EXACT_UP_TO = 1024  # powers of two up to here; above, multiples of a sixteenth of one


def bucket(n: int) -> int:
    """The padded size for ``n``: at least 16, the next power of two up to 1024, above that
    the next multiple of 1/16 of the next power of two (at most 12.5 % padding; 1000 -> 1024,
    1500 -> 1536, 3000 -> 3072, 1,000,000 -> 1,048,576). ``n`` itself when BUCKETING is off."""
    n = int(n)
    if not BUCKETING:
        return n
    if n <= SMALLEST_BUCKET:
        return SMALLEST_BUCKET
    power = 1 << (n - 1).bit_length()
    if power <= EXACT_UP_TO:
        return power
    step = power // 16
    return -(-n // step) * step


def resolve(backend: BackendProtocol | str | None) -> BackendProtocol:
    """The backend to compute on: the active one, a named one (``"jax"``/``"numpy"``, as
    ``fit_g2(backend=...)`` takes), or a backend object."""
    if backend is None:
        return get_backend()
    if isinstance(backend, str):
        return get_backend(backend)
    return backend


def one_pass(backend: BackendProtocol | str | None = None) -> BackendProtocol:
    """The backend for a memory-bound computation that runs once per view (a two-time map's
    display, cuts and age-window g2): NumPy when ``backend`` resolves to JAX on the CPU, else
    that backend.

    Why (ADR-001 keeps both backends parity-tested to 1e-10 and lets a caller choose; its gains
    are repeated compiled calls, gradients and GPUs, none of which a single pass over a map on
    the CPU uses): on the CPU such a pass is bound by memory, so a compiled program is no
    faster than NumPy (g2 from four age windows of a 1500-frame map: JAX 0.5 s warm, NumPy
    0.06 s), and each new map size costs a compile (0.3-5 s) before the first pixel is shown.
    On a GPU the backend is kept. Without a GPU asked for (``XPCS_USE_GPU``) and no backend
    named, JAX is not even imported (1-2.5 s in a new process). Numbers: docs/performance.md,
    "Two-time first view"."""
    from xpcsviewer.backends import DeviceManager

    devices = DeviceManager.instance()
    if backend is None and not devices.use_gpu:
        return get_backend("numpy")
    b = resolve(backend)
    if b.supports_jit and devices.info().kind == "cpu":
        return get_backend("numpy")
    return b


def padded(backend: BackendProtocol, x: Any, shape: tuple[int, ...], fill: float, dtype: str) -> Any:
    """``x`` as ``dtype`` in the top-left corner of an array of ``shape`` filled with ``fill``
    (padded on the host when ``x`` is a NumPy array: no device program per input shape)."""
    if isinstance(x, np.ndarray) or not backend.supports_jit:
        src = np.asarray(backend.to_numpy(x), dtype=dtype)
        if src.shape == tuple(shape):
            out = src
        else:
            out = np.full(shape, fill, dtype=dtype)
            out[tuple(slice(0, k) for k in src.shape)] = src
        # from_numpy for every host input, padded or not: JAX keys its programs also on
        # where an argument lives, and asarray and device_put give different answers.
        return backend.from_numpy(out)
    x = backend.asarray(x, dtype=dtype)
    if tuple(x.shape) == tuple(shape):
        return x
    for axis, size in enumerate(shape):
        extra = size - x.shape[axis]
        if extra:
            filler_shape = tuple(extra if a == axis else x.shape[a] for a in range(len(shape)))
            x = backend.concatenate([x, backend.full(filler_shape, fill, dtype=dtype)], axis=axis)
    return x


def cut(backend: BackendProtocol, x: Any, *sizes: int) -> Any:
    """The leading ``sizes`` of a padded kernel's output. On a compiling backend the cut is
    made on the host: an eager slice would compile a small program for every new size."""
    index = tuple(slice(0, k) for k in sizes)
    if not backend.supports_jit:
        return x[index]
    # from_numpy, not asarray: jnp.asarray without a dtype stages a program per shape
    return backend.from_numpy(np.ascontiguousarray(np.asarray(backend.to_numpy(x))[index]))


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
