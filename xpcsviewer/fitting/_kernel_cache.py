"""Compiled fitting kernels kept on disk as ``jax.export`` artifacts, so a new process skips tracing.

A new process spends most of its first fit tracing the optimistix solver (seconds), not
computing (milliseconds). :func:`cached_call` runs a ``jax.jit`` function through a
serialised export of it: the first call for a key traces and exports once and writes the
artifact; every later process deserialises it (milliseconds) and, with JAX's persistent
compilation cache warm, also skips the XLA compile. The artifact is the same StableHLO the
jitted function lowers to, so results are those of the jitted function (tests compare).

Where: ``<JAX compilation cache dir>/xpcs_exported/`` -- the folder
:func:`xpcsviewer.backends.enable_compilation_cache` sets (the viewer and ``bench_*``
scripts call it; ``XPCS_JAX_CACHE_DIR`` moves it, empty disables both). Without that
folder the jitted function runs as is.

The key holds everything that can change the program: a format number; the exact versions
of jax, jaxlib, optimistix, equinox and lineax; a hash of the source of the modules the
solver traces; the platform; the caller's static arguments; and each argument's shape and
dtype (shapes are bucketed upstream, ``_prepare.py``). Because the jax/jaxlib versions are
exact, the LAPACK custom calls in the program are allowed
(``DisabledSafetyCheck.custom_call``): their ABI cannot drift under a cached artifact.
Any failure (``flatbuffers`` missing, unreadable or stale file, full disk) falls back to
the jitted function; the cache never changes a result, only when it is computed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..backends import configure_jax

_FORMAT = 1
# The modules whose code ends up in the exported solver; editing any of them changes the key.
_TRACED = ("_lsq_jax.py", "_models.py", "_transform.py", "_kernel_cache.py")
_DISTS = ("jax", "jaxlib", "optimistix", "equinox", "lineax")

_loaded: dict[str, Callable] = {}
_via_export: set[str] = set()  # keys whose program in _loaded came from an artifact
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()
# How each key's program was obtained in this process (tests check the cache is used).
_stats = {"loaded": 0, "exported": 0, "uncached": 0}


def cache_stats() -> dict[str, int]:
    """Counts in this process: programs ``loaded`` from disk, ``exported`` (traced and
    written), ``uncached`` (no cache folder, or the export failed: plain ``jax.jit``)."""
    return dict(_stats)


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """Versions of the tracing stack and a hash of the traced sources: part of every key."""
    h = hashlib.sha256(f"format={_FORMAT}".encode())
    for dist in _DISTS:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"{dist}={version};".encode())
    here = Path(__file__).parent
    for name in _TRACED:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def export_dir() -> Path | None:
    """The artifact folder, or ``None`` when JAX's persistent compilation cache is off."""
    jax = configure_jax()
    base = jax.config.jax_compilation_cache_dir
    return Path(base) / "xpcs_exported" if base else None


def _platform(jax) -> str:
    # Where the call will run: the viewer's GPU switch sets jax_default_device (DeviceManager);
    # an export for one platform cannot run on another.
    dev = jax.config.jax_default_device
    if dev is None:
        return jax.default_backend()
    return dev if isinstance(dev, str) else dev.platform


def _key(name: str, static: tuple, args: tuple) -> str:
    jax = configure_jax()
    shapes = tuple((np.shape(a), np.asarray(a).dtype.str) for a in args)
    raw = repr((fingerprint(), _platform(jax), name, static, shapes))
    return f"{re.sub(r'[^A-Za-z0-9_]', '_', name)}-{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _custom_call_targets(text: str) -> list[str]:
    return sorted(set(re.findall(r"custom_call\s*@([A-Za-z0-9_.]+)", text)))


def _export(jitted, args: tuple):
    """Trace ``jitted`` at ``args``' shapes once; returns the ``Exported``."""
    jax = configure_jax()
    from jax import export

    specs = [jax.ShapeDtypeStruct(np.shape(a), np.asarray(a).dtype) for a in args]
    try:
        # jax lists its CPU LAPACK and GPU solver calls as stable: usually nothing to allow.
        return export.export(jitted)(*specs)
    except ValueError as exc:
        if "custom call" not in str(exc).lower():
            raise
    targets = _custom_call_targets(jitted.lower(*specs).as_text())
    checks = [export.DisabledSafetyCheck.custom_call(t) for t in targets]
    return export.export(jitted, disabled_checks=checks)(*specs)


def _write(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: a reader in another process never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_or_export(key: str, build: Callable[[], Callable], args: tuple) -> tuple[Callable, bool]:
    jax = configure_jax()
    folder = export_dir()
    if folder is None:
        return _uncached(build), False
    try:
        from jax import export
        from jax._src.export import serialization  # noqa: F401  (needs flatbuffers)
    except ImportError:
        return _uncached(build), False
    path = folder / f"{key}.jaxexport"
    exp = None
    if path.is_file():
        try:
            exp = export.deserialize(bytearray(path.read_bytes()))
        except Exception:  # a truncated or foreign file: export again over it
            exp = None
    if exp is None:
        try:
            exp = _export(build(), args)
        except Exception:  # an unexportable program still runs, only uncached
            return _uncached(build), False
        try:
            _write(path, exp.serialize())
        except OSError:
            pass
        _stats["exported"] += 1
    else:
        _stats["loaded"] += 1
    return jax.jit(exp.call), True


def _uncached(build: Callable[[], Callable]) -> Callable:
    _stats["uncached"] += 1
    return build()


def cached_call(name: str, static: tuple, build: Callable[[], Callable], args: tuple):
    """Call ``build()(*args)`` through the on-disk export cache.

    Args:
        name: what the kernel is (part of the key and the file name), e.g. ``"lsq_jax"``.
        static: everything ``build`` closes over (the arguments of the cached builder).
        build: returns the ``jax.jit`` function; called only when the artifact must be made.
        args: NumPy arrays; their shapes and dtypes are part of the key.

    Returns whatever the jitted function returns (JAX arrays).
    """
    key = _key(name, static, args)
    fn = _loaded.get(key)
    if fn is None:
        with _guard:
            lock = _locks.setdefault(key, threading.Lock())
        # One thread exports a key; a second (the GUI's warm-up and a click) waits for it.
        with lock:
            fn = _loaded.get(key)
            if fn is None:
                fn, exported = _load_or_export(key, build, args)
                _loaded[key] = fn
                if exported:
                    _via_export.add(key)
    if key not in _via_export:
        return fn(*args)
    try:
        return fn(*args)
    except Exception:
        # An artifact that deserialised but will not run here (a jax bug, a device it was
        # not made for): run the jitted function instead from now on in this process.
        # A genuine error in the inputs raises again from there.
        _via_export.discard(key)
        fn = _loaded[key] = _uncached(build)
        return fn(*args)
