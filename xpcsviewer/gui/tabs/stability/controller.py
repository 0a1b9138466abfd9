"""Stability settings and data: SAXS-1D of each time segment of the run and its drift from
the mean of the segments (:func:`xpcsviewer.compute.saxs_stability`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import saxs_stability

from ..._events import State
from .._base import TabController

Q_LABEL = "q (Å⁻¹)"
I_LABEL = "I (arb. units)"


class StabilityState(State):
    log_x = True
    log_y = True
    colormap = "viridis"  # segments coloured by their time in the run
    q_min: float | None = None  # Å⁻¹; bins outside do not count towards the drift
    q_max: float | None = None


@dataclass(frozen=True)
class StabilityData:
    """q (n_q,) Å⁻¹ sorted; segments, ratio (n_seg, n_q); mean (n_q,); drift (n_seg,) as a
    fraction; times (n_seg,) s, the middle of each segment (segments are equal slices of
    the run); phi_note says when phi bins were averaged."""

    name: str
    q: np.ndarray
    segments: np.ndarray
    mean: np.ndarray
    ratio: np.ndarray
    drift: np.ndarray
    times: np.ndarray
    max_drift: float
    worst_segment: int
    phi_note: str
    settings: dict[str, Any]


def mean_over_phi(q: np.ndarray, phi: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Columns of ``rows`` (.., n_static) averaged over phi at each q, sorted by q."""
    n_phi = len(np.unique(phi[np.isfinite(phi)]))
    q_values = np.unique(q)
    if q_values.size == q.size:
        order = np.argsort(q, kind="stable")
        return q[order], rows[..., order], n_phi
    mean = np.stack([rows[..., q == value].mean(axis=-1) for value in q_values], axis=-1)
    return q_values, mean, n_phi


class StabilityController(TabController):
    key = "stability"
    title = "Stability"
    files_from = "current"
    state_class = StabilityState
    render_only = frozenset({"log_x", "log_y", "colormap"})

    def prepare(self, files: list[Any], token: Any, progress: Any) -> StabilityData:
        f = files[0]
        s = self.state.as_dict()
        segments = np.asarray(f.saxs_1d_segments, dtype=np.float64)
        q, rows, n_phi = mean_over_phi(np.asarray(f.static_q, np.float64),
                                       np.asarray(f.static_phi, np.float64), segments)
        token.raise_if_cancelled()
        q_range = None
        if s["q_min"] is not None or s["q_max"] is not None:
            q_range = (s["q_min"] or 0.0, s["q_max"] if s["q_max"] is not None else np.inf)
        result = saxs_stability(rows, q, q_range=q_range)
        return StabilityData(
            name=f.name, q=q, segments=ensure_numpy(result.segments), mean=ensure_numpy(result.mean),
            ratio=ensure_numpy(result.ratio), drift=ensure_numpy(result.drift),
            times=self.segment_times(f, rows.shape[0]), max_drift=result.max_drift,
            worst_segment=result.worst_segment,
            phi_note=f"mean of {n_phi} φ bins" if n_phi > 1 else "", settings=s,
        )

    @staticmethod
    def segment_times(f: Any, n_seg: int) -> np.ndarray:
        """Middle of each segment, s, taking segments as equal slices of the frame series."""
        t = np.asarray(f.intensity_t[0], dtype=np.float64)
        dt = float(t[1] - t[0]) if t.size > 1 else float(f.metadata.frame_time_s or 1.0)
        start, length = float(t[0]), float(t[-1] - t[0] + dt)
        return start + (np.arange(n_seg) + 0.5) * length / n_seg

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: StabilityData) -> Path:
        """One row per (segment, q): segment, time, q, I, I / mean, and the segment's drift."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            handle.write(f"# xpcsviewer stability export: {data.name}; q in 1/A, time in s; "
                         "drift = RMS over q of (I / mean - 1)\n")
            writer = csv.writer(handle)
            writer.writerow(["segment", "time_s", "q_1_per_A", "intensity", "ratio_to_mean", "drift"])
            for k in range(data.segments.shape[0]):
                for j, q in enumerate(data.q):
                    writer.writerow([k, repr(float(data.times[k])), repr(float(q)),
                                     repr(float(data.segments[k, j])), repr(float(data.ratio[k, j])),
                                     repr(float(data.drift[k]))])
        return path
