"""The public scripting API: the functions a scientist calls from a script or notebook.

This module only gathers names; the work lives in ``io`` (reading), ``compute`` and
``fitting``. Nothing here imports Qt.
"""

from __future__ import annotations

from .fitting import fit_g2, fit_tauq, posterior_g2, sample_g2
from .io import DetectorImage, Geometry, XpcsFile, XpcsFormatError, read_image, read_poni, scan
from .io import open_file as open  # noqa: A001 - ``xpcsviewer.open`` is the documented name
from .io import read_qmap_file as read_qmap
from .qmap_make import MadeQMap, make_qmap

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
