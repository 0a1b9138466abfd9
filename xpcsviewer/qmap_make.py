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
from .io import Geometry, QMap, XpcsFormatError, read_poni, write_qmap_file
from .io._h5 import Source


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


def result_geometry(path: str | Path) -> Geometry:
    """The geometry stored in a result file's ``/xpcs/qmap`` (raises XpcsFormatError)."""
    from .io import open_file

    qm = open_file(path).qmap
    try:
        return Geometry(qm.energy_kev, qm.detector_distance_m, qm.pixel_size_m,
                        qm.beam_center_x, qm.beam_center_y)
    except ValueError as exc:
        raise XpcsFormatError(path, f"stored qmap geometry: {exc}") from None


def load_geometry(source: Geometry | str | Path) -> Geometry:
    """A Geometry as is, a ``.poni`` file, or a result file's stored geometry."""
    if isinstance(source, Geometry):
        return source
    path = Path(source)
    return read_poni(path) if path.suffix.lower() == ".poni" else result_geometry(path)


_MASK_KEYS = ("/qmap/mask", "/xpcs/qmap/mask", "/mask")


def load_array(source: Any, what: str) -> np.ndarray:
    """An array as is, or read from ``.npy`` or HDF5 (a mask at /qmap/mask, /xpcs/qmap/mask or
    /mask; an image: a result file's SAXS-2D). Raises XpcsFormatError naming the file."""
    if not isinstance(source, (str, Path)):
        return np.asarray(source)
    path = Path(source)
    if path.suffix.lower() == ".npy":
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise XpcsFormatError(path, f"cannot read the {what} ({exc})") from None
    if what == "image":
        from .io import open_file

        return np.asarray(open_file(path).saxs_2d)
    with Source(path) as src:
        for key in _MASK_KEYS:
            if src.has(key):
                return src.read(key, ndim=2)
    raise XpcsFormatError(path, f"no mask found (looked at {', '.join(_MASK_KEYS)})")


def make_qmap(
    image: Any,
    geometry: Geometry | str | Path | None = None,
    *,
    mask: Any = None,
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

    image: (ny, nx) array, ``.npy`` or a result file (its SAXS-2D; its geometry and mask are
    the defaults then). geometry: :class:`xpcsviewer.io.Geometry`, a ``.poni`` or a result file.
    mask: (ny, nx) nonzero = valid, ``.npy`` or HDF5; default all pixels valid (or the result
    file's). dynamic / static: (n_q, n_phi). scale ``"linear"``/``"log"``; phi_offset (°),
    symmetry_fold, q_range (Å⁻¹), phi_span ``"full"`` (±180°, the shipped files') or
    ``"valid"`` (the φ range of the valid pixels, pySimpleMask's): ``compute.make_partition``.
    out: write the qmap file there (atomically; FileExistsError unless ``overwrite``).
    Raises XpcsFormatError for unreadable inputs, ValueError for inconsistent shapes/options.
    """
    is_result = isinstance(image, (str, Path)) and Path(image).suffix.lower() in (".hdf", ".h5")
    if geometry is None:
        if not is_result:
            raise ValueError("give a geometry (Geometry, .poni or a result file)")
        geometry = image
    geom = load_geometry(geometry)
    img = load_array(image, "image")
    if img.ndim != 2:
        raise ValueError(f"the image must be 2-D (ny, nx), got shape {img.shape}")
    if mask is None and is_result:
        mask = load_array(image, "mask")
    m = np.ones(img.shape, bool) if mask is None else load_array(mask, "mask") != 0
    if m.shape != img.shape:
        raise ValueError(f"mask {m.shape} and image {img.shape} differ in shape")
    qm = compute_qmap(*geom.qmap_args(img.shape), backend=backend)
    parts = make_partitions(qm, m, dynamic=tuple(dynamic), static=tuple(static), scale=scale,
                            phi_offset=phi_offset, symmetry_fold=symmetry_fold, q_range=q_range,
                            phi_span=phi_span, backend=backend)
    result = to_qmap(parts, geom)
    if out is None:
        return MadeQMap(result, geom)
    if not source_file and isinstance(image, (str, Path)):
        source_file = Path(image).name
    digest = write_qmap_file(out, result, source_file=source_file, overwrite=overwrite)
    return MadeQMap(result, geom, Path(out), digest)
