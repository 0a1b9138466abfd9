"""Average result files into a NEW result file of the same layout (written atomically)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import resolve
from .average import G2Average, average_g2


@dataclass(frozen=True)
class AveragedFile:
    """path: the new file; average: the g2 average and its report."""

    path: Path
    average: G2Average


def average_files(
    paths: Sequence[str | Path],
    out_path: str | Path,
    *,
    intensity_tolerance: float = 0.1,
    baseline_tolerance: float = 0.02,
    baseline_points: int = 5,
    overwrite: bool = False,
    backend: BackendProtocol | None = None,
) -> AveragedFile:
    """Average the multitau g2 of result files of one sample and partition into ``out_path``.

    The new file carries the first used file's metadata and partition, the averaged g2,
    and SAXS-2D/1D averaged over the used files; inputs are never modified or replaced.
    """
    import xpcsviewer
    from xpcsviewer.io import write_result_file

    b = resolve(backend)
    files = [xpcsviewer.open(p) for p in paths]
    try:
        if any(f.g2 is None for f in files):
            missing = [f.name for f in files if f.g2 is None]
            raise ValueError(f"no multitau g2 in {', '.join(missing)}")
        ref = files[0]
        for f in files[1:]:
            if f.n_bins != ref.n_bins or not np.allclose(f.dynamic_q, ref.dynamic_q, rtol=1e-6):
                raise ValueError(f"{f.name} has another partition than {ref.name}")
        avg = average_g2(
            [f.tau for f in files],
            [f.g2 for f in files],
            [f.g2_err for f in files],
            intensities=[float(np.mean(f.intensity_t[1])) for f in files],
            names=[f.name for f in files],
            intensity_tolerance=intensity_tolerance,
            baseline_tolerance=baseline_tolerance,
            baseline_points=baseline_points,
            backend=b,
        )
        used = [f for f in files if f.name in avg.report.used]
        first = used[0]
        path = write_result_file(
            out_path,
            metadata=first.metadata,
            qmap=first.qmap,
            saxs_2d=np.mean([f.saxs_2d for f in used], axis=0),
            saxs_1d=np.mean([f.saxs_1d[1] for f in used], axis=0),
            tau=b.to_numpy(avg.tau),
            g2=b.to_numpy(avg.g2),
            g2_err=b.to_numpy(avg.g2_err),
            sources=[f.path for f in files],
            overwrite=overwrite,
        )
    finally:
        for f in files:
            f.close()
    return AveragedFile(path=Path(path), average=avg)
