"""Linear interpolation on a grid: interpax on JAX, the same arithmetic in NumPy otherwise.

(Cuts through C2 maps sample bilinearly in their own bucketed kernel, ``_c2_cuts.py``.)

Linear, not cubic: g2 in log t is already smooth on a multi-tau grid. Points outside the
grid give NaN (interpax ``extrap=False``), so nothing is invented beyond the measured range.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol


def _cell(x: np.ndarray, xq: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    i = np.clip(np.searchsorted(x, xq, side="right") - 1, 0, x.size - 2)
    frac = (xq - x[i]) / (x[i + 1] - x[i])
    outside = (xq < x[0]) | (xq > x[-1]) | ~np.isfinite(xq)
    return i, frac, outside


def interp1d_linear(xq: Any, x: Any, f: Any, backend: BackendProtocol) -> Any:
    """f: (n, ...) sampled at increasing x (n,); returns (m, ...) at xq (m,), NaN outside."""
    if backend.name == "jax":
        import interpax

        return interpax.interp1d(
            backend.asarray(xq, dtype="float64"),
            backend.asarray(x, dtype="float64"),
            backend.asarray(f, dtype="float64"),
            method="linear",
            extrap=False,
        )
    x, xq, f = (np.asarray(a, dtype=np.float64) for a in (x, xq, f))
    i, t, out = _cell(x, xq)
    t = t.reshape(t.shape + (1,) * (f.ndim - 1))
    val = f[i] * (1.0 - t) + f[i + 1] * t
    return np.where(out.reshape(t.shape), np.nan, val)
