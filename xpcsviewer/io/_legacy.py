"""Reader for the legacy APS-8IDI layout (``/xpcs/Version`` present, arrays in ``/exchange``).

Differences from the NeXus layout that matter here: per-column q/phi are stored directly
(``/xpcs/dqlist``, shape (1, n_bins)), so the (q, phi) grid is flat — ``QMap`` reports it as
``(n_bins, 1)`` with an identity index mapping; ``/exchange/tau`` holds delays in frames;
two-time maps ``g2_NNNNN`` are named by their 1-based dynamic roi label.
"""

from __future__ import annotations

import numpy as np

from ._agree import same_detector, same_length
from ._core import Core
from ._errors import XpcsFormatError
from ._h5 import Source
from ._intensity import FrameTrace, frame_trace
from ._keys import C2_NAME_LEGACY
from ._keys import LEGACY_APS as K
from ._metadata import read_metadata
from ._records import Metadata, QMap, frozen

NAME = "aps-legacy"


def _vec(src: Source, key: str, default_len: int | None = None) -> np.ndarray:
    """A (n,) float64 from a stored (n,) or (1, n); zeros of ``default_len`` when absent."""
    if default_len is not None and not src.has(key):
        return np.zeros(default_len)
    a = src.read(key, ndim=(1, 2))
    if a.ndim == 2 and 1 not in a.shape:
        raise XpcsFormatError(src.path, f"{key} has shape {a.shape}, expected (n,) or (1, n)")
    return a.reshape(-1).astype(np.float64)


def metadata(src: Source) -> Metadata:
    shape = tuple(src.get(K["saxs_2d"]).shape[-2:]) if src.has(K["saxs_2d"]) else (0, 0)
    return read_metadata(
        src,
        K,
        beamline="8-ID-I",  # legacy files predate the beamline field; only 8-ID-I wrote them
        qmap_path=src.text(K["qmap_path"]),
        detector_shape=shape,  # type: ignore[arg-type]
        correlator={"legacy": {"version": src.text(K["version"])}},
    )


def core(src: Source) -> Core:
    dt = src.scalar(K["frame_time_s"], np.nan)
    if not (np.isfinite(dt) and dt > 0):
        raise XpcsFormatError(src.path, f"{K['frame_time_s']} is missing or not > 0 ({dt})")
    factor = (src.scalar(K["stride"], 1.0) or 1.0) * (src.scalar(K["avg"], 1.0) or 1.0)
    dyn_q = _vec(src, K["dynamic_q"])
    dyn_phi = _vec(src, K["dynamic_phi"], dyn_q.size)
    sta_q = _vec(src, K["static_q"])
    sta_phi = _vec(src, K["static_phi"], sta_q.size)
    n_bins = dyn_q.size
    kinds = set()
    tau = g2 = g2_err = None
    if src.has(K["g2"]):
        kinds.add("multitau")
        delays = _vec(src, K["tau"])
        g2 = src.read(K["g2"], ndim=2).astype(np.float64)
        g2_err = src.read(K["g2_err"], ndim=2).astype(np.float64)
        if g2.shape != (delays.size, n_bins) or g2_err.shape != g2.shape:
            raise XpcsFormatError(
                src.path,
                f"{K['g2']} shape {g2.shape} / {K['g2_err']} {g2_err.shape} do not match "
                f"{delays.size} delays x {n_bins} q bins",
            )
        tau = frozen(delays * dt * factor)
        frozen(g2), frozen(g2_err)
    c2_keys: dict[int, str] = {}
    if src.has(K["c2_group"]):
        kinds.add("twotime")
        for label in range(1, n_bins + 1):
            key = f"{K['c2_group']}/{C2_NAME_LEGACY.format(label)}"
            if src.has(key):
                src.check(key, ndim=2)
                c2_keys[label - 1] = key
    if not kinds:
        raise XpcsFormatError(src.path, f"legacy layout without {K['g2']} or {K['c2_group']}")
    shapes = {K["saxs_2d"]: src.check(K["saxs_2d"], ndim=2).shape}
    for key in ("mask", "dynamic_roi_map", "static_roi_map"):
        if src.has(K[key]):
            shapes[K[key]] = src.check(K[key], ndim=2).shape
    same_detector(src.path, shapes)
    if src.has(K["saxs_1d"]):
        same_length(src.path, K["saxs_1d"], _vec(src, K["saxs_1d"]).size, K["static_q"], sta_q.size)
    return Core(
        kinds=frozenset(kinds), n_bins=n_bins, tau=tau, g2=g2, g2_err=g2_err,
        dynamic_q=frozen(dyn_q), dynamic_phi=frozen(dyn_phi), static_q=frozen(sta_q),
        static_phi=frozen(sta_phi), frame_time_s=dt, c2_keys=c2_keys, c2_dt=dt * factor,
    )  # fmt: skip


def saxs_2d(src: Source) -> np.ndarray:
    return src.read(K["saxs_2d"], ndim=2).astype(np.float64)


def saxs_1d(src: Source) -> np.ndarray:
    return _vec(src, K["saxs_1d"])


def segments(src: Source) -> np.ndarray:
    if not src.has(K["saxs_1d_segments"]):
        return np.zeros((0, _vec(src, K["static_q"]).size))
    return np.atleast_2d(src.read(K["saxs_1d_segments"], ndim=(1, 2))).astype(np.float64)


def g2_partial(src: Source, g2_shape: tuple[int, int] | None) -> None:
    """The legacy layout stores no g2 per part."""
    return None


def intensity(src: Source, frame_time_s: float) -> FrameTrace:
    """The stored trace (row 0 frame index, row 1 mean intensity per frame), bad frames
    left out and counted (``_intensity``)."""
    if not src.has(K["intensity_vs_time"]):
        return frame_trace(np.zeros((2, 0)), frame_time_s)
    return frame_trace(src.read(K["intensity_vs_time"], ndim=2, empty_ok=True), frame_time_s)


def qmap(src: Source) -> QMap:
    dq = _vec(src, K["dynamic_q"])
    dphi = _vec(src, K["dynamic_phi"], dq.size)
    sq = _vec(src, K["static_q"])
    shape = src.get(K["saxs_2d"]).shape[-2:]
    mask = src.read(K["mask"], ndim=2) != 0 if src.has(K["mask"]) else np.ones(shape, bool)
    dyn = src.read(K["dynamic_roi_map"], ndim=2).astype(np.int64)
    sta = src.read(K["static_roi_map"], ndim=2).astype(np.int64)
    same_detector(src.path, {K["saxs_2d"]: shape, K["dynamic_roi_map"]: dyn.shape,
                             K["static_roi_map"]: sta.shape, K["mask"]: mask.shape})
    phi0 = dphi[:1] if dphi.size else np.zeros(1)
    arrays = (
        mask, dyn, sta, dq, phi0, sq, phi0.copy(),
        np.arange(dq.size, dtype=np.int64), np.arange(sq.size, dtype=np.int64),
    )  # fmt: skip
    for a in arrays:
        frozen(a)
    meta = metadata(src)
    return QMap(
        *arrays, dynamic_num_pts=(dq.size, 1), static_num_pts=(sq.size, 1),
        beam_center_x=meta.beam_center_x, beam_center_y=meta.beam_center_y,
        detector_distance_m=meta.detector_distance_m, pixel_size_m=meta.pixel_size_m,
        energy_kev=meta.energy_kev,
    )  # fmt: skip


def c2_stored(src: Source, key: str) -> np.ndarray:
    """The stored map at ``key``; float32/float64 in native byte order."""
    return src.read_native(key, ndim=2)
