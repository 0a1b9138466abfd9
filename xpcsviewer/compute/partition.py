"""q–phi partitions of the detector: the ``/xpcs/qmap`` structure a correlator runs on.

Binning convention (read off the stored partitions in ``tests/data``, which it reproduces
pixel for pixel): the q range runs from the smallest to the largest q of the *valid* pixels
(or a given range); ``n_q`` equal bins in q (or in log q); a pixel's bin is
``floor((q - q_min) / width)``, the pixel at ``q_max`` going into the last bin; bin values are
bin centres (geometric centres for log bins). Phi bins tile (-180, 180] + offset; with a
symmetry fold ``s`` the angle is folded into a wedge of 360/s degrees first, so opposite
(s = 2) or s-fold equivalent sectors share a bin. Bin values for phi are wedge centres.

``phi_span="valid"`` is the other convention in use (pySimpleMask's ``generate_partition`` and
XPCS-Toolkit's): after the offset and fold, the ``n_phi`` bins tile only the range of (folded)
angles the valid pixels cover, ``[min, max]``, the pixel at the maximum going into the last bin.
The shipped ``tests/data`` files use the full circle (phi_c: 6 bins centred at -150..150°,
while its valid pixels span only ±175.7°), so ``"full"`` stays the default.

Roi numbering (pySimpleMask's, which boost_corr reads; ``tests/data/README.md``): only the
(q, phi) cells that hold pixels get a label. Their flat grid index is ``iq * n_phi + iphi``
(q outer, phi inner); the cells with pixels, in increasing grid index, are labelled 1..K, and
``index_mapping[r - 1]`` is the grid index of label r (label r is stored column r - 1 of
``scattering_1d`` / ``normalized_g2``). 0 marks pixels that are masked or outside the q range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import bucket, cut, kernel, padded, resolve
from ._partition_guard import check_partition_input
from .qmap import DetectorQMap


@dataclass(frozen=True)
class Partition:
    """One partition (dynamic or static).

    roi_map: (ny, nx) int32 backend array, compact 1-based label per pixel (1..K, K cells hold
    pixels), 0 = excluded.
    q_values: (n_q,) float64 Å⁻¹ bin centres (``v_list_dim0``).
    phi_values: (n_phi,) float64 degrees (``v_list_dim1``).
    q_edges: (n_q + 1,) float64 Å⁻¹. phi_edges: (n_phi + 1,) degrees, in the folded frame.
    counts: (n_q * n_phi,) int64 pixels per grid cell (cell ``iq * n_phi + iphi``).
    index_mapping: (K,) int64 grid index of each label (label r -> ``index_mapping[r - 1]``),
    increasing: the cells that hold at least one pixel.
    num_pts: (n_q, n_phi).
    """

    roi_map: Any
    q_values: Any
    phi_values: Any
    q_edges: Any
    phi_edges: Any
    counts: Any
    index_mapping: Any
    num_pts: tuple[int, int]
    scale: str
    phi_offset: float
    symmetry_fold: int
    phi_span: str = "full"

    @property
    def n_bins(self) -> int:
        return self.num_pts[0] * self.num_pts[1]


@dataclass(frozen=True)
class QPartitions:
    """Dynamic and static partitions on one mask, as written to ``/xpcs/qmap``."""

    dynamic: Partition
    static: Partition
    mask: Any

    def to_qmap_dict(self) -> dict[str, np.ndarray]:
        """NumPy arrays keyed by the ``/xpcs/qmap`` dataset names (roi maps uint32, mask int32)."""
        out: dict[str, np.ndarray] = {"mask": np.asarray(self.mask).astype(np.int32)}
        for kind, p in (("dynamic", self.dynamic), ("static", self.static)):
            out[f"{kind}_roi_map"] = np.asarray(p.roi_map).astype(np.uint32)
            out[f"{kind}_v_list_dim0"] = np.asarray(p.q_values, dtype=np.float64)
            out[f"{kind}_v_list_dim1"] = np.asarray(p.phi_values, dtype=np.float64)
            out[f"{kind}_index_mapping"] = np.asarray(p.index_mapping, dtype=np.int64)
            out[f"{kind}_num_pts"] = np.asarray(p.num_pts, dtype=np.int64)
        return out


def _build(
    backend: BackendProtocol, n_q_max: int, n_phi_max: int, log: bool, fold: int,
    span_valid: bool, shape: tuple,
):
    # ``shape`` only keys the cache: one compiled program per pixel bucket and bin buckets.
    # n_q and n_phi are traced (float64 scalars); n_q_max, n_phi_max, their buckets, only
    # size the cell counts (cells past n_q * n_phi hold no pixel: cut off by the caller).
    b = backend
    wedge = 360.0 / fold
    n_cells = n_q_max * n_phi_max

    def partition_kernel(q, phi, mask, q_range, phi_offset, n_q, n_phi):
        valid = mask & b.isfinite(q)
        if log:
            valid = valid & (q > 0)
        big = b.where(valid, q, math.inf)
        small = b.where(valid, q, -math.inf)
        lo = b.where(b.isnan(q_range[0]), b.min(big), q_range[0])
        hi = b.where(b.isnan(q_range[1]), b.max(small), q_range[1])
        if log:
            # Masked or non-positive pixels are excluded above; the guard keeps log() finite.
            x = b.log(b.where(valid, q, 1.0))
            x0, x1 = b.log(lo), b.log(hi)
        else:
            x, x0, x1 = q, lo, hi
        inside = valid & (q >= lo) & (q <= hi)
        iq = b.floor((x - x0) / (x1 - x0) * n_q)
        iq = b.clip(iq, 0, n_q - 1)  # q == q_max lands on the upper edge: last bin, as stored
        # Fold into a wedge centred on the offset: [-wedge/2, wedge/2).
        rel = phi - phi_offset + 0.5 * wedge
        rel = rel - b.floor(rel / wedge) * wedge
        a_lo = width = lo  # returned for the edges; read only for the valid-angle span
        if span_valid:
            # Bins tile only the folded angles the valid pixels cover (pySimpleMask's span).
            # The angle relative to the offset, shifted by whole wedges only where it lies
            # outside [-wedge/2, wedge/2): unshifted angles stay exact, so a pixel on a bin
            # edge (phi = 0 with symmetric bins) lands on the upper side, as np.digitize puts it.
            ang = phi - phi_offset
            ang = ang - b.floor((ang + 0.5 * wedge) / wedge) * wedge
            a_lo = b.min(b.where(valid, ang, math.inf))
            a_hi = b.max(b.where(valid, ang, -math.inf))
            width = b.where(a_hi > a_lo, a_hi - a_lo, 1.0)  # one angle only: all in bin 0
            iphi = b.clip(b.floor((ang - a_lo) / width * n_phi), 0, n_phi - 1)
        else:
            iphi = b.clip(b.floor(rel / wedge * n_phi), 0, n_phi - 1)
        cell = b.where(inside, iq * n_phi + iphi + 1, 0).astype("int32")  # grid index + 1
        counts = b.bincount(b.reshape(cell, (-1,)), length=n_cells + 1)[1:]
        # Compact labels: a cell's label is the number of occupied cells up to and including
        # it (so occupied cells get 1..K in grid order); fixed shapes, so it compiles once.
        rank = b.cumsum((counts > 0).astype("int32"))
        label = b.take(rank, b.clip(cell - 1, 0, n_cells - 1))
        roi = b.where(cell > 0, label, 0).astype("int32")
        return roi, counts, b.stack([lo, hi, a_lo, width])

    return partition_kernel


def _edges(n_q: int, n_phi: int, log: bool, fold: int, span_valid: bool, phi_offset: float,
           ends: np.ndarray) -> tuple[np.ndarray, ...]:
    """q_edges, q_values, phi_edges, phi_values (float64; Å⁻¹, degrees) from the kernel's
    q range and angle span ``ends`` = (lo, hi, a_lo, width). On the host for both backends:
    n_q + 1 values need no program (a static length would compile one per n_q), and JAX's
    edges are NumPy's bit for bit."""
    lo, hi, a_lo, width = (np.float64(v) for v in ends)
    steps = np.linspace(0.0, 1.0, n_q + 1)
    if log:
        x0, x1 = np.log(lo), np.log(hi)
        q_edges = np.exp(steps * (x1 - x0) + x0)
        q_values = np.sqrt(q_edges[:-1] * q_edges[1:])
    else:
        q_edges = steps * (hi - lo) + lo
        q_values = 0.5 * (q_edges[:-1] + q_edges[1:])
    wedge = 360.0 / fold
    if span_valid:
        phi_edges = np.linspace(0.0, 1.0, n_phi + 1) * width + (a_lo + np.float64(phi_offset))
    else:
        phi_edges = np.linspace(-0.5 * wedge, 0.5 * wedge, n_phi + 1) + np.float64(phi_offset)
    return q_edges, q_values, phi_edges, 0.5 * (phi_edges[:-1] + phi_edges[1:])


def _checked(n_q: int, n_phi: int, scale: str, symmetry_fold: int, phi_span: str,
             q_range: tuple[float, float] | None) -> tuple[float, float]:
    """The q range as (lo, hi) (NaN: from the valid pixels); ValueError on bad options."""
    if scale not in ("linear", "log"):
        raise ValueError(f"scale must be 'linear' or 'log', got {scale!r}")
    if phi_span not in ("full", "valid"):
        raise ValueError(f"phi_span must be 'full' or 'valid', got {phi_span!r}")
    if n_q < 1 or n_phi < 1 or symmetry_fold < 1:
        raise ValueError("n_q, n_phi and symmetry_fold must be at least 1")
    lo, hi = (math.nan, math.nan) if q_range is None else (float(q_range[0]), float(q_range[1]))
    if q_range is not None and not hi > lo:
        raise ValueError(f"q_range must be increasing, got {q_range}")
    return lo, hi


def _pixels(b: BackendProtocol, q: Any, phi: Any, mask: Any, flat: Any = None) -> tuple:
    """(shape, n, q, phi, mask) with the pixels flattened and, on a compiling backend, padded
    to a bucket with masked ones (q NaN, mask off: in no range, count or label). ``flat``:
    a Q-map's own padded (q, phi) (``DetectorQMap.flat``), used as they are when they fit."""
    shape = tuple(int(k) for k in np.shape(q))
    n = int(np.prod(shape))
    size = bucket(n) if b.supports_jit else n
    m = np.asarray(b.to_numpy(b.asarray(mask))).reshape(-1) != 0
    if flat is not None and int(flat[0].shape[0]) == size:
        qf, phif = flat  # values past n belong to pixels the padded mask leaves out
    else:
        qf, phif = (padded(b, np.asarray(b.to_numpy(b.asarray(a))).reshape(-1), (size,), fill,
                           "float64") for a, fill in ((q, np.nan), (phi, 0.0)))
    return shape, n, qf, phif, padded(b, m, (size,), False, "bool")


def _partition(b: BackendProtocol, pixels: tuple, n_q: int, n_phi: int, scale: str,
               phi_offset: float, symmetry_fold: int, lo: float, hi: float,
               phi_span: str) -> Partition:
    shape, n, qf, phif, mf = pixels
    # Bin counts bucketed like pixels (a new n_q or n_phi in the Mask tab reuses a program);
    # NumPy compiles nothing and runs the exact sizes.
    n_q, n_phi = int(n_q), int(n_phi)
    nq_max, nphi_max = (bucket(n_q), bucket(n_phi)) if b.supports_jit else (n_q, n_phi)
    static = (nq_max, nphi_max, scale == "log", int(symmetry_fold), phi_span == "valid",
              (int(qf.shape[0]),))
    run = kernel(b, "partition", static, _build)
    as_f64 = b.from_numpy if b.supports_jit else np.float64  # no program per new value
    roi, counts, ends = run(
        qf, phif, mf,
        b.from_numpy(np.array([lo, hi], dtype=np.float64)),
        as_f64(np.float64(phi_offset)),
        as_f64(np.float64(n_q)), as_f64(np.float64(n_phi)),
    )
    # cut back and reshaped on the host: an eager reshape or slice would compile per shape
    roi_host = np.asarray(b.to_numpy(roi))[:n].reshape(shape)
    roi = b.from_numpy(roi_host) if b.supports_jit else roi_host
    counts = cut(b, counts, n_q * n_phi)
    q_edges, q_values, phi_edges, phi_values = (b.from_numpy(v) for v in _edges(
        n_q, n_phi, scale == "log", int(symmetry_fold), phi_span == "valid", phi_offset,
        np.asarray(b.to_numpy(ends))))
    # Data-dependent length: done on the host, the array is n_bins long at most.
    # from_numpy, not asarray: on JAX that stages a program for every new length K
    index_mapping = b.from_numpy(np.flatnonzero(b.to_numpy(counts)).astype(np.int64))
    return Partition(
        roi_map=roi,
        q_values=q_values,
        phi_values=phi_values,
        q_edges=q_edges,
        phi_edges=phi_edges,
        counts=counts,
        index_mapping=index_mapping,
        num_pts=(int(n_q), int(n_phi)),
        scale=scale,
        phi_offset=float(phi_offset),
        symmetry_fold=int(symmetry_fold),
        phi_span=phi_span,
    )


def make_partition(
    q: Any,
    phi: Any,
    mask: Any,
    n_q: int,
    n_phi: int = 1,
    *,
    scale: str = "linear",
    phi_offset: float = 0.0,
    symmetry_fold: int = 1,
    q_range: tuple[float, float] | None = None,
    phi_span: str = "full",
    backend: BackendProtocol | str | None = None,
) -> Partition:
    """Partition pixels into ``n_q`` x ``n_phi`` cells, labelled compactly (module docstring).

    q: (ny, nx) Å⁻¹; phi: (ny, nx) degrees; mask: (ny, nx), nonzero = valid pixel.
    scale: ``"linear"`` or ``"log"`` q bins. phi_offset in degrees; symmetry_fold >= 1.
    q_range: (q_min, q_max) in Å⁻¹; default the range of the valid pixels.
    phi_span: ``"full"`` (bins tile the whole wedge, ±180° without fold) or ``"valid"`` (bins
    tile the folded angles of the valid pixels, pySimpleMask's convention). Raises ValueError
    on an unknown scale or span, bad counts, or an empty mask.
    Compiled once per (pixel-count bucket, n_q bucket, n_phi bucket, scale, fold, span) on
    JAX (buckets: ``compute._kernels.bucket``, docs/performance.md).
    """
    lo, hi = _checked(n_q, n_phi, scale, symmetry_fold, phi_span, q_range)
    b = resolve(backend)
    check_partition_input(q, phi, mask, scale, q_range)  # empty / one-pixel masks: ValueError
    return _partition(b, _pixels(b, q, phi, mask), n_q, n_phi, scale, phi_offset,
                      symmetry_fold, lo, hi, phi_span)


def make_partitions(
    qmap: DetectorQMap,
    mask: Any,
    *,
    dynamic: tuple[int, int] = (12, 1),
    static: tuple[int, int] = (120, 1),
    scale: str = "linear",
    phi_offset: float = 0.0,
    symmetry_fold: int = 1,
    q_range: tuple[float, float] | None = None,
    phi_span: str = "full",
    backend: BackendProtocol | str | None = None,
) -> QPartitions:
    """Dynamic and static partitions (each ``(n_q, n_phi)``) sharing mask and options. The
    pixels are prepared once for both (the Q-map's own padded maps where it has them)."""
    ranges = [_checked(*dims, scale, symmetry_fold, phi_span, q_range) for dims in (dynamic, static)]
    b = resolve(backend)
    check_partition_input(qmap.q, qmap.phi, mask, scale, q_range)
    pixels = _pixels(b, qmap.q, qmap.phi, mask, flat=getattr(qmap, "flat", None))
    dyn, sta = (_partition(b, pixels, *dims, scale, phi_offset, symmetry_fold, lo, hi, phi_span)
                for dims, (lo, hi) in zip((dynamic, static), ranges, strict=True))
    # compared on the host: an eager != on the device compiles per detector shape
    return QPartitions(dynamic=dyn, static=sta,
                       mask=b.from_numpy(np.asarray(b.to_numpy(b.asarray(mask))) != 0))
