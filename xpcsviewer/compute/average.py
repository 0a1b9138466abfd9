"""Weighted mean of g2 across files of one sample and partition, with outlier rejection.

Weights are inverse variances (1 / g2_err²) point by point, so noisy delays of one file do
not spoil good ones of another. A non-finite g2 (or error) of one file is missing there:
the point is averaged over the files that have it. Outliers are judged against the median of the files, which
needs at least three files: with fewer, nothing is rejected and the report says why.
Files on different delay grids are interpolated in log t (interpax on JAX) onto the grid
of the first file, restricted to the delays every file covers; the report names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._interp import interp1d_linear
from ._kernels import kernel, resolve


@dataclass(frozen=True)
class Rejection:
    name: str
    reason: str


@dataclass(frozen=True)
class AverageReport:
    """What went into the average and what did not, in words and numbers.

    used / rejected: file names; regridded: names interpolated onto the common grid;
    intensity / baseline: per input file (same order as given), the measures judged.
    """

    used: tuple[str, ...]
    rejected: tuple[Rejection, ...]
    regridded: tuple[str, ...]
    intensity: tuple[float, ...]
    baseline: tuple[float, ...]
    intensity_tolerance: float
    baseline_tolerance: float
    notes: tuple[str, ...]

    def summary(self) -> str:
        lines = [f"averaged {len(self.used)} file(s): {', '.join(self.used)}"]
        lines += [f"rejected {r.name}: {r.reason}" for r in self.rejected]
        return "\n".join(lines + list(self.notes))


@dataclass(frozen=True)
class G2Average:
    """tau: (n_tau,) float64 s; g2, g2_err: (n_tau, n_bins) float64; report: AverageReport.

    g2 is the inverse-variance weighted mean over the files with a finite g2 and a finite
    error > 0 at that point; where none has such an error, the plain mean of the finite
    g2 values with g2_err NaN; NaN where no file has a finite g2.
    """

    tau: Any
    g2: Any
    g2_err: Any
    report: AverageReport


def _wmean_build(backend: BackendProtocol, shape: tuple):
    b = backend

    def weighted_mean(g2, err):
        fin = b.isfinite(g2)
        ok = fin & b.isfinite(err) & (err > 0)
        w = b.where(ok, 1.0 / b.where(ok, err, 1.0) ** 2, 0.0)
        sw = b.sum(w, axis=0)
        has_w = sw > 0
        mean = b.sum(w * b.where(ok, g2, 0.0), axis=0) / b.where(has_w, sw, 1.0)
        # No file has a usable error there (boost_corr stores err 0 at the last delay): the
        # plain mean of the finite values, its error unknown (NaN). No finite value: NaN.
        n_fin = b.sum(b.where(fin, 1.0, 0.0), axis=0)
        plain = b.sum(b.where(fin, g2, 0.0), axis=0) / b.where(n_fin > 0, n_fin, 1.0)
        mean = b.where(has_w, mean, b.where(n_fin > 0, plain, np.nan))
        return mean, b.where(has_w, 1.0 / b.sqrt(b.where(has_w, sw, 1.0)), np.nan)

    return weighted_mean


def _baseline(g2: np.ndarray, points: int) -> float:
    tail = g2[-points:]
    return float(np.nanmean(tail)) if np.isfinite(tail).any() else float("nan")


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=0)


def _common_grid(taus: list[np.ndarray], names: Sequence[str]) -> np.ndarray:
    """The first file's delays, restricted to the range every file covers."""
    ref = taus[0]
    lo = max(float(t.min()) for t in taus)
    hi = min(float(t.max()) for t in taus)
    grid = ref[(ref >= lo * (1 - 1e-12)) & (ref <= hi * (1 + 1e-12))]
    if grid.size < 2:
        raise ValueError(f"the delay ranges of {', '.join(names)} do not overlap")
    return grid


def average_g2(
    taus: Sequence[Any],
    g2s: Sequence[Any],
    g2_errs: Sequence[Any],
    *,
    intensities: Sequence[float],
    names: Sequence[str],
    intensity_tolerance: float = 0.1,
    baseline_tolerance: float = 0.02,
    baseline_points: int = 5,
    backend: BackendProtocol | str | None = None,
) -> G2Average:
    """Weighted mean g2 with outlier rejection.

    taus: per file (n_tau_i,) s, increasing and > 0; g2s, g2_errs: per file (n_tau_i, n_bins);
    intensities: per file mean intensity (counts per pixel per frame; NaN = unknown, e.g. an
    averaged file has no trace: that file's intensity is not judged); names: labels.
    A file is rejected when its intensity differs from the median by more than
    ``intensity_tolerance`` (fraction) or its g2 baseline (mean of the last
    ``baseline_points`` delays over all bins) from the median baseline by more than
    ``baseline_tolerance`` (absolute).
    """
    b = resolve(backend)
    n = len(g2s)
    if n == 0 or not (len(taus) == len(g2_errs) == len(intensities) == len(names) == n):
        raise ValueError("give one tau, g2, g2_err, intensity and name per file (at least one)")
    tau_np = [np.asarray(b.to_numpy(t), dtype=np.float64) for t in taus]
    g_np = [np.asarray(b.to_numpy(g), dtype=np.float64) for g in g2s]
    e_np = [np.asarray(b.to_numpy(e), dtype=np.float64) for e in g2_errs]
    for k in range(n):
        if not (g_np[k].shape == e_np[k].shape and g_np[k].shape[:1] == tau_np[k].shape):
            raise ValueError(f"{names[k]}: tau, g2 and g2_err shapes do not agree")
    for k in range(1, n):
        if g_np[k].shape[1] != g_np[0].shape[1]:
            raise ValueError(
                f"{names[k]} has {g_np[k].shape[1]} q bins but {names[0]} has "
                f"{g_np[0].shape[1]}: not one partition"
            )
    grid = _common_grid(tau_np, names)
    regridded, notes = [], []
    for k in range(n):
        if _same(tau_np[k], grid):
            continue
        # Linear in log t: multi-tau delays are log-spaced, and g2 is smooth there. A file
        # whose grid only extends beyond the overlap is sampled at its own nodes (exact).
        lg = b.asarray(np.log(grid))
        g_np[k] = np.asarray(b.to_numpy(interp1d_linear(lg, np.log(tau_np[k]), g_np[k], b)))
        # An error of 0 means "unknown" (boost_corr's last delay), not "exact": interpolated
        # as a number it would give the points next to it near-infinite weight.
        known = np.where(e_np[k] > 0, e_np[k], np.nan)
        e_np[k] = np.asarray(b.to_numpy(interp1d_linear(lg, np.log(tau_np[k]), known, b)))
        if not _same(tau_np[k], tau_np[0]):
            regridded.append(names[k])
    if regridded:
        notes.append(
            f"delay grids differ: {', '.join(regridded)} interpolated in log t onto the grid "
            f"of {names[0]} ({grid.size} delays, {grid[0]:.3g}..{grid[-1]:.3g} s)"
        )
    inten = np.asarray(intensities, dtype=np.float64)
    base = np.array([_baseline(g, baseline_points) for g in g_np])
    rejected: list[Rejection] = []
    unknown = [names[k] for k in range(n) if not np.isfinite(inten[k])]
    if unknown and n >= 3:
        notes.append(f"no intensity trace in {', '.join(unknown)}: intensity not judged there")
    if n >= 3:
        # a file whose intensity or baseline is unknown (NaN) is not judged on it
        mi = np.nanmedian(inten) if np.isfinite(inten).any() else np.nan
        mb = np.nanmedian(base) if np.isfinite(base).any() else np.nan
        for k in range(n):
            why = []
            if np.isfinite(inten[k]) and abs(inten[k] - mi) > intensity_tolerance * abs(mi):
                why.append(
                    f"intensity {inten[k]:.4g} is {100 * (inten[k] / mi - 1):+.1f}% from the "
                    f"median {mi:.4g} (tolerance {100 * intensity_tolerance:.0f}%)"
                )
            if np.isfinite(base[k]) and not abs(base[k] - mb) <= baseline_tolerance:
                why.append(
                    f"g2 baseline {base[k]:.4f} is {base[k] - mb:+.4f} from the median "
                    f"{mb:.4f} (tolerance {baseline_tolerance})"
                )
            if why:
                rejected.append(Rejection(names[k], "; ".join(why)))
    else:
        notes.append(f"outliers not judged: {n} file(s), at least 3 are needed for a median")
    out = {r.name for r in rejected}
    keep = [k for k in range(n) if names[k] not in out]
    if not keep:
        raise ValueError("every file was rejected:\n" + "\n".join(r.reason for r in rejected))
    g = b.asarray(np.stack([g_np[k] for k in keep]))
    e = b.asarray(np.stack([e_np[k] for k in keep]))
    mean, err = kernel(b, "g2_weighted_mean", (tuple(g.shape),), _wmean_build)(g, e)
    report = AverageReport(
        used=tuple(names[k] for k in keep),
        rejected=tuple(rejected),
        regridded=tuple(regridded),
        intensity=tuple(float(x) for x in inten),
        baseline=tuple(float(x) for x in base),
        intensity_tolerance=float(intensity_tolerance),
        baseline_tolerance=float(baseline_tolerance),
        notes=tuple(notes),
    )
    return G2Average(tau=b.asarray(grid), g2=mean, g2_err=err, report=report)


class AverageCancelled(Exception):
    """Raised by :func:`xpcsviewer.compute.average_files` when its cancel token fired; by
    then the output file (and its temporary file) has been removed or was never made."""
