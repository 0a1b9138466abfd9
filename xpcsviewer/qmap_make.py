"""Making a qmap file without the window: ``xv.make_qmap`` and ``xpcsviewer qmap``.

Geometry -> q and φ maps (``compute.compute_qmap``) -> dynamic and static partitions on the
mask (``compute.make_partitions``, compact labels) -> ``io.QMap`` -> optionally a qmap file in
pySimpleMask's layout (``io.write_qmap_file``). Given a result file's own geometry, mask and bin
counts it reproduces that file's ``/xpcs/qmap`` pixel for pixel (``tests/test_qmap_make.py``).
Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .compute import compute_qmap, make_partitions
from .compute.partition import QPartitions
from .io import Geometry, QMap, XpcsFormatError, read_image, read_poni, write_qmap_file
from .io._h5 import Source
from .io._images import FABIO_SUFFIXES


@dataclass(frozen=True)
class MadeQMap:
    """``qmap``: the partition as :class:`xpcsviewer.io.QMap` (NumPy arrays); ``geometry``;
    ``path`` and ``hash`` of the written file (None / "" when nothing was written)."""

    qmap: QMap
    geometry: Geometry
    path: Path | None = None
    hash: str = ""


def to_qmap(parts: QPartitions, geometry: Geometry) -> QMap:
    """Partitions (backend arrays) -> an ``io.QMap`` of NumPy arrays with this geometry."""
    d = parts.to_qmap_dict()
    return QMap(
        mask=d["mask"] != 0,
        dynamic_roi_map=d["dynamic_roi_map"].astype(np.int64),
        static_roi_map=d["static_roi_map"].astype(np.int64),
        dynamic_q_list=d["dynamic_v_list_dim0"], dynamic_phi_list=d["dynamic_v_list_dim1"],
        static_q_list=d["static_v_list_dim0"], static_phi_list=d["static_v_list_dim1"],
        dynamic_index_mapping=d["dynamic_index_mapping"],
        static_index_mapping=d["static_index_mapping"],
        dynamic_num_pts=tuple(int(v) for v in d["dynamic_num_pts"]),
        static_num_pts=tuple(int(v) for v in d["static_num_pts"]),
        beam_center_x=geometry.beam_center_x, beam_center_y=geometry.beam_center_y,
        detector_distance_m=geometry.distance_m, pixel_size_m=geometry.pixel_size_m,
        energy_kev=geometry.energy_kev,
    )  # fmt: skip


def stored_geometry(qm: QMap, path: str | Path) -> Geometry:
    """The geometry of a result file's stored ``/xpcs/qmap`` (raises XpcsFormatError)."""
    try:
        return Geometry(qm.energy_kev, qm.detector_distance_m, qm.pixel_size_m,
                        qm.beam_center_x, qm.beam_center_y)
    except ValueError as exc:
        raise XpcsFormatError(path, f"stored qmap geometry: {exc}") from None


def result_geometry(path: str | Path) -> Geometry:
    """The geometry stored in a result file's ``/xpcs/qmap`` (raises XpcsFormatError)."""
    from .io import open_file

    return stored_geometry(open_file(path).qmap, path)


def load_geometry(source: Geometry | str | Path) -> Geometry:
    """A Geometry as is, a ``.poni`` file, or a result file's stored geometry."""
    if isinstance(source, Geometry):
        return source
    path = Path(source)
    return read_poni(path) if path.suffix.lower() == ".poni" else result_geometry(path)


_MASK_KEYS = ("/qmap/mask", "/xpcs/qmap/mask", "/mask")


def load_array(source: Any, what: str) -> np.ndarray:
    """An array as is, or read from a file. ``what="image"``: any file ``io.read_image``
    opens (a result file's SAXS-2D, TIFF/EDF/CBF, raw frames averaged over all, ``.npy``).
    ``what="mask"``: ``.npy``, TIFF/EDF/CBF (through fabio, as pySimpleMask saves masks) or
    HDF5 at /qmap/mask, /xpcs/qmap/mask or /mask. Raises XpcsFormatError naming the file."""
    if not isinstance(source, (str, Path)):
        return np.asarray(source)
    path = Path(source)
    if what == "image" or path.suffix.lower() in (".npy", *FABIO_SUFFIXES):
        return read_image(path).image
    with Source(path) as src:
        for key in _MASK_KEYS:
            if src.has(key):
                return src.read(key, ndim=2)
    raise XpcsFormatError(path, f"no mask found (looked at {', '.join(_MASK_KEYS)})")


@dataclass(frozen=True)
class Inputs:
    """What ``make_qmap`` partitions: ``image`` (ny, nx) float64, ``geometry``, ``mask``
    (ny, nx) bool (True = valid), ``source`` the image file's name ("" for an array)."""

    image: np.ndarray
    geometry: Geometry
    mask: np.ndarray
    source: str = ""


def resolve_inputs(image: Any, geometry: Geometry | str | Path | None = None, mask: Any = None,
                   frames: Any = None) -> Inputs:
    """Image, geometry and mask as ``make_qmap`` documents them, read and checked. A result
    file's stored geometry and mask are the defaults; other images carry neither (a geometry
    must be given). Raises XpcsFormatError for unreadable files, ValueError otherwise."""
    det = read_image(image, frames) if isinstance(image, (str, Path)) else None
    img = det.image if det is not None else np.asarray(image, np.float64)
    if img.ndim != 2:
        raise ValueError(f"the image must be 2-D (ny, nx), got shape {img.shape}")
    stored = det.qmap if det is not None else None
    if geometry is not None:
        geom = load_geometry(geometry)
    elif stored is not None:
        geom = stored_geometry(stored, det.path)
    else:
        what = f"a {det.kind} image carries none" if det is not None else "an array has none"
        raise ValueError(f"give a geometry (Geometry, .poni or a result file): {what}")
    if mask is None and stored is not None:
        mask = stored.mask
    m = np.ones(img.shape, bool) if mask is None else load_array(mask, "mask") != 0
    if m.shape != img.shape:
        raise ValueError(f"mask {m.shape} and image {img.shape} differ in shape")
    return Inputs(img, geom, m, det.path.name if det is not None else "")


def make_qmap(
    image: Any,
    geometry: Geometry | str | Path | None = None,
    *,
    mask: Any = None,
    frames: Any = None,
    dynamic: tuple[int, int] = (36, 1),
    static: tuple[int, int] = (360, 1),
    scale: str = "linear",
    phi_offset: float = 0.0,
    symmetry_fold: int = 1,
    q_range: tuple[float, float] | None = None,
    phi_span: str = "full",
    out: str | Path | None = None,
    source_file: str = "",
    overwrite: bool = False,
    backend: Any = None,
) -> MadeQMap:
    """Partition a detector into (q, φ) rois and optionally write the qmap file.

    image: (ny, nx) array or a file ``xv.read_image`` opens: a result file (its SAXS-2D; its
    geometry and mask are the defaults then), TIFF/EDF/CBF, raw HDF5 frames (the mean of
    ``frames``, half-open ``(start, stop)``, default all) or ``.npy``. geometry:
    :class:`xpcsviewer.io.Geometry`, a ``.poni`` or a result file (required for an image that
    is not a result file). mask: (ny, nx) nonzero = valid, ``.npy``, TIFF/EDF or HDF5; default
    all pixels valid (or the result file's). dynamic / static: (n_q, n_phi). scale ``"linear"``/``"log"``; phi_offset (°),
    symmetry_fold, q_range (Å⁻¹), phi_span ``"full"`` (±180°, the shipped files') or
    ``"valid"`` (the φ range of the valid pixels, pySimpleMask's): ``compute.make_partition``.
    out: write the qmap file there (atomically; FileExistsError unless ``overwrite``).
    Raises XpcsFormatError for unreadable inputs, ValueError for inconsistent shapes/options.
    """
    inputs = resolve_inputs(image, geometry, mask, frames)
    img, geom, m = inputs.image, inputs.geometry, inputs.mask
    qm = compute_qmap(*geom.qmap_args(img.shape), backend=backend)
    parts = make_partitions(qm, m, dynamic=tuple(dynamic), static=tuple(static), scale=scale,
                            phi_offset=phi_offset, symmetry_fold=symmetry_fold, q_range=q_range,
                            phi_span=phi_span, backend=backend)
    result = to_qmap(parts, geom)
    if out is None:
        return MadeQMap(result, geom)
    source_file = source_file or inputs.source
    digest = write_qmap_file(out, result, source_file=source_file, overwrite=overwrite)
    return MadeQMap(result, geom, Path(out), digest)
