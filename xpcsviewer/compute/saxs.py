"""SAXS-1D: radial (and per-phi) average of the time-averaged SAXS-2D by static partition.

The correlator's ``scattering_1d`` is the plain mean of ``scattering_2d`` over the pixels of
each static roi; :func:`saxs_1d` reproduces it (to float32 rounding) and adds what a viewer
needs: phi resolution, background subtraction, normalisation and a q range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import kernel, resolve

#: Normalisations: plotted intensity = I * q^p (Kratky-like) or I / max(I).
NORMALIZATIONS = ("none", "q2", "q4", "max")


@dataclass(frozen=True)
class Saxs1D:
    """Radial profile(s).

    q: (n_q,) float64 Å⁻¹ (bins inside the q range only). phi: (n_phi,) float64 degrees.
    intensity: (n_phi, n_q) float64, mean counts per pixel per frame times the normalisation;
    NaN where a roi holds no pixel. counts: (n_phi, n_q) int64 pixels per roi.
    """

    q: Any
    phi: Any
    intensity: Any
    counts: Any
    normalization: str
    background_subtracted: bool
    background_scale: float


def _build(backend: BackendProtocol, n_rois: int, shape: tuple):
    # ``shape`` only keys the cache (one program per detector shape and roi count).
    b = backend

    def roi_mean_kernel(image, roi_map):
        ids = b.reshape(roi_map, (-1,))
        sums = b.bincount(ids, weights=b.reshape(image, (-1,)), length=n_rois + 1)[1:]
        counts = b.bincount(ids, length=n_rois + 1)[1:]
        mean = sums / b.where(counts > 0, counts, 1)
        return b.where(counts > 0, mean, np.nan), counts

    return roi_mean_kernel


def roi_mean(
    image: Any, roi_map: Any, n_rois: int, *, backend: BackendProtocol | None = None
) -> tuple[Any, Any]:
    """Mean of ``image`` (ny, nx) over each roi 1..n_rois of ``roi_map``: ((n_rois,) f64, counts)."""
    b = resolve(backend)
    run = kernel(b, "roi_mean", (int(n_rois), tuple(np.shape(image))), _build)
    return run(b.asarray(image, dtype="float64"), b.asarray(roi_map, dtype="int32"))


def saxs_1d(
    saxs_2d: Any,
    static_roi_map: Any,
    q_values: Any,
    phi_values: Any = (0.0,),
    *,
    normalization: str = "none",
    background_2d: Any = None,
    background_scale: float = 1.0,
    q_range: tuple[float, float] | None = None,
    backend: BackendProtocol | str | None = None,
) -> Saxs1D:
    """SAXS-1D from SAXS-2D and the static partition.

    saxs_2d: (ny, nx) (a leading axis of 1, as stored, is accepted). static_roi_map: (ny, nx)
    ints, roi = iq * n_phi + iphi + 1. q_values: (n_q,) Å⁻¹; phi_values: (n_phi,) degrees.
    background_2d: SAXS-2D of a background file, same shape, subtracted (times
    ``background_scale``) pixel by pixel before averaging. q_range: keep bins with
    q_min <= q <= q_max.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
    b = resolve(backend)
    image = b.asarray(saxs_2d, dtype="float64")
    if image.ndim == 3 and image.shape[0] == 1:
        image = image[0]
    if background_2d is not None:
        bg = b.asarray(background_2d, dtype="float64")
        bg = bg[0] if bg.ndim == 3 and bg.shape[0] == 1 else bg
        if bg.shape != image.shape:
            raise ValueError(f"background shape {bg.shape} differs from SAXS-2D {image.shape}")
        image = image - float(background_scale) * bg
    q = b.asarray(q_values, dtype="float64")
    phi = b.asarray(phi_values, dtype="float64")
    n_q, n_phi = int(q.shape[0]), int(phi.shape[0])
    mean, counts = roi_mean(image, static_roi_map, n_q * n_phi, backend=b)
    # roi - 1 = iq * n_phi + iphi: rows of the reshape are q, so transpose to (n_phi, n_q).
    intensity = b.transpose(b.reshape(mean, (n_q, n_phi)))
    counts = b.transpose(b.reshape(counts, (n_q, n_phi)))
    if normalization == "q2":
        intensity = intensity * q**2
    elif normalization == "q4":
        intensity = intensity * q**4
    if q_range is not None:
        keep = np.flatnonzero((b.to_numpy(q) >= q_range[0]) & (b.to_numpy(q) <= q_range[1]))
        q, intensity, counts = q[keep], intensity[:, keep], counts[:, keep]
    if normalization == "max":
        intensity = intensity / _nanmax(b, intensity)
    return Saxs1D(
        q=q,
        phi=phi,
        intensity=intensity,
        counts=counts,
        normalization=normalization,
        background_subtracted=background_2d is not None,
        background_scale=float(background_scale) if background_2d is not None else 0.0,
    )


def _nanmax(b: BackendProtocol, x: Any) -> Any:
    # The protocol has nansum/nanmean but no nanmax.
    return b.max(b.where(b.isnan(x), -np.inf, x))
