"""Average result files into a NEW result file of the same layout (written atomically).

Progress and cancel without Qt: ``progress(fraction, message)`` is any callable, and ``cancel``
is either a callable returning True to stop or an object with a ``.cancelled`` attribute (the
GUI's ``CancelToken`` is one). Cancellation is checked before every file read and every write
stage; it raises :class:`AverageCancelled` and leaves no output file and no temporary file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._average_check import file_differences, trace_mean
from ._kernels import resolve
from .average import AverageCancelled, G2Average, average_g2

# Share of the progress bar for each phase; reading g2 is quick (eager, a few kB a file),
# SAXS-2D is the large read, the write is compression-bound.
_READ_G2, _READ_SAXS, _WRITE = (0.0, 0.3), (0.35, 0.7), (0.7, 1.0)


@dataclass(frozen=True)
class AveragedFile:
    """path: the new file; average: the g2 average and its report."""

    path: Path
    average: G2Average


def _is_cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    if callable(cancel):
        return bool(cancel())
    return bool(cancel.cancelled)


class _FiniteMean:
    """Running element-wise mean over the finite values added (NaN where none was)."""

    def __init__(self) -> None:
        self.total: np.ndarray | None = None
        self.count: np.ndarray | None = None

    def add(self, values: np.ndarray) -> None:
        x = np.asarray(values, np.float64)
        ok = np.isfinite(x)
        if self.total is None:
            self.total, self.count = np.zeros(x.shape), np.zeros(x.shape)
        self.total += np.where(ok, x, 0.0)
        self.count += ok

    def mean(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 0, self.total / self.count, np.nan)


def _phase(span: tuple[float, float], done: int, total: int) -> float:
    lo, hi = span
    return lo + (hi - lo) * done / max(total, 1)


def average_files(
    paths: Sequence[str | Path],
    out_path: str | Path,
    *,
    intensity_tolerance: float = 0.1,
    baseline_tolerance: float = 0.02,
    baseline_points: int = 5,
    overwrite: bool = False,
    allow_mixed: bool = False,
    backend: BackendProtocol | str | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | Any | None = None,
) -> AveragedFile:
    """Average the multitau g2 of result files of one sample and partition into ``out_path``.

    The new file carries the first used file's metadata and partition, the averaged g2
    (n_tau, n_bins), and SAXS-2D (ny, nx) / SAXS-1D (n_static,) averaged over the used files
    (photons/pixel/frame); inputs are never modified or replaced. The averaged file has no
    intensity trace and no SAXS-1D segments (the runs' frames do not correspond).

    Raises ``ValueError`` naming the files and values when the partitions or detector shapes
    differ, and when the samples or frame times differ unless ``allow_mixed=True``.

    ``progress(fraction, message)``: fraction rises from 0 to 1.0 (the file is in place);
    messages name the file being read or the write stage. ``cancel``: a callable or an object
    with ``.cancelled``; when it turns true the work stops with :class:`AverageCancelled` and
    nothing is left in the output folder.
    """
    from xpcsviewer.io import open_file, write_result_file  # the reader, not the fitting API

    def report(fraction: float, message: str) -> None:
        # every report is also a cancel point, so the stages need no checks of their own
        if _is_cancelled(cancel):
            raise AverageCancelled(f"averaging into {Path(out_path).name} cancelled: {message}")
        if progress is not None:
            progress(float(fraction), message)

    def written(fraction: float, message: str) -> None:
        if fraction < 1.0:
            report(_phase(_WRITE, fraction, 1), message)
        elif progress is not None:  # the file is in place: too late to cancel, say so
            progress(1.0, message)

    b = resolve(backend)
    n = len(paths)
    files = []
    try:
        for k, p in enumerate(paths):
            report(_phase(_READ_G2, k, n), f"reading g2 of {Path(p).name} ({k + 1}/{n})")
            f = open_file(p)
            files.append(f)
            f.intensity_t  # noqa: B018 - read now, inside this file's progress step
        if any(f.g2 is None for f in files):
            missing = [f.name for f in files if f.g2 is None]
            raise ValueError(f"no multitau g2 in {', '.join(missing)}")
        refusal = file_differences(files).refusal(allow_mixed)
        if refusal:
            raise ValueError(refusal.replace("allow mixed files", "pass allow_mixed=True"))
        report(_READ_G2[1], f"averaging g2 of {n} files")
        avg = average_g2(
            [f.tau for f in files],
            [f.g2 for f in files],
            [f.g2_err for f in files],
            intensities=[trace_mean(f) for f in files],
            names=[f.name for f in files],
            intensity_tolerance=intensity_tolerance,
            baseline_tolerance=baseline_tolerance,
            baseline_points=baseline_points,
            backend=b,
        )
        used = [f for f in files if f.name in avg.report.used]
        # Running sums, each file's cache dropped after use: n detector images never sit in
        # memory together. A non-finite pixel or bin of one file is missing there, not
        # poison: each is averaged over the files where it is finite.
        saxs_2d, saxs_1d = _FiniteMean(), _FiniteMean()
        for k, f in enumerate(used):
            report(_phase(_READ_SAXS, k, len(used)), f"reading SAXS of {f.name} ({k + 1}/{len(used)})")
            saxs_2d.add(f.saxs_2d)
            saxs_1d.add(f.saxs_1d[1])
            if f is not used[0]:
                f.close()
        first = used[0]
        path = write_result_file(
            out_path,
            metadata=first.metadata,
            qmap=first.qmap,
            saxs_2d=saxs_2d.mean(),
            saxs_1d=saxs_1d.mean(),
            tau=b.to_numpy(avg.tau),
            g2=b.to_numpy(avg.g2),
            g2_err=b.to_numpy(avg.g2_err),
            sources=[f.path for f in files],
            overwrite=overwrite,
            progress=written,
        )
    finally:
        for f in files:
            f.close()
    return AveragedFile(path=Path(path), average=avg)
