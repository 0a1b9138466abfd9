"""The stand-alone qmap file a correlator runs on: written and read back.

Layout (pySimpleMask's, the file boost_corr takes with ``--qmap``; learnt from its public
writer, names as in the ``/xpcs/qmap`` group of the result files it produces): one group
``/qmap`` with

- ``mask`` (ny, nx) int32, 1 = valid pixel; ``dynamic_roi_map`` / ``static_roi_map`` (ny, nx)
  uint32 compact labels (0 = unused, label r is column r - 1);
- ``{dynamic,static}_v_list_dim0`` q bin centres (Å⁻¹), ``..._v_list_dim1`` φ bin centres (°),
  ``..._index_mapping`` (K,) int64 flat grid index ``iq * n_phi + iphi`` of label r at [r - 1],
  ``..._num_pts`` (2,) int64 = (n_q, n_phi);
- ``map_names`` = [b"q", b"phi"], ``map_units`` = [b"1/A", b"deg"];
- scalars ``energy`` (keV), ``detector_distance`` (m), ``pixel_size`` (m), ``beam_center_x``,
  ``beam_center_y`` (pixels), and the text ``source_file``;
- attribute ``hash`` on ``/qmap``: SHA-256 (hex) of everything the group holds, by
  pySimpleMask's scheme (:func:`content_hash`), so two files with the same partition from the
  same source carry the same hash and a correlator can tell which qmap it ran on.

Written through :class:`~xpcsviewer.io._atomic.NewFile` (complete or absent, never replacing a
file unless asked). Read through :class:`~xpcsviewer.io._h5.Source` (the one gate).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import h5py
import numpy as np

from ._atomic import NewFile
from ._errors import XpcsFormatError
from ._geometry import Geometry
from ._h5 import Source
from ._records import QMap

GROUP = "/qmap"
_SCALARS = {"energy": "energy_kev", "detector_distance": "detector_distance_m",
            "pixel_size": "pixel_size_m", "beam_center_x": "beam_center_x",
            "beam_center_y": "beam_center_y"}


def _datasets(qm: QMap) -> dict[str, np.ndarray]:
    out = {
        "mask": np.asarray(qm.mask).astype(np.int32),
        "dynamic_roi_map": np.asarray(qm.dynamic_roi_map).astype(np.uint32),
        "static_roi_map": np.asarray(qm.static_roi_map).astype(np.uint32),
        "map_names": np.array([b"q", b"phi"]),
        "map_units": np.array([b"1/A", b"deg"]),
    }
    for kind in ("dynamic", "static"):
        out[f"{kind}_v_list_dim0"] = np.asarray(getattr(qm, f"{kind}_q_list"), np.float64)
        out[f"{kind}_v_list_dim1"] = np.asarray(getattr(qm, f"{kind}_phi_list"), np.float64)
        out[f"{kind}_index_mapping"] = np.asarray(getattr(qm, f"{kind}_index_mapping"), np.int64)
        out[f"{kind}_num_pts"] = np.asarray(getattr(qm, f"{kind}_num_pts"), np.int64)
    for name, attr in _SCALARS.items():
        out[name] = np.asarray(float(getattr(qm, attr)), np.float64)
    return out


def content_hash(datasets: dict[str, np.ndarray], source_file: str = "") -> str:
    """SHA-256 hex of a qmap group's content, by pySimpleMask's scheme.

    Learnt from pySimpleMask (AdvancedPhotonSource/pySimpleMask,
    ``src/pysimplemask/core/partition.py``, ``hash_numpy_dict``, which ``core/model.py``
    ``save_partition`` writes as the ``/qmap`` attribute ``hash``): over the entries in sorted
    name order, each name's UTF-8 text, then for an array its C-order bytes and for anything
    else (lists of names or units, the (n_q, n_phi) pairs, geometry scalars, the source file)
    ``json.dumps(value, sort_keys=True)``. We apply it to exactly what we write, as it does:
    ``*_num_pts`` as ``[n_q, n_phi]``, ``map_names``/``map_units`` as lists of text, the five
    geometry scalars as floats, ``source_file`` as text.

    Where ours differs, and why: array bytes are little-endian, not the machine's order
    (``"="``), so a big-endian host gives the same hash (every host pySimpleMask runs on is
    little-endian, so its values do not change). The two programs' hashes of the "same"
    partition still differ, by design of their contents: pySimpleMask shrinks integer arrays
    to the smallest dtype before writing and hashing, stores a ``blemish`` array (ours is
    folded into ``mask``) and hashes ``source_file`` as the full real path (ours: the name,
    so the hash does not depend on where the image lay). The hash identifies a file's content
    within one program; compare partitions across programs by their arrays.
    """
    h = hashlib.sha256()
    entries: dict[str, object] = dict(datasets)
    entries["source_file"] = str(source_file)
    for name in sorted(entries):
        h.update(name.encode())
        value = entries[name]
        if name in ("map_names", "map_units"):
            value = [v.decode() if isinstance(v, bytes) else str(v) for v in np.ravel(value)]
        elif name.endswith("_num_pts"):
            value = [int(v) for v in np.ravel(value)]
        elif name in _SCALARS:
            value = float(np.asarray(value).reshape(()))
        if isinstance(value, np.ndarray):
            a = np.ascontiguousarray(value)
            if a.dtype.kind in "biuf":
                a = a.astype(a.dtype.newbyteorder("<"))
            h.update(a.tobytes())
        else:
            h.update(json.dumps(value, sort_keys=True).encode())
    return h.hexdigest()


def _check(qm: QMap) -> None:
    shape = np.shape(qm.mask)
    for kind in ("dynamic", "static"):
        roi = np.asarray(getattr(qm, f"{kind}_roi_map"))
        if roi.shape != shape:
            raise ValueError(f"{kind}_roi_map is {roi.shape}, the mask {shape}")
        n = np.size(getattr(qm, f"{kind}_index_mapping"))
        if int(roi.max(initial=0)) > n:
            raise ValueError(f"{kind}_roi_map has label {int(roi.max())} but only {n} bins are "
                             "listed: labels must be compact")


def write_qmap_file(path: str | Path, qmap: QMap, *, source_file: str = "",
                    overwrite: bool = False) -> str:
    """Write ``qmap`` as a stand-alone qmap file (module docstring); returns its ``hash``.

    Raises FileExistsError when ``path`` exists and not ``overwrite``; ValueError on roi maps
    that do not match the mask or are not compact.
    """
    _check(qmap)
    data = _datasets(qmap)
    digest = content_hash(data, source_file)
    with NewFile(path, overwrite=overwrite) as new:
        # locking=False: NewFile already holds the temporary's lock
        with h5py.File(new.tmp, "w", locking=False) as h5:
            group = h5.create_group(GROUP)
            for name, value in data.items():
                big = value.ndim == 2
                group.create_dataset(name, data=value, compression="gzip" if big else None)
            group.create_dataset("source_file", data=str(source_file),
                                 dtype=h5py.string_dtype())
            group.attrs["hash"] = digest
        new.install()
    return digest


def read_qmap_file(path: str | Path) -> tuple[QMap, Geometry, str]:
    """(QMap, Geometry, stored hash) of a qmap file; raises XpcsFormatError naming the problem
    (missing key, inconsistent shapes, labels beyond the listed bins, bad geometry)."""
    path = Path(path)
    with Source(path) as src:
        if not src.has(GROUP):
            raise XpcsFormatError(path, f"no {GROUP} group: not a qmap file")
        key = f"{GROUP}/{{}}".format
        mask = src.read(key("mask"), ndim=2) != 0
        arrays: dict[str, object] = {"mask": mask}
        grid: dict[str, tuple[int, int]] = {}
        for kind in ("dynamic", "static"):
            roi = src.read(key(f"{kind}_roi_map"), ndim=2).astype(np.int64)
            if roi.shape != mask.shape:
                raise XpcsFormatError(path, f"{key(kind + '_roi_map')} is {roi.shape}, "
                                      f"{key('mask')} is {mask.shape}")
            num = src.read(key(f"{kind}_num_pts"), ndim=1)
            q_list = src.read(key(f"{kind}_v_list_dim0"), ndim=1).astype(np.float64)
            phi_list = src.read(key(f"{kind}_v_list_dim1"), ndim=1).astype(np.float64)
            index = src.read(key(f"{kind}_index_mapping"), ndim=1).astype(np.int64)
            if num.size != 2 or (q_list.size, phi_list.size) != (int(num[0]), int(num[1])):
                raise XpcsFormatError(path, f"{kind} num_pts {num.tolist()} does not match "
                                      f"{q_list.size} q x {phi_list.size} phi values")
            n_q, n_phi = int(num[0]), int(num[1])
            if index.size and (index.min() < 0 or index.max() >= n_q * n_phi):
                raise XpcsFormatError(path, f"{key(kind + '_index_mapping')} has indices "
                                      f"outside 0..{n_q * n_phi - 1}")
            if roi.max(initial=0) > index.size or roi.min(initial=0) < 0:
                raise XpcsFormatError(path, f"{key(kind + '_roi_map')} has labels outside "
                                      f"0..{index.size} (the listed bins)")
            arrays.update({f"{kind}_roi_map": roi, f"{kind}_q_list": q_list,
                           f"{kind}_phi_list": phi_list, f"{kind}_index_mapping": index})
            grid[kind] = (n_q, n_phi)
        scalars = {attr: src.scalar(key(name)) for name, attr in _SCALARS.items()}
        missing = [key(name) for name, attr in _SCALARS.items() if scalars[attr] is None]
        if missing:
            raise XpcsFormatError(path, f"missing geometry {', '.join(missing)}")
        digest = str(src.group(GROUP).attrs.get("hash", ""))
    qmap = QMap(
        arrays["mask"], arrays["dynamic_roi_map"], arrays["static_roi_map"],
        arrays["dynamic_q_list"], arrays["dynamic_phi_list"], arrays["static_q_list"],
        arrays["static_phi_list"], arrays["dynamic_index_mapping"],
        arrays["static_index_mapping"], dynamic_num_pts=grid["dynamic"],
        static_num_pts=grid["static"], **scalars,
    )  # fmt: skip
    try:
        geometry = Geometry(scalars["energy_kev"], scalars["detector_distance_m"],
                            scalars["pixel_size_m"], scalars["beam_center_x"],
                            scalars["beam_center_y"])
    except ValueError as exc:
        raise XpcsFormatError(path, f"qmap geometry: {exc}") from None
    return qmap, geometry, digest
