"""Importing JAX the one way the viewer does: float64 on, and the persistent compile cache.

Kept apart from the backend class so that the DeviceManager and the backend both import it
without importing each other. Nothing here imports JAX until a function is called.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

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
