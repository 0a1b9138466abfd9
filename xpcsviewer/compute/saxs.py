"""SAXS-1D: radial (and per-phi) average of the time-averaged SAXS-2D by static partition.

The correlator's ``scattering_1d`` is the plain mean of ``scattering_2d`` over the pixels of
each static roi, column r - 1 for label r; :func:`saxs_1d` reproduces it (to float32
rounding), places each column in its (q, phi) cell through ``static_index_mapping``, and adds
what a viewer needs: phi resolution, background subtraction, normalisation and a q range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import bucket, cut, kernel, padded, resolve

#: Normalisations: plotted intensity = I * q^p (Kratky-like) or I / max(I).
NORMALIZATIONS = ("none", "q2", "q4", "max")


@dataclass(frozen=True)
class Saxs1D:
    """Radial profile(s).

    q: (n_q,) float64 Å⁻¹ (bins inside the q range only). phi: (n_phi,) float64 degrees.
    intensity: (n_phi, n_q) float64, mean counts per pixel per frame over the finite pixels of
    each (q, phi) cell, times the normalisation; NaN where a cell holds no finite pixel.
    counts: (n_phi, n_q) int64 finite pixels averaged in each cell.
    """

    q: Any
    phi: Any
    intensity: Any
    counts: Any
    normalization: str
    background_subtracted: bool
    background_scale: float


def _build(backend: BackendProtocol, n_rois: int, shape: tuple):
    # ``shape`` only keys the cache (one program per pixel-count bucket and roi-count bucket).
    b = backend

    def roi_mean_kernel(image, roi_map):
        ids = b.reshape(roi_map, (-1,))
        values = b.reshape(image, (-1,))
        # NaN/inf pixels (dead, saturated, gaps filled with NaN) are left out of the mean
        # and out of the count, so a cell's mean is over the pixels actually used.
        good = b.isfinite(values)
        sums = b.bincount(ids, weights=b.where(good, values, 0.0), length=n_rois + 1)[1:]
        counts = b.bincount(ids, weights=good.astype("float64"), length=n_rois + 1)[1:]
        mean = sums / b.where(counts > 0, counts, 1.0)
        return b.where(counts > 0, mean, np.nan), counts.astype("int64")

    return roi_mean_kernel


def roi_mean(
    image: Any, roi_map: Any, n_rois: int, *, backend: BackendProtocol | str | None = None
) -> tuple[Any, Any]:
    """Mean of ``image`` (ny, nx) over each label 1..n_rois of ``roi_map`` (ny, nx) ints.

    Returns ((n_rois,) float64 mean over the label's finite pixels, NaN where it has none;
    (n_rois,) int64 finite pixels used). Label 0 and labels above ``n_rois`` are ignored.
    """
    b = resolve(backend)
    n_rois = int(n_rois)
    # Bucketed: pixels padded with label 0 (ignored), rois counted up to a bucket and cut back.
    pixels = int(np.prod(np.shape(image)))
    n_pix, n_bins = bucket(pixels), bucket(n_rois)
    def flat(x):
        return np.ravel(x) if isinstance(x, np.ndarray) else b.reshape(x, (-1,))

    image = padded(b, flat(image), (n_pix,), 0.0, "float64")
    labels = padded(b, flat(roi_map), (n_pix,), 0, "int32")
    run = kernel(b, "roi_mean", (n_bins, (n_pix,)), _build)
    mean, counts = run(image, labels)
    return cut(b, mean, n_rois), cut(b, counts, n_rois)


def _check_labels(b: BackendProtocol, roi_map: Any, mapping: np.ndarray, n_cells: int) -> None:
    """Compact numbering: labels 1..K with K = len(index_mapping), mapping into the grid."""
    if mapping.ndim != 1 or (mapping.size and (mapping.min() < 0 or mapping.max() >= n_cells)):
        raise ValueError(f"index_mapping must list grid indices in 0..{n_cells - 1}")
    if np.unique(mapping).size != mapping.size:
        raise ValueError("index_mapping lists a grid cell twice")
    if not np.size(roi_map):
        top = 0
    elif isinstance(roi_map, np.ndarray):  # on the host: no device program per map shape
        top = int(np.max(roi_map))
    else:
        top = int(b.to_numpy(b.max(b.asarray(roi_map))))
    if top > mapping.size:
        raise ValueError(
            f"static_roi_map has label {top} but index_mapping lists {mapping.size} cells "
            "(labels are compact: 1..K, label r is index_mapping[r - 1])"
        )


def saxs_1d(
    saxs_2d: Any,
    static_roi_map: Any,
    index_mapping: Any,
    q_values: Any,
    phi_values: Any = (0.0,),
    *,
    normalization: str = "none",
    background_2d: Any = None,
    background_scale: float = 1.0,
    q_range: tuple[float, float] | None = None,
    backend: BackendProtocol | str | None = None,
) -> Saxs1D:
    """SAXS-1D from SAXS-2D and the static partition, on the (q, phi) grid.

    saxs_2d: (ny, nx) (a leading axis of 1, as stored, is accepted); NaN/inf pixels are left
    out. static_roi_map: (ny, nx) ints, compact labels 1..K (0 = unused pixel).
    index_mapping: (K,) ints, the flat grid index ``iq * n_phi + iphi`` of label r at
    ``index_mapping[r - 1]`` (``/xpcs/qmap/static_index_mapping``; the convention is
    pySimpleMask's, see ``tests/data/README.md``). q_values: (n_q,) Å⁻¹; phi_values: (n_phi,)
    degrees (the grid's bin centres). background_2d: SAXS-2D of a background file, same shape,
    subtracted (times ``background_scale``) pixel by pixel before averaging. q_range: keep bins
    with q_min <= q <= q_max. Raises ValueError when a label has no entry in
    ``index_mapping`` or the mapping leaves the grid.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
    b = resolve(backend)
    # NumPy input (as read from a file) is prepared on the host, and the small (q, phi) grid
    # is filled there: on JAX every eager operation on a new detector or grid shape would
    # compile a program of its own (issue 16); only roi_mean's bucketed kernel runs compiled.
    host = isinstance(saxs_2d, np.ndarray) or not b.supports_jit
    image = np.asarray(b.to_numpy(saxs_2d), np.float64) if host else b.asarray(saxs_2d, dtype="float64")
    if image.ndim == 3 and image.shape[0] == 1:
        image = image[0]
    if background_2d is not None:
        bg = (np.asarray(b.to_numpy(background_2d), np.float64) if host
              else b.asarray(background_2d, dtype="float64"))
        bg = bg[0] if bg.ndim == 3 and bg.shape[0] == 1 else bg
        if bg.shape != image.shape:
            raise ValueError(f"background shape {bg.shape} differs from SAXS-2D {image.shape}")
        image = image - float(background_scale) * bg
    if tuple(np.shape(static_roi_map)) != tuple(image.shape):
        raise ValueError(
            f"static_roi_map shape {np.shape(static_roi_map)} differs from SAXS-2D {image.shape}"
        )
    q = np.asarray(b.to_numpy(q_values), np.float64).reshape(-1)
    phi = np.asarray(b.to_numpy(phi_values), np.float64).reshape(-1)
    n_q, n_phi = int(q.shape[0]), int(phi.shape[0])
    mapping = np.asarray(b.to_numpy(index_mapping), dtype=np.int64).reshape(-1)
    _check_labels(b, static_roi_map, mapping, n_q * n_phi)
    mean, counts = roi_mean(image, static_roi_map, mapping.size, backend=b)
    # Scatter each label's value to its grid cell; cells that hold no pixel stay NaN / 0.
    grid = np.full(n_q * n_phi, np.nan)
    grid[mapping] = np.asarray(b.to_numpy(mean), np.float64)
    grid_counts = np.zeros(n_q * n_phi, np.int64)
    grid_counts[mapping] = np.asarray(b.to_numpy(counts), np.int64)
    # Grid index = iq * n_phi + iphi: rows of the reshape are q, so transpose to (n_phi, n_q).
    intensity = grid.reshape(n_q, n_phi).T
    counts = grid_counts.reshape(n_q, n_phi).T
    if normalization == "q2":
        intensity = intensity * q**2
    elif normalization == "q4":
        intensity = intensity * q**4
    if q_range is not None:
        keep = np.flatnonzero((q >= q_range[0]) & (q <= q_range[1]))
        q, intensity, counts = q[keep], intensity[:, keep], counts[:, keep]
    if normalization == "max":
        intensity = intensity / _nanmax(intensity)
    put = b.from_numpy  # not asarray: on JAX that stages a program per new shape
    return Saxs1D(
        q=put(np.ascontiguousarray(q)),
        phi=put(np.ascontiguousarray(phi)),
        intensity=put(np.ascontiguousarray(intensity)),
        counts=put(np.ascontiguousarray(counts)),
        normalization=normalization,
        background_subtracted=background_2d is not None,
        background_scale=float(background_scale) if background_2d is not None else 0.0,
    )


def _nanmax(x: np.ndarray) -> float:
    return np.max(np.where(np.isnan(x), -np.inf, x))
