"""Dynamic bins across φ and across files: pairing two files' bins by (q, φ), and the φ
average of g2 at each q.

Two result files are compared bin by bin only where their bins mean the same (q, φ) cell:
g2 column k of one file is in general *not* column k of another (a different partition,
beam centre or mask numbers the cells differently, see ``tests/data/README.md``). So bins
are paired by nearest q and φ, within tolerances, and bins without a partner are named.

The φ average weighs each (q, φ) bin by its pixel count, as boost_corr's own isotropic g2 is
a pixel-weighted mean over the bin (the correlator averages G2/(IP IF) over static bins of a
dynamic bin with their pixel counts; tests/data/README.md "Per-column truth").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Relative q tolerance when a file has a single q bin (no spacing to take half of).
Q_TOLERANCE = 0.05


@dataclass(frozen=True)
class BinMatch:
    """Pairing of ``other``'s bins to the reference's.

    partner: (n_ref,) int64, the column of ``other`` paired with each reference column, -1
    where none lies within the tolerances. dq_rel: (n_ref,) float64, (q_other - q_ref) / q_ref
    (NaN without partner). dphi: (n_ref,) float64 degrees, circular difference (NaN without).
    orphans: int64 columns of ``other`` paired with no reference column.
    same_partition: both files have the same q and φ lists (within 1e-6 relative).
    """

    partner: np.ndarray
    dq_rel: np.ndarray
    dphi: np.ndarray
    orphans: np.ndarray
    same_partition: bool

    @property
    def unmatched(self) -> np.ndarray:
        """Reference columns without a partner."""
        return np.flatnonzero(self.partner < 0)


def _circular(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| in degrees on the circle, in [0, 180]."""
    d = np.abs((np.asarray(a, np.float64) - np.asarray(b, np.float64) + 180.0) % 360.0 - 180.0)
    return d


def _phi_spacing(phi: np.ndarray) -> float:
    """Smallest circular spacing between distinct φ values; inf for a single φ."""
    values = np.unique(np.round(np.asarray(phi, np.float64) % 360.0, 9))
    if values.size < 2:
        return np.inf
    gaps = np.diff(np.concatenate([values, values[:1] + 360.0]))
    return float(gaps.min())


#: Fraction of the local q spacing within which bins pair: below one half, so a bin about
#: half-way between two of the reference's (ambiguous) pairs with neither.
SPACING_FRACTION = 0.4


def _q_window(q: np.ndarray) -> np.ndarray:
    """Per value: SPACING_FRACTION of the gap to the nearest other distinct q (Å⁻¹); a lone
    q gets ``Q_TOLERANCE`` of itself."""
    values = np.unique(q)
    if values.size < 2:
        return Q_TOLERANCE * np.abs(q)
    gaps = np.diff(values)
    left = np.concatenate([[np.inf], gaps])
    right = np.concatenate([gaps, [np.inf]])
    window = SPACING_FRACTION * np.minimum(left, right)
    return window[np.searchsorted(values, q)]


def match_bins(ref_q, ref_phi, q, phi, *, q_tol: float | None = None,
               phi_tol: float | None = None) -> BinMatch:
    """Pair another file's dynamic bins with the reference's by nearest (q, φ).

    ref_q, ref_phi: (n_ref,) Å⁻¹ and degrees of the reference file's g2 columns; q, phi:
    (n,) of the other file's. A pair needs |q - q_ref| within 40 % of the reference's q bin
    spacing at that q (or ``q_tol * q_ref`` when ``q_tol``, relative, is given), so a bin
    never pairs with its neighbour's cell and one half-way between two pairs with neither, and, unless both files have a single φ bin, a
    circular |φ - φ_ref| <= phi_tol (default half the finer φ bin spacing of the two files). Among the
    candidates the nearest in q (relative), then in φ wins; a column of ``other`` may serve
    two reference bins when its partition is coarser. When exactly one file has a single φ
    bin, nothing pairs (an isotropic bin is not a sector). Raises ValueError on mismatched
    array lengths or a non-positive tolerance.
    """
    ref_q, ref_phi = np.asarray(ref_q, np.float64), np.asarray(ref_phi, np.float64)
    q, phi = np.asarray(q, np.float64), np.asarray(phi, np.float64)
    if ref_q.shape != ref_phi.shape or q.shape != phi.shape or ref_q.ndim != 1 or q.ndim != 1:
        raise ValueError(f"q and φ lists must be 1-D and equal in length: {ref_q.shape}, "
                         f"{ref_phi.shape}, {q.shape}, {phi.shape}")
    if q_tol is not None and not q_tol > 0:
        raise ValueError(f"q_tol must be > 0, got {q_tol}")
    # Tolerance as a fraction of each reference q: relative distances below are /q_ref.
    tol = (np.full(ref_q.shape, float(q_tol)) if q_tol is not None
           else _q_window(ref_q) / np.abs(ref_q))
    ref_single, other_single = np.unique(ref_phi).size <= 1, np.unique(phi).size <= 1
    single = ref_single and other_single
    if phi_tol is None:
        phi_tol = 0.5 * min(_phi_spacing(ref_phi), _phi_spacing(phi))
        phi_tol = 180.0 if not np.isfinite(phi_tol) else phi_tol
    with np.errstate(divide="ignore", invalid="ignore"):
        dq = (q[None, :] - ref_q[:, None]) / ref_q[:, None]  # (n_ref, n)
    dphi = np.zeros_like(dq) if single else _circular(phi[None, :], ref_phi[:, None])
    ok = np.isfinite(dq) & (np.abs(dq) <= tol[:, None] * (1 + 1e-9)) & (dphi <= phi_tol + 1e-9)
    if ref_single != other_single:
        # An isotropic bin (all φ) and a sector are different averages: no pair. Compare
        # the φ-resolved file's φ average (phi_average) with the isotropic one instead.
        ok[:] = False
    # Nearest in q first (scaled by its tolerance), φ only to break ties between sectors.
    cost = np.where(ok, np.abs(dq) / tol[:, None] + 1e-3 * dphi / max(phi_tol, 1e-9), np.inf)
    best = np.argmin(cost, axis=1) if q.size else np.zeros(ref_q.size, np.int64)
    has = np.isfinite(cost[np.arange(ref_q.size), best]) if q.size else np.zeros(ref_q.size, bool)
    partner = np.where(has, best, -1).astype(np.int64)
    rows = np.arange(ref_q.size)
    dq_rel = np.where(has, dq[rows, best] if q.size else np.nan, np.nan)
    dphi_out = np.where(has, dphi[rows, best] if q.size else np.nan, np.nan)
    orphans = np.setdiff1d(np.arange(q.size), partner[has]).astype(np.int64)
    same = (ref_q.shape == q.shape and np.allclose(ref_q, q, rtol=1e-6, atol=0)
            and np.allclose(_circular(ref_phi, phi), 0.0, atol=1e-6))
    return BinMatch(partner, dq_rel, dphi_out, orphans, bool(same))


@dataclass(frozen=True)
class PhiAverage:
    """g2 averaged over φ at each q.

    q: (n_q,) Å⁻¹, the pixel-weighted mean q of each group. g2, g2_err: (n_tau, n_q) float64.
    columns: per group, the g2 columns averaged. n_pixels: (n_q,) pixels in each group.
    """

    q: np.ndarray
    g2: np.ndarray
    g2_err: np.ndarray
    columns: tuple[np.ndarray, ...]
    n_pixels: np.ndarray


def column_pixel_counts(dynamic_roi_map, n_bins: int) -> np.ndarray:
    """(n_bins,) int64 pixels in each g2 column: roi label r is column r - 1 (the compact
    numbering of ``/xpcs/qmap``; label 0 is an unused pixel)."""
    labels = np.asarray(dynamic_roi_map).ravel().astype(np.int64)
    counts = np.bincount(labels[(labels > 0) & (labels <= n_bins)], minlength=n_bins + 1)
    return counts[1: n_bins + 1]


def phi_average(g2, g2_err, q, q_index, weights) -> PhiAverage:
    """Pixel-weighted mean of g2 over the φ bins of each q.

    g2, g2_err: (n_tau, n_bins); q: (n_bins,) Å⁻¹; q_index: (n_bins,) int, the q grid index
    of each column (``dynamic_index_mapping // n_phi``); weights: (n_bins,) pixel counts.
    At each delay only finite g2 values count (their weights renormalised); the error is
    that of a weighted mean of independent bins, sqrt(Σ w² σ²) / Σ w. Raises ValueError on
    mismatched shapes.
    """
    g2 = np.asarray(g2, np.float64)
    err = np.asarray(g2_err, np.float64)
    q, q_index = np.asarray(q, np.float64), np.asarray(q_index, np.int64)
    w = np.asarray(weights, np.float64)
    if g2.ndim != 2 or err.shape != g2.shape or not (q.shape == q_index.shape == w.shape
                                                   == (g2.shape[1],)):
        raise ValueError(f"shapes differ: g2 {g2.shape}, g2_err {err.shape}, q {q.shape}, "
                         f"q_index {q_index.shape}, weights {w.shape}")
    groups = np.unique(q_index)
    out_g2 = np.full((g2.shape[0], groups.size), np.nan)
    out_err = np.full_like(out_g2, np.nan)
    out_q, n_pix, columns = np.empty(groups.size), np.empty(groups.size, np.int64), []
    for k, group in enumerate(groups):
        cols = np.flatnonzero(q_index == group)
        columns.append(cols)
        wk = w[cols]
        n_pix[k] = int(wk.sum())
        out_q[k] = np.average(q[cols], weights=wk) if wk.sum() > 0 else q[cols].mean()
        finite = np.isfinite(g2[:, cols]) & (wk > 0)
        wt = np.where(finite, wk, 0.0)
        total = wt.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out_g2[:, k] = np.where(total > 0, (wt * np.nan_to_num(g2[:, cols])).sum(1) / total,
                                    np.nan)
            e2 = (wt**2 * np.nan_to_num(err[:, cols]) ** 2).sum(1)
            out_err[:, k] = np.where(total > 0, np.sqrt(e2) / total, np.nan)
    return PhiAverage(out_q, out_g2, out_err, tuple(columns), n_pix)
