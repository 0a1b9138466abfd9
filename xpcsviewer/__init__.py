"""xpcsviewer: open, look at, fit and compare XPCS result files (APS-8IDI NeXus layout).

The scripting API (no Qt needed)::

    import xpcsviewer as xv
    f = xv.open("sample_results.hdf")       # XpcsFile: f.tau (s), f.g2, f.dynamic_q (1/A) ...
    fit = xv.fit_g2(f, model="single")      # batched least squares over every q bin
    diff = xv.fit_tauq(fit, alpha=2)        # tau(q) power law, D in A^2/s

Names are imported lazily, so ``import xpcsviewer`` stays fast and loads neither JAX nor Qt.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "open": "xpcsviewer.api",
    "scan": "xpcsviewer.api",
    "fit_g2": "xpcsviewer.api",
    "fit_tauq": "xpcsviewer.api",
    "sample_g2": "xpcsviewer.api",
    "posterior_g2": "xpcsviewer.api",
    "make_qmap": "xpcsviewer.api",
    "read_qmap": "xpcsviewer.api",
    "read_poni": "xpcsviewer.api",
    "read_image": "xpcsviewer.api",
    "Geometry": "xpcsviewer.api",
    "XpcsFile": "xpcsviewer.io",
    "XpcsFormatError": "xpcsviewer.io",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'xpcsviewer' has no attribute {name!r}")
