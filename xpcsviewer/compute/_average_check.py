"""Whether result files may be averaged together: the same partition and detector (always
required), the same sample and frame time (required unless the caller says otherwise).

Averaging runs of different samples is almost always a mistake (a wrong file in the
selection), so it is refused by default and every difference is named with both values;
``allow_mixed`` is the explicit override. Different partitions or detector shapes cannot be
averaged at all (the bins or pixels do not correspond).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class FileDifferences:
    """hard: sentences that forbid averaging; soft: sentences that need ``allow_mixed``."""

    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)

    def refusal(self, allow_mixed: bool) -> str:
        """Why these files may not be averaged ("" when they may)."""
        if self.hard:
            return "; ".join(self.hard)
        if self.soft and not allow_mixed:
            return "; ".join(self.soft) + " (allow mixed files to average them anyway)"
        return ""


def trace_mean(f: Any) -> float:
    """Mean of ``f``'s intensity-vs-time trace (photons/pixel/frame); NaN when the file has
    none (an averaged file): the intensity criterion then leaves it unjudged."""
    trace = np.asarray(f.intensity_t[1], dtype=np.float64)
    finite = trace[np.isfinite(trace)]
    return float(finite.mean()) if finite.size else float("nan")


def _shape(f: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in f.qmap.shape)


def file_differences(files: Sequence[Any]) -> FileDifferences:
    """Compare every file with the first (``XpcsFile``-like: ``name``, ``metadata``,
    ``qmap``, ``n_bins``, ``dynamic_q`` in Å⁻¹); each sentence names both files and values.

    hard: dynamic partition (bin count or q values, rtol 1e-6) and detector shape (ny, nx).
    soft: sample name and frame time (s, rtol 1e-6).
    """
    hard: list[str] = []
    soft: list[str] = []
    if not files:
        return FileDifferences()
    ref = files[0]
    for f in files[1:]:
        pair = f"{f.name} and {ref.name}"
        if f.n_bins != ref.n_bins:
            hard.append(f"{pair} have different partitions ({f.n_bins} vs {ref.n_bins} q bins)")
        elif not np.allclose(f.dynamic_q, ref.dynamic_q, rtol=1e-6):
            hard.append(f"{pair} have different partitions (other q values in the same number of bins)")
        if _shape(f) != _shape(ref):
            hard.append(f"{pair} have different detector shapes ({_shape(f)} vs {_shape(ref)} pixels)")
        if f.metadata.sample_name != ref.metadata.sample_name:
            soft.append(f"{pair} are different samples ({f.metadata.sample_name!r} vs "
                        f"{ref.metadata.sample_name!r})")
        a, b = float(f.metadata.frame_time_s), float(ref.metadata.frame_time_s)
        if not np.isclose(a, b, rtol=1e-6, atol=0.0):
            soft.append(f"{pair} have different frame times ({a:.6g} vs {b:.6g} s)")
    return FileDifferences(hard, soft)
