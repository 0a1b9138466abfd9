"""Intensity settings and data: each selected file's mean intensity against time, rebinned
by block means (factor shown), and the power spectrum of the raw trace."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import power_spectrum, rebin_intensity

from ..._events import State
from ..._words import listed
from .._model import TabController

I_LABEL = "I (photons/pixel/frame)"


class IntensityState(State):
    rebin = 10  # frames per plotted point (block mean)
    log_psd = True


@dataclass(frozen=True)
class IntensityTrace:
    """t, intensity (m,) after rebinning; frequency (k,) Hz, power (k,) I²/Hz of the raw
    trace with the zero-frequency term left out (the mean is subtracted, so it is 0).
    n_bad: frames the correlator marked bad, left out of both (gaps in the spectrum)."""

    file: str
    t: np.ndarray
    intensity: np.ndarray
    factor: int
    last_block: int
    frequency: np.ndarray
    power: np.ndarray
    n_frames: int
    n_bad: int = 0


@dataclass(frozen=True)
class IntensityData:
    """traces: files with a trace; missing: names of the files without one (an averaged file
    written by the Average tab keeps none: the runs it averages have different frames)."""

    traces: list[IntensityTrace]
    settings: dict[str, Any]
    missing: tuple[str, ...] = ()

    def missing_note(self) -> str:
        """The sentence that says which files have no trace ("" when all have one)."""
        if not self.missing:
            return ""
        names = listed(self.missing)
        verb = "has" if len(self.missing) == 1 else "have"
        return (f"{names} {verb} no intensity-vs-time trace (averaged files keep none: "
                "they have no frames of their own)")

    @property
    def note(self) -> str:
        """One line naming the files whose bad frames were left out ("" when none)."""
        return "; ".join(f"{tr.file}: {tr.n_bad} bad frame{'s' if tr.n_bad != 1 else ''} left out"
                         for tr in self.traces if tr.n_bad)


class IntensityController(TabController):
    key = "intensity"
    title = "Intensity"
    files_from = "overlay"
    state_class = IntensityState
    render_only = frozenset({"log_psd"})

    def prepare(self, files: list[Any], token: Any, progress: Any) -> IntensityData:
        s = self.state.as_dict()
        traces, missing = [], []
        for index, f in enumerate(files):
            token.raise_if_cancelled()
            progress((index + 1) / (len(files) + 1), f"intensity of {f.name}")
            if np.size(f.intensity_t[0]) == 0:
                missing.append(f.name)
                continue
            traces.append(self.trace(f, int(s["rebin"])))
        return IntensityData(traces, s, tuple(missing))

    @staticmethod
    def trace(f: Any, factor: int) -> IntensityTrace:
        t, intensity = (np.asarray(a, dtype=np.float64) for a in f.intensity_t)
        factor = max(1, min(int(factor), t.size))
        binned = rebin_intensity(t, intensity, factor)
        # the spectrum needs even sampling: bad frames are gaps on the frame grid, not skipped
        dt = float(f.metadata.frame_time_s)
        psd = power_spectrum(f.intensity_trace.on_frame_grid(), dt)
        freq, power = ensure_numpy(psd.frequency), ensure_numpy(psd.power)
        return IntensityTrace(f.name, ensure_numpy(binned.t), ensure_numpy(binned.intensity),
                              binned.factor, binned.last_block, freq[1:], power[1:], t.size,
                              f.intensity_bad_frames)

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: IntensityData) -> Path:
        """Long format: file, series (trace or psd), x (s or Hz), value."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            handle.write("# xpcsviewer intensity export; trace: t in s, I in photons/pixel/frame, "
                         f"block mean of {data.settings['rebin']} frames; psd: Hz, I^2/Hz of the raw trace"
                         f"{'; ' + data.note if data.note else ''}\n")
            writer = csv.writer(handle)
            writer.writerow(["file", "series", "x", "value"])
            for tr in data.traces:
                for x, y in zip(tr.t, tr.intensity, strict=True):
                    writer.writerow([tr.file, "trace", repr(float(x)), repr(float(y))])
                for x, y in zip(tr.frequency, tr.power, strict=True):
                    writer.writerow([tr.file, "psd", repr(float(x)), repr(float(y))])
        return path
