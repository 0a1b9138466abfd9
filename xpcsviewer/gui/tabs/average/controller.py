"""Average settings, the rejection preview and the background write of a NEW averaged file.

The preview runs :func:`xpcsviewer.compute.average_g2` on the selected files with the
chosen criteria; the write runs :func:`xpcsviewer.compute.average_files`, which refuses to
replace an input or an existing file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import average_files, average_g2, file_differences, trace_mean
from xpcsviewer.compute.average import AverageCancelled

from ..._events import State
from .._model import TabController


class AverageState(State):
    intensity_tolerance = 0.10  # fraction of the median intensity
    baseline_tolerance = 0.02  # absolute, on the g2 baseline
    baseline_points = 5  # last delays that make the baseline
    bin = 0  # g2 column shown in the preview plot
    allow_mixed = False  # average files of different samples / frame times (named in a note)


@dataclass(frozen=True)
class FileRow:
    name: str
    sample: str
    intensity: float
    baseline: float
    used: bool
    reason: str


@dataclass(frozen=True)
class AverageData:
    """rows: one per selected file; tau (n,) s; curves: (name, g2 (n,), used) of the preview
    bin on the common grid; mean, err (n,) the weighted mean; error: why nothing averages."""

    paths: list[Path]
    rows: list[FileRow]
    settings: dict[str, Any]
    column: int = 0
    bin_label: str = ""
    tau: np.ndarray | None = None
    curves: list[tuple[str, np.ndarray, np.ndarray, bool]] | None = None
    mean: np.ndarray | None = None
    err: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    error: str = ""


def _mean_intensity(f: Any) -> float:
    """The file's mean intensity for the table, NaN when it has no readable trace."""
    from xpcsviewer.io import XpcsFormatError

    try:
        return trace_mean(f)
    except XpcsFormatError:
        return float("nan")


class AverageController(TabController):
    key = "average"
    title = "Average"
    files_from = "overlay"
    state_class = AverageState
    # The path of each result file written: the window lists it when it is in the folder
    # on show (a file the viewer wrote appears without F5 or a live folder).
    publishes = ("wrote",)

    def empty_message(self) -> str:
        return "Add the files of one sample to the selection; they are averaged here."

    def prepare(self, files: list[Any], token: Any, progress: Any) -> AverageData:
        s = self.state.as_dict()
        paths = [Path(f.path) for f in files]
        usable = [f for f in files if f.g2 is not None]
        no_g2 = [FileRow(f.name, f.metadata.sample_name, _mean_intensity(f), float("nan"), False,
                         "no multi-tau g2") for f in files if f.g2 is None]
        if not usable:
            return AverageData(paths, no_g2, s, error="none of the selected files has multi-tau g2")
        column = int(min(max(0, s["bin"]), usable[0].n_bins - 1))
        intensities = [trace_mean(f) for f in usable]
        token.raise_if_cancelled()
        differences = file_differences(usable)
        notes: tuple[str, ...] = ()
        if differences.soft and s["allow_mixed"]:
            notes = ("averaging mixed files as asked: " + "; ".join(differences.soft) + ".",)
        try:
            refusal = differences.refusal(bool(s["allow_mixed"]))
            if refusal:
                raise ValueError(refusal)
            avg = average_g2([f.tau for f in usable], [f.g2 for f in usable], [f.g2_err for f in usable],
                             intensities=intensities, names=[f.name for f in usable],
                             intensity_tolerance=s["intensity_tolerance"],
                             baseline_tolerance=s["baseline_tolerance"],
                             baseline_points=int(s["baseline_points"]))
        except ValueError as exc:  # a criterion rejected everything, or files do not match
            rows = [FileRow(f.name, f.metadata.sample_name, i, float("nan"), False, str(exc))
                    for f, i in zip(usable, intensities, strict=True)]
            return AverageData(paths, rows + no_g2, s, error=str(exc))
        report = avg.report
        why = {r.name: r.reason for r in report.rejected}
        rows = [FileRow(f.name, f.metadata.sample_name, report.intensity[k], report.baseline[k],
                        f.name not in why, why.get(f.name, "used"))
                for k, f in enumerate(usable)]
        tau = ensure_numpy(avg.tau)
        curves = [(f.name, tau, np.interp(np.log(tau), np.log(f.tau), f.g2[:, column]), f.name not in why)
                  for f in usable]
        return AverageData(paths, rows + no_g2, s, column, usable[0].bin_label(column), tau, curves,
                           ensure_numpy(avg.g2)[:, column], ensure_numpy(avg.g2_err)[:, column],
                           notes + tuple(report.notes))

    @staticmethod
    def default_output(data: AverageData) -> Path:
        """``<sample>_avg.hdf`` beside the first input; ``_avg_2`` … when that exists."""
        first = data.paths[0]
        sample = next((r.sample for r in data.rows if r.sample), "") or first.stem
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in sample) + "_avg"
        candidate, n = first.parent / f"{stem}.hdf", 2
        while candidate.exists():
            candidate, n = first.parent / f"{stem}_{n}.hdf", n + 1
        return candidate

    @staticmethod
    def check_output(path: Path, inputs: list[Path]) -> str:
        """Why ``path`` may not be written ("" when it may): never an input, never replace."""
        target = Path(path).resolve()
        if any(Path(p).resolve() == target for p in inputs):
            return f"{Path(path).name} is one of the input files; choose a new file name"
        if Path(path).exists():
            return f"{Path(path).name} exists; the average is only written to a new file"
        return ""

    def write(self, data: AverageData, out: Path, token: Any, progress: Any) -> Any:
        """Average the selected files into ``out`` (worker thread). Returns ``AveragedFile``.

        ``progress`` moves per file read and per write stage; ``token`` (a ``CancelToken``)
        is checked at each of those steps, and a cancel leaves no file behind.
        """
        s = data.settings
        try:
            return average_files(data.paths, out, intensity_tolerance=s["intensity_tolerance"],
                                 baseline_tolerance=s["baseline_tolerance"],
                                 baseline_points=int(s["baseline_points"]),
                                 allow_mixed=bool(s["allow_mixed"]), progress=progress, cancel=token)
        except AverageCancelled:
            token.raise_if_cancelled()  # the job runner's own "cancelled" outcome
            raise

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: AverageData) -> Path:
        """The rejection table, then the preview bin's weighted-mean g2."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            handle.write(f"# xpcsviewer average preview; intensity tolerance {data.settings['intensity_tolerance']}, "
                         f"baseline tolerance {data.settings['baseline_tolerance']}\n")
            writer = csv.writer(handle)
            writer.writerow(["file", "sample", "mean_intensity", "g2_baseline", "used", "reason"])
            for r in data.rows:
                writer.writerow([r.name, r.sample, repr(r.intensity), repr(r.baseline), r.used, r.reason])
            if data.tau is not None:
                handle.write(f"# weighted mean g2 of column {data.column} ({data.bin_label}); tau in s\n")
                writer.writerow(["tau_s", "g2_mean", "g2_err"])
                for row in zip(data.tau, data.mean, data.err, strict=True):
                    writer.writerow([repr(float(v)) for v in row])
        return path
