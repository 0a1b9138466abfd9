"""Stability settings and data: SAXS-1D of each time segment of the run and its drift
(:func:`xpcsviewer.compute.saxs_stability`).

Where the file's segment scale is known (``XpcsFile.segment_scale.ok``, boost_corr files) the
segments are shown in photons/pixel/frame and measured against the whole-run SAXS-1D, and each
segment sits at the centre of the frames it sums. Otherwise the stored segments are measured
against their own mean and taken as equal slices of the run, and the note says why."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import saxs_stability

from ..._events import State
from .._model import TabController

Q_LABEL = "q (Å⁻¹)"
I_LABEL = "I (photons/pixel/frame)"
STORED_LABEL = "I (stored segment units)"


class StabilityState(State):
    log_x = True
    log_y = True
    colormap = "viridis"  # segments coloured by their time in the run
    q_min: float | None = None  # Å⁻¹; bins outside do not count towards the drift
    q_max: float | None = None


@dataclass(frozen=True)
class StabilityData:
    """q (n_q,) Å⁻¹ sorted; segments, ratio (n_seg, n_q); reference (n_q,), what each segment
    is divided by (the whole-run SAXS-1D, or the mean of the segments); drift (n_seg,) as a
    fraction; times (n_seg,) s, the centre of each segment; phi_note says when phi bins were
    averaged. normalised: segments in photons/pixel/frame against the whole run; notes:
    sentences for the note line (scale, segment frames, frames in no segment). missing: why
    there is nothing to show (the file has no segments), "" when there is."""

    name: str
    q: np.ndarray
    segments: np.ndarray
    mean: np.ndarray
    reference: np.ndarray
    ratio: np.ndarray
    drift: np.ndarray
    times: np.ndarray
    max_drift: float
    worst_segment: int
    phi_note: str
    normalised: bool
    notes: tuple[str, ...]
    settings: dict[str, Any]
    missing: str = ""

    @classmethod
    def nothing(cls, name: str, why: str, settings: dict[str, Any]) -> StabilityData:
        """No segments to show, and ``why``."""
        empty = np.zeros((0,))
        return cls(name, empty, np.zeros((0, 0)), empty, empty, np.zeros((0, 0)), empty, empty,
                   float("nan"), -1, "", False, (), settings, why)

    @property
    def y_label(self) -> str:
        return I_LABEL if self.normalised else STORED_LABEL

    @property
    def reference_name(self) -> str:
        return "whole run" if self.normalised else "mean of segments"


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
        q_all, phi = np.asarray(f.static_q, np.float64), np.asarray(f.static_phi, np.float64)
        if np.size(f.saxs_1d_segments) == 0:
            return StabilityData.nothing(f.name, f"{f.name} has no SAXS-1D segments (averaged "
                                         "files keep none: they have no frames of their own)", s)
        normalised = f.saxs_1d_segments_normalised
        stored = normalised is None
        segments = np.asarray(f.saxs_1d_segments if stored else normalised, dtype=np.float64)
        q, rows, n_phi = mean_over_phi(q_all, phi, segments)
        reference = None
        if not stored:
            # the whole-run curve gets the same phi averaging, so both sides are alike
            reference = mean_over_phi(q_all, phi, np.asarray(f.saxs_1d[1], np.float64))[1]
        token.raise_if_cancelled()
        q_range = None
        if s["q_min"] is not None or s["q_max"] is not None:
            q_range = (s["q_min"] or 0.0, s["q_max"] if s["q_max"] is not None else np.inf)
        result = saxs_stability(rows, q, q_range=q_range, reference=reference)
        times, time_note = self.segment_times(f, rows.shape[0])
        notes = [time_note]
        if stored:
            notes.insert(0, f"stored segments vs their own mean: {f.segment_scale.reason}")
        return StabilityData(
            name=f.name, q=q, segments=ensure_numpy(result.segments), mean=ensure_numpy(result.mean),
            reference=ensure_numpy(result.reference), ratio=ensure_numpy(result.ratio),
            drift=ensure_numpy(result.drift), times=times, max_drift=result.max_drift,
            worst_segment=result.worst_segment,
            phi_note=f"mean of {n_phi} φ bins" if n_phi > 1 else "",
            normalised=not stored, notes=tuple(notes), settings=s,
        )

    @staticmethod
    def segment_times(f: Any, n_seg: int) -> tuple[np.ndarray, str]:
        """Centre of each segment, s, and a sentence saying how it was found.

        Known scale: segment k sums frames [first_frame_k, first_frame_k + m), so its centre
        is (first_frame_k + m / 2) x frame time, and the frames after the last segment are in
        none (boost_corr drops them). Unknown scale: equal slices of the frame series.
        """
        t = np.asarray(f.intensity_t[0], dtype=np.float64)
        dt = float(f.metadata.frame_time_s or 0.0) or (float(t[1] - t[0]) if t.size > 1 else 1.0)
        start = float(t[0]) if t.size else 0.0
        scale = f.segment_scale
        if scale.ok and scale.first_frame is not None and len(scale.first_frame) == n_seg:
            m = scale.frames_per_segment
            times = start + (scale.first_frame + m / 2) * dt
            left = scale.n_frames - int(scale.first_frame[-1]) - m
            tail = (f"the last {left:,} of {scale.n_frames:,} frames are in no segment" if left
                    else "every frame is in a segment")
            return times, f"segments of {m:,} frames at their centre times; {tail}"
        length = float(t[-1] - t[0] + dt) if t.size else n_seg * dt
        times = start + (np.arange(n_seg) + 0.5) * length / n_seg
        return times, "segment times assume equal slices of the run (which frames each holds is unknown)"

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: StabilityData) -> Path:
        """One row per (segment, q): segment, time, q, I, I / reference, and the segment's drift."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            unit = "photons/pixel/frame" if data.normalised else "stored segment units"
            handle.write(f"# xpcsviewer stability export: {data.name}; q in 1/A, time in s, "
                         f"intensity in {unit}; reference = {data.reference_name}; "
                         f"drift = RMS over q of (I / reference - 1); {'; '.join(data.notes)}\n")
            writer = csv.writer(handle)
            writer.writerow(["segment", "time_s", "q_1_per_A", "intensity", "ratio_to_reference", "drift"])
            for k in range(data.segments.shape[0]):
                for j, q in enumerate(data.q):
                    writer.writerow([k, repr(float(data.times[k])), repr(float(q)),
                                     repr(float(data.segments[k, j])), repr(float(data.ratio[k, j])),
                                     repr(float(data.drift[k]))])
        return path
