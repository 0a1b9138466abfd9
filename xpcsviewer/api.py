"""The public scripting API: the functions a scientist calls from a script or notebook.

This module only gathers names; the work lives in ``io`` (reading), ``compute`` and
``fitting``. Nothing here imports Qt.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .io import DetectorImage, Geometry, XpcsFile, XpcsFormatError, read_image, read_poni, scan
from .io import open_file as open  # noqa: A001 - ``xpcsviewer.open`` is the documented name
from .io import read_qmap_file as read_qmap

if TYPE_CHECKING:
    from .fitting import fit_g2, fit_tauq, posterior_g2, sample_g2
    from .qmap_make import MadeQMap, make_qmap

# Imported on first use: ``xpcsviewer.open`` in a new process need not load the fitting
# engine or the q-map maker (issue 16, cold start).
_LAZY = {"fit_g2": "fitting", "fit_tauq": "fitting", "posterior_g2": "fitting",
         "sample_g2": "fitting", "MadeQMap": "qmap_make", "make_qmap": "qmap_make"}

__all__ = [
    "DetectorImage",
    "Geometry",
    "MadeQMap",
    "XpcsFile",
    "XpcsFormatError",
    "fit_g2",
    "fit_tauq",
    "make_qmap",
    "open",
    "posterior_g2",
    "read_image",
    "read_poni",
    "read_qmap",
    "sample_g2",
    "scan",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f"xpcsviewer.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
