"""Conversions at I/O boundaries: everything leaving the compute layer becomes NumPy.

h5py, pyqtgraph and matplotlib accept only NumPy arrays; JAX arrays are read-only views of
device memory, and h5py can hand back read-only arrays too. ``ensure_numpy`` gives a
writable ndarray in every case, so callers may modify what they receive.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def ensure_numpy(x: Any, dtype: Any = None) -> np.ndarray:
    """Return ``x`` as a writable ``np.ndarray`` (JAX arrays, read-only arrays, lists, scalars).

    A writable NumPy array of the right dtype is returned as is (no copy).
    """
    if isinstance(x, np.ndarray) and x.flags.writeable and (dtype is None or x.dtype == dtype):
        return x
    out = np.asarray(x, dtype=dtype)
    if not out.flags.writeable or out is x or _shares_memory_with_foreign(x, out):
        out = np.array(out, copy=True)
    return out


def _shares_memory_with_foreign(source: Any, out: np.ndarray) -> bool:
    # np.asarray on a JAX CPU array can alias device memory that JAX considers immutable.
    return not isinstance(source, (np.ndarray, list, tuple, int, float, complex, bool))


def ensure_backend_array(x: Any, backend: Any = None) -> Any:
    """Return ``x`` as an array of ``backend`` (the active backend when omitted)."""
    if backend is None:
        from . import get_backend

        backend = get_backend()
    return backend.asarray(x)
