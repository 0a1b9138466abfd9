"""Trends: fitted quantities across files — τ, contrast (any fitted parameter) at chosen
(q, φ) bins, D and α from τ(q), mean intensity — against start time, file order or a numeric
metadata field. Qt-free.

Files not fitted before are fitted in one ``xpcsviewer.fit_g2`` call (every bin, the tab's
own model); fits of files already seen (same path, size, modification time and model) are
reused, so a live folder's new file costs one file's fit, not a refit of the whole run
(``G2FitResult.join``: each bin's fit is independent of the batch it ran in). D and α come
from ``fit_tauq`` on the joined fits. A chosen bin is a (q, φ) of the
first file (the reference: the column nearest in q, then in φ); every other file contributes
its bin paired with that one by ``compute.bins.match_bins``, as files may have different
partitions. A file without a partner, or whose fit failed, is a gap with its reason.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import os
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.compute.bins import match_bins
from xpcsviewer.fitting import PARAM_UNITS

from ..._events import State
from ...export_names import file_stem
from ...offload import fit_input, offload
from .._model import TabController, parse_number

X_START, X_ORDER = "start time", "file order"
D_NAME, ALPHA_NAME, INTENSITY_NAME = "D", "α", "mean intensity"
UNITS = {**PARAM_UNITS, D_NAME: "Å²/s", INTENSITY_NAME: "photons/pixel/frame"}
SCOPES = ("selection", "folder")
NOTHING = "Select files (or choose scope: folder) to see trends across them."


class TrendsState(State):
    scope = "selection"  # "selection": the selected files; "folder": every readable file listed
    model = "single"  # g2 model fitted to every file
    q_values = ""  # chosen bins' q, Å⁻¹, comma separated; "" = the first file's first bin
    phi = None  # chosen φ, degrees; None = each q's first sector in the first file
    quantity = "tau"  # a fitted parameter, "D", "α" or "mean intensity"
    x_axis = X_START  # "start time", "file order" or a numeric metadata field


@dataclass(frozen=True)
class Trend:
    """One plotted series: ``y``, ``err`` (n_files,) float64 (NaN where a file has none).
    For a bin's series, ``ref`` is the file whose bin ``label`` names (the first) and
    ``dq`` (relative) / ``dphi`` (degrees) the largest distance of another file's paired
    bin from it (0 when every file has that very bin)."""

    label: str
    y: np.ndarray
    err: np.ndarray
    ref: str = ""
    dq: float = 0.0
    dphi: float = 0.0


@dataclass(frozen=True)
class TrendsData:
    names: list[str]
    x: dict[str, np.ndarray]  # per x-axis choice: (n_files,) float64
    x_labels: dict[str, str]  # axis label per choice
    trends: dict[str, list[Trend]]  # per quantity: one series per chosen bin (or one per file set)
    fit: Any = None  # the G2FitResult of every bin of every file
    free: Any = None  # TauQResult, α fitted
    fixed: Any = None  # TauQResult, α = 2 (D)
    notes: list[str] = field(default_factory=list)  # gaps and why
    settings: dict | None = None
    message: str = ""  # why nothing is plotted
    left_out: list[str] = field(default_factory=list)  # files given but not fitted (no g2)


def parse_q_values(text: str) -> list[float]:
    """``"0.002, 0.004"`` → [0.002, 0.004]; ValueError naming a bad entry."""
    out = []
    for part in str(text).replace(";", ",").split(","):
        if part.strip():
            value = parse_number(part, positive=True)
            if value is None:
                raise ValueError(f"q must be a number > 0 Å⁻¹, got {part.strip()}")
            out.append(value)
    return out


def reference_columns(q: np.ndarray, phi: np.ndarray, wanted_q: list[float],
                      wanted_phi: float | None) -> list[int]:
    """Per wanted q: the reference column nearest in q (relative), then nearest in φ (circular
    distance to ``wanted_phi``; without one, the smallest φ at that q)."""
    if not wanted_q:
        return [0]
    out = []
    for value in wanted_q:
        dq = np.abs(q - value) / value
        near = np.flatnonzero(np.isclose(dq, dq.min(), rtol=0, atol=1e-9))
        if wanted_phi is None:
            out.append(int(near[np.argmin(phi[near])]))
        else:
            d = np.abs((phi[near] - wanted_phi + 180.0) % 360.0 - 180.0)
            out.append(int(near[np.argmin(d)]))
    return list(dict.fromkeys(out))


def start_hours(times: list[str]) -> tuple[np.ndarray, str]:
    """Hours since the earliest ISO start time (NaN for one that does not parse)."""
    parsed = []
    for text in times:
        try:
            parsed.append(_dt.datetime.fromisoformat(str(text)))
        except ValueError:
            parsed.append(None)
    known = [t for t in parsed if t is not None]
    if not known:
        return np.full(len(times), np.nan), "start time (none readable)"
    t0 = min(known)
    hours = [np.nan if t is None else (t - t0).total_seconds() / 3600 for t in parsed]
    return np.array(hours, np.float64), f"hours since {t0.isoformat()}"


def numeric_metadata(meta: Any) -> dict[str, float]:
    """Numeric fields of an ``io.Metadata``: its own (``energy_kev``...) and the correlator
    config's (``multitau.stride_frame``...)."""
    out: dict[str, float] = {}
    for f in fields(meta):
        value = getattr(meta, f.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[f.name] = float(value)
    for kind, config in (meta.correlator or {}).items():
        for key, value in config.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[f"{kind}.{key}"] = float(value)
    return out


_FIT_CACHE_FILES = 2048  # per-file fits kept (a few kB each)


def _fit_key(f: Any, model: str) -> tuple | None:
    """What identifies a file's fit: a rewritten file (new size or mtime) is fitted again."""
    try:
        st = os.stat(f.path)
    except (OSError, AttributeError, TypeError):
        return None
    return (str(f.path), st.st_size, st.st_mtime_ns, model)


class TrendsController(TabController):
    key = "trends"
    title = "Trends"
    files_from = "overlay"
    state_class = TrendsState
    render_only = frozenset({"quantity", "x_axis"})

    def __init__(self, **preferences: Any) -> None:
        super().__init__(**preferences)
        self._fit_cache: dict[tuple, Any] = {}
        self._lock = threading.Lock()  # prepare runs on a worker thread

    def source(self) -> str:
        return "folder" if self.state.scope == "folder" else "overlay"

    def empty_message(self) -> str:
        return NOTHING

    def prepare(self, files: list[Any], token: Any, progress: Any) -> TrendsData:
        import xpcsviewer

        settings = self.state.as_dict()
        left_out = [f.name for f in files if f.g2 is None]
        notes = [f"{name}: no multi-tau g2 (a two-time only run), left out" for name in left_out]
        files = [f for f in files if f.g2 is not None]
        if not files:
            return TrendsData([], {}, {}, {}, notes=notes, settings=settings,
                              message="No file with multi-tau g2 to fit.", left_out=left_out)
        names = [f.name for f in files]
        x, x_labels = self._x_axes(files, notes)
        fit = self._fits(files, settings["model"], progress)
        token.raise_if_cancelled()
        # fit_tauq is NumPy (milliseconds): on this thread, not queued behind the job process.
        free = xpcsviewer.fit_tauq(fit, alpha=None)
        fixed = xpcsviewer.fit_tauq(fit, alpha=2.0)
        trends = self._bin_trends(files, fit, settings, notes)
        trends[D_NAME] = [Trend("D (α = 2)", fixed.D.astype(np.float64), fixed.D_err.astype(np.float64))]
        trends[ALPHA_NAME] = [Trend("α", free.alpha.astype(np.float64), free.alpha_err.astype(np.float64))]
        notes += [f"{n}: τ(q): {m}" for n, m, d in zip(names, fixed.message, fixed.D, strict=True)
                  if not math.isfinite(d) and m]
        trends[INTENSITY_NAME] = [self._intensity(files, notes)]
        return TrendsData(names, x, x_labels, trends, fit, free, fixed, notes, settings,
                          left_out=left_out)

    def _fits(self, files: list[Any], model: str, progress: Any) -> Any:
        """The g2 fits of ``files`` in their order: new ones fitted in one call, the rest
        from earlier runs of this tab (keyed by path, size, mtime and model)."""
        import xpcsviewer
        from xpcsviewer.fitting import G2FitResult

        keys = [_fit_key(f, model) for f in files]
        with self._lock:
            known = dict(self._fit_cache)
        parts = [known.get(k) if k is not None else None for k in keys]
        new = [i for i, part in enumerate(parts) if part is None]
        if new:
            progress(0.3, f"fitting g2 of {len(new)} of {len(files)} files")
            # In the job process when the app runs one, on the files' arrays (an open file
            # holds an HDF5 handle and does not travel): the window never waits for JAX.
            fit = offload(xpcsviewer.fit_g2, [fit_input(files[i]) for i in new], model=model)
            for j, i in enumerate(new):
                parts[i] = fit.of_file(j)
            with self._lock:
                self._fit_cache.update({keys[i]: parts[i] for i in new if keys[i] is not None})
                while len(self._fit_cache) > _FIT_CACHE_FILES:  # oldest first (dict order)
                    self._fit_cache.pop(next(iter(self._fit_cache)))
        return G2FitResult.join(parts)

    @staticmethod
    def _x_axes(files: list[Any], notes: list[str]) -> tuple[dict, dict]:
        metas = [f.metadata for f in files]
        hours, label = start_hours([m.start_time for m in metas])
        x = {X_START: hours, X_ORDER: np.arange(len(files), dtype=np.float64)}
        labels = {X_START: label, X_ORDER: "file order"}
        if len(set(hours[np.isfinite(hours)])) < np.isfinite(hours).sum():
            notes.append("some files share a start time (their points sit on each other): "
                         "choose x = file order to tell them apart")
        per_file = [numeric_metadata(m) for m in metas]
        for name in sorted({k for d in per_file for k in d}):
            x[name] = np.array([d.get(name, np.nan) for d in per_file], np.float64)
            labels[name] = name
        return x, labels

    @staticmethod
    def _bin_trends(files: list[Any], fit: Any, settings: dict, notes: list[str]) -> dict:
        ref = files[0]
        ref_q, ref_phi = np.asarray(ref.dynamic_q, np.float64), np.asarray(ref.dynamic_phi, np.float64)
        columns = reference_columns(ref_q, ref_phi, parse_q_values(settings["q_values"]),
                                    settings["phi"])
        # Per file, per chosen reference column: that file's partner column (-1: none), and
        # how far that partner's q (relative) and φ lie from the reference bin.
        partners = np.full((len(files), len(columns)), -1, np.int64)
        dq, dphi = np.zeros((len(files), len(columns))), np.zeros((len(files), len(columns)))
        for k, f in enumerate(files):
            match = match_bins(ref_q, ref_phi, f.dynamic_q, f.dynamic_phi)
            partners[k] = match.partner[columns]
            dq[k], dphi[k] = np.abs(match.dq_rel[columns]), match.dphi[columns]
            for j, c in enumerate(columns):
                if partners[k, j] < 0:
                    notes.append(f"{f.name}: no bin at q={ref_q[c]:.4g} Å⁻¹, φ={ref_phi[c]:.3g}°")
        row_of = {(int(k), int(c)): r for r, (k, c) in enumerate(zip(fit.file_index, fit.column, strict=True))}
        out: dict[str, list[Trend]] = {}
        for name in fit.params:
            values, errors = fit.param(name)
            series = []
            for j, c in enumerate(columns):
                y, e = np.full(len(files), np.nan), np.full(len(files), np.nan)
                for k in range(len(files)):
                    r = row_of.get((k, int(partners[k, j])))
                    if r is not None and fit.ok[r]:
                        y[k], e[k] = values[r], errors[r]
                series.append(Trend(f"q={ref_q[c]:.4g} Å⁻¹, φ={ref_phi[c]:.3g}°", y, e, file_stem(ref.name),
                                    float(np.nanmax(dq[:, j], initial=0.0)),
                                    float(np.nanmax(dphi[:, j], initial=0.0))))
            out[name] = series
        for j, c in enumerate(columns):  # which bin each file's point is, when not the same
            others = [f"{file_stem(f.name)} q={f.dynamic_q[partners[k, j]]:.4g} Å⁻¹ "
                      f"({100 * (f.dynamic_q[partners[k, j]] / ref_q[c] - 1):+.1f}%)"
                      for k, f in enumerate(files) if partners[k, j] >= 0 and dq[k, j] > 1e-6]
            if others:
                notes.append(f"q={ref_q[c]:.4g} Å⁻¹ is {file_stem(ref.name)}'s bin; the other files' "
                             f"nearest: {', '.join(others)}")
        for j, c in enumerate(columns):
            for k, f in enumerate(files):
                r = row_of.get((k, int(partners[k, j])))
                if r is not None and not fit.ok[r]:
                    notes.append(f"{f.name}: fit at q={ref_q[c]:.4g} Å⁻¹ failed: {fit.message[r]}")
        return out

    @staticmethod
    def _intensity(files: list[Any], notes: list[str]) -> Trend:
        """Mean over the kept frames of each file's intensity trace, ± its standard error."""
        from xpcsviewer.io import XpcsFormatError

        y, e = np.full(len(files), np.nan), np.full(len(files), np.nan)
        for k, f in enumerate(files):
            try:
                values = np.asarray(f.intensity_t[1], np.float64)
            except XpcsFormatError as exc:
                notes.append(f"{f.name}: mean intensity: {exc.problem}")
                continue
            if values.size:
                y[k] = float(values.mean())
                e[k] = float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else np.nan
        return Trend("mean intensity", y, e)

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: TrendsData) -> Path:
        """One row per file: name, every x choice, then value and error of every series of
        every quantity; the fit's provenance as comment lines."""
        path = Path(path)
        if data.fit is None:
            path.write_text(f"# {data.message}\n", encoding="utf-8")
            return path
        series = [(q, t) for q, ts in data.trends.items() for t in ts]
        with path.open("w", newline="", encoding="utf-8") as h:
            h.write(f"# xpcsviewer trends; g2 model {data.fit.model}; units: {UNITS}\n")
            h.write(f"# provenance: {json.dumps(data.fit.provenance.to_dict(), default=str)}\n")
            for note in data.notes:
                h.write(f"# {note}\n")
            writer = csv.writer(h)
            writer.writerow(["file", *data.x, *[f"{q} [{t.label}]{suffix}" for q, t in series
                                                 for suffix in ("", " err")]])
            for k, name in enumerate(data.names):
                row = [name, *[repr(float(v[k])) for v in data.x.values()]]
                for _q, t in series:
                    row += [repr(float(t.y[k])), repr(float(t.err[k]))]
                writer.writerow(row)
        return path
