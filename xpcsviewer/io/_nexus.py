"""Reader for the APS-8IDI NeXus result layout (boost_corr): keys from ``_keys.NEXUS_8IDI``.

Facts of the layout this relies on: g2 columns are the dynamic rois that have pixels, mapped to
(q, phi) by ``dynamic_index_mapping`` (q-major flat index into ``dynamic_num_pts``); the same
holds for static bins; ``scattering_1d`` is (1, n) and ``scattering_2d`` (1, ny, nx); two-time
maps ``c2_NNNNN`` are numbered by their ordinal in ``processed_bins``, which holds 1-based
dynamic roi labels; files without multi-tau have no ``/xpcs/multitau`` group at all. Roi
labels are compact (pySimpleMask's numbering): label r is column r-1, whose grid cell is
``*_index_mapping[r-1]``; cells without pixels have no label and no column.
"""

from __future__ import annotations

import numpy as np

from ._agree import same_detector, same_length
from ._core import Core
from ._errors import XpcsFormatError
from ._h5 import Source
from ._intensity import FrameTrace, frame_trace
from ._keys import C2_NAME_NEXUS
from ._keys import NEXUS_8IDI as K
from ._metadata import read_metadata
from ._records import Metadata, QMap, frozen

NAME = "aps-8idi-nexus"


def _grid(src: Source, prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """(q list, phi list, index mapping, num_pts) of the ``dynamic`` or ``static`` grid."""
    q_list = src.read(K[f"{prefix}_v_list_dim0"], ndim=1).astype(np.float64)
    phi_list = src.read(K[f"{prefix}_v_list_dim1"], ndim=1).astype(np.float64)
    num_pts = src.read(K[f"{prefix}_num_pts"], ndim=1)
    if num_pts.size != 2:
        raise XpcsFormatError(
            src.path, f"{K[prefix + '_num_pts']} has {num_pts.size} values, expected 2"
        )
    n_q, n_phi = int(num_pts[0]), int(num_pts[1])
    if (q_list.size, phi_list.size) != (n_q, n_phi):
        raise XpcsFormatError(
            src.path,
            f"{prefix} value lists have {q_list.size} q and {phi_list.size} phi, "
            f"but {K[prefix + '_num_pts']} says {n_q} x {n_phi}",
        )
    index = src.read(K[f"{prefix}_index_mapping"], ndim=1).astype(np.int64)
    if index.min() < 0 or index.max() >= n_q * n_phi:
        raise XpcsFormatError(
            src.path, f"{K[prefix + '_index_mapping']} has indices outside 0..{n_q * n_phi - 1}"
        )
    return q_list, phi_list, index, (n_q, n_phi)


def _per_bin(src: Source, prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q_list, phi_list, index, (_, n_phi) = _grid(src, prefix)
    return frozen(q_list[index // n_phi]), frozen(phi_list[index % n_phi]), index


def _config_factor(src: Source, kind: str) -> float:
    stride = src.scalar(K[f"{kind}_stride"], 1.0) or 1.0
    avg = src.scalar(K[f"{kind}_avg"], 1.0) or 1.0
    if stride <= 0 or avg <= 0:
        raise XpcsFormatError(src.path, f"{kind} stride {stride} / averaging {avg} must be > 0")
    return stride * avg


def metadata(src: Source) -> Metadata:
    if not src.has(K["saxs_2d"]) and not src.has(K["mask"]):
        shape = (0, 0)
    else:
        shape = tuple(src.get(K["mask"] if src.has(K["mask"]) else K["saxs_2d"]).shape[-2:])
    return read_metadata(
        src,
        K,
        beamline=src.text(K["beamline"]),
        qmap_path=src.text(K["multitau_qmap_path"]) or src.text(K["twotime_qmap_path"]),
        detector_shape=shape,  # type: ignore[arg-type]
        correlator={
            kind: src.group_values(K[f"{kind}_config"])
            for kind in ("multitau", "twotime")
            if src.has(K[f"{kind}_config"])
        },
    )


def core(src: Source) -> Core:
    kinds = {k for k in ("multitau", "twotime") if src.has(K[k])}
    dt = src.scalar(K["frame_time_s"], np.nan)
    if not (np.isfinite(dt) and dt > 0):
        raise XpcsFormatError(src.path, f"{K['frame_time_s']} is missing or not > 0 ({dt})")
    dyn_q, dyn_phi, dyn_index = _per_bin(src, "dynamic")
    sta_q, sta_phi, _ = _per_bin(src, "static")
    n_bins = dyn_index.size
    tau = g2 = g2_err = None
    if "multitau" in kinds:
        delays = src.read(K["delay_list"], ndim=1)
        g2 = src.read(K["g2"], ndim=2).astype(np.float64)
        g2_err = src.read(K["g2_err"], ndim=2).astype(np.float64)
        if g2.shape[0] != delays.size:
            raise XpcsFormatError(
                src.path,
                f"{K['g2']} has {g2.shape[0]} delays but {K['delay_list']} has {delays.size}",
            )
        if g2_err.shape != g2.shape:
            raise XpcsFormatError(
                src.path, f"{K['g2_err']} shape {g2_err.shape} != g2 shape {g2.shape}"
            )
        if g2.shape[1] != n_bins:
            raise XpcsFormatError(
                src.path,
                f"{K['g2']} has {g2.shape[1]} columns but {K['dynamic_index_mapping']} "
                f"lists {n_bins} dynamic bins",
            )
        tau = frozen(delays.astype(np.float64) * dt * _config_factor(src, "multitau"))
        frozen(g2), frozen(g2_err)
    c2_keys: dict[int, str] = {}
    c2_dt = dt
    if "twotime" in kinds:
        c2_keys = _c2_keys(src, n_bins)
        c2_dt = dt * _config_factor(src, "twotime")
    _check_lazy(src)
    return Core(
        kinds=frozenset(kinds), n_bins=n_bins, tau=tau, g2=g2, g2_err=g2_err,
        dynamic_q=dyn_q, dynamic_phi=dyn_phi, static_q=sta_q, static_phi=sta_phi,
        frame_time_s=dt, c2_keys=c2_keys, c2_dt=c2_dt,
    )  # fmt: skip


def _c2_keys(src: Source, n_bins: int) -> dict[int, str]:
    """g2 column -> key of its two-time map (compact labels: roi label r is column r-1)."""
    labels = src.read(K["c2_processed_bins"], ndim=1, empty_ok=True).astype(np.int64)
    group = src.group(K["c2_group"])
    out: dict[int, str] = {}
    for ordinal, label in enumerate(labels, start=1):
        name = C2_NAME_NEXUS.format(ordinal)
        if not 1 <= label <= n_bins:
            raise XpcsFormatError(
                src.path,
                f"{K['c2_processed_bins']} lists roi {label}, but the dynamic rois are "
                f"1..{n_bins} ({K['dynamic_index_mapping']})",
            )
        if name not in group:
            raise XpcsFormatError(
                src.path, f"two-time bin {label} has no map {K['c2_group']}/{name}"
            )
        key = f"{K['c2_group']}/{name}"
        ds = src.check(key, ndim=2)
        if ds.shape[0] != ds.shape[1]:
            raise XpcsFormatError(src.path, f"{key} has shape {ds.shape}, expected square")
        out[int(label) - 1] = key
    return out


def _check_lazy(src: Source) -> None:
    """Shapes and dtypes of the big arrays, alone and against each other, from metadata only."""
    image = src.check(K["saxs_2d"], ndim=(2, 3))
    if image.ndim == 3 and image.shape[0] != 1:
        raise XpcsFormatError(
            src.path, f"{K['saxs_2d']} has shape {image.shape}, expected (1, ny, nx) or (ny, nx)"
        )
    n_static = src.get(K["static_index_mapping"]).shape[0]
    s1 = src.check(K["saxs_1d"], ndim=(1, 2))
    if s1.shape[-1] != n_static:
        raise XpcsFormatError(
            src.path, f"{K['saxs_1d']} has {s1.shape[-1]} bins, qmap lists {n_static} static bins"
        )
    if src.has(K["saxs_1d_segments"]):
        seg = src.check(K["saxs_1d_segments"], ndim=(1, 2), empty_ok=True)
        same_length(src.path, K["saxs_1d_segments"], seg.shape[-1],
                    K["static_index_mapping"], n_static)
    if src.has(K["intensity_vs_time"]):
        it = src.check(K["intensity_vs_time"], ndim=2, empty_ok=True)
        if it.shape[0] != 2:
            raise XpcsFormatError(
                src.path, f"{K['intensity_vs_time']} has shape {it.shape}, expected (2, n)"
            )
    shapes = {K["mask"]: src.check(K["mask"], ndim=2).shape, K["saxs_2d"]: image.shape}
    for key in ("dynamic_roi_map", "static_roi_map"):
        shapes[K[key]] = src.check(K[key], ndim=2).shape
    same_detector(src.path, shapes)


def saxs_2d(src: Source) -> np.ndarray:
    """(ny, nx) float64 mean intensity per pixel (photons per frame)."""
    a = src.read(K["saxs_2d"], ndim=(2, 3))
    return a.reshape(a.shape[-2:]).astype(np.float64)


def saxs_1d(src: Source) -> np.ndarray:
    """(n_static,) float64 mean intensity per static bin."""
    return src.read(K["saxs_1d"], ndim=(1, 2)).reshape(-1).astype(np.float64)


def segments(src: Source) -> np.ndarray:
    """(n_segments, n_static) float64 (an empty (0, n) when the file has none)."""
    if not src.has(K["saxs_1d_segments"]):
        return np.zeros((0, src.get(K["static_index_mapping"]).shape[0]))
    return np.atleast_2d(src.read(K["saxs_1d_segments"], ndim=(1, 2))).astype(np.float64)


def g2_partial(src: Source, g2_shape: tuple[int, int] | None) -> np.ndarray | None:
    """(n_parts, n_tau, n_bins) float64 cumulative g2 per part (NaN where not yet written),
    or None when the file has none. A single part may be stored as (n_tau, n_bins)."""
    if g2_shape is None or not src.has(K["g2_partial"]):
        return None
    a = src.read(K["g2_partial"], ndim=(2, 3), empty_ok=True).astype(np.float64)
    a = a[None] if a.ndim == 2 else a
    if a.shape[1:] != tuple(g2_shape):
        raise XpcsFormatError(src.path, f"{K['g2_partial']} has shape {a.shape}, expected "
                              f"(n_parts, {g2_shape[0]}, {g2_shape[1]}) like {K['g2']}")
    return a


def intensity(src: Source, frame_time_s: float) -> FrameTrace:
    """The stored trace (row 0 frame index, row 1 mean intensity per frame), bad frames
    left out and counted (``_intensity``)."""
    if not src.has(K["intensity_vs_time"]):
        return frame_trace(np.zeros((2, 0)), frame_time_s)
    return frame_trace(src.read(K["intensity_vs_time"], ndim=2, empty_ok=True), frame_time_s)


def qmap(src: Source) -> QMap:
    dq, dphi, dindex, dnum = _grid(src, "dynamic")
    sq, sphi, sindex, snum = _grid(src, "static")
    mask = src.read(K["mask"], ndim=2) != 0
    dyn = src.read(K["dynamic_roi_map"], ndim=2).astype(np.int64)
    sta = src.read(K["static_roi_map"], ndim=2).astype(np.int64)
    same_detector(src.path, {K["mask"]: mask.shape, K["dynamic_roi_map"]: dyn.shape,
                             K["static_roi_map"]: sta.shape})
    arrays = (mask, dyn, sta, dq, dphi, sq, sphi, dindex, sindex)
    for a in arrays:
        frozen(a)
    return QMap(
        *arrays, dynamic_num_pts=dnum, static_num_pts=snum,
        beam_center_x=src.scalar(K["qmap_beam_center_x"], np.nan),
        beam_center_y=src.scalar(K["qmap_beam_center_y"], np.nan),
        detector_distance_m=src.scalar(K["qmap_detector_distance"], np.nan),
        pixel_size_m=src.scalar(K["qmap_pixel_size"], np.nan),
        energy_kev=src.scalar(K["qmap_energy"], np.nan),
    )  # fmt: skip


def c2_stored(src: Source, key: str) -> np.ndarray:
    """The stored (upper-triangle) map at ``key``; float32/float64 in native byte order."""
    return src.read_native(key, ndim=2)
