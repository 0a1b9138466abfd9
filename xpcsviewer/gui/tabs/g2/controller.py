"""g2 settings, data and fits. Qt-free: the view binds widgets to :class:`G2State`.

Fitting is off until the user asks (``fit_on``); from then on every replot of the selected
files also fits them, in the same background job, with the settings kept here. So the
settings and the choice to fit survive replots and file switches.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..._events import State
from .._base import TabController
from ._settings import describe, fit_kwargs

T_LABEL = "t (s)"
G2_LABEL = "g2"


class G2State(State):
    bin_first = 0  # first and last g2 column shown (inclusive); None = the last one
    bin_last: int | None = None
    y_per_panel = False  # each panel its own y range instead of one shared range
    view_mode = "panels"  # "panels" (one plot per bin) or "map" (g2(q, t) image)
    model = "single"
    params: dict = {}  # {model: {param: ParamSetting}}; replaced, never mutated
    t_min: float | None = None  # fit range in s; None = no limit
    t_max: float | None = None
    fit_on = False  # fitting is off until asked
    fit_request = 0  # bumped by "Fit" to refit with unchanged settings
    bayes_column = 0  # g2 column for "Bayesian fit"
    bayes_samples = 500  # NUTS draws per chain
    bayes_chains = 2


@dataclass(frozen=True)
class FileG2:
    """One file's g2: ``t`` (n_tau,) s; ``g2``, ``g2_err`` (n_tau, n_bins); ``q`` (n_bins,)
    1/A; ``phi`` (n_bins,) degrees; ``labels`` per column."""

    name: str
    path: str
    t: np.ndarray
    g2: np.ndarray
    g2_err: np.ndarray
    q: np.ndarray
    phi: np.ndarray
    labels: tuple[str, ...]

    @property
    def n_bins(self) -> int:
        return int(self.g2.shape[1])


@dataclass(frozen=True)
class G2Data:
    files: list[FileG2]
    columns: list[int]  # g2 columns shown, one panel each
    settings: dict[str, Any]
    fit: Any = None  # G2FitResult or None
    fit_kwargs: dict[str, Any] | None = None
    fit_error: str | None = None  # the whole fit could not run (e.g. an empty t range)
    notes: list[str] = field(default_factory=list)

    def fit_row(self, file_index: int, column: int) -> int | None:
        """Row of ``fit`` for (file, column), or None when not fitted."""
        if self.fit is None:
            return None
        rows = np.flatnonzero((self.fit.file_index == file_index) & (self.fit.column == column))
        return int(rows[0]) if rows.size else None


def shown_columns(n_bins: int, first: int, last: int | None) -> list[int]:
    first = max(0, min(int(first), n_bins - 1))
    last = n_bins - 1 if last is None else max(first, min(int(last), n_bins - 1))
    return list(range(first, last + 1))


class G2Controller(TabController):
    key = "g2"
    title = "g2"
    files_from = "overlay"
    state_class = G2State
    render_only = frozenset({"y_per_panel", "view_mode", "bayes_column", "bayes_samples",
                             "bayes_chains"})

    def __init__(self, **preferences: Any) -> None:
        super().__init__(**preferences)
        self.bayes: dict[tuple[str, int], Any] = {}  # (path, column) -> NUTSResult

    def snapshot_setup(self) -> None:
        """Snapshots show the tab with a fit (``gui/snapshot.py`` calls this)."""
        self.state.fit_on = True

    def prepare(self, files: list[Any], token: Any, progress: Any) -> G2Data:
        settings = self.state.as_dict()
        loaded, sources, notes = [], [], []
        for f in files:
            if f.g2 is None or f.tau is None:
                notes.append(f"{f.name}: no multitau g2 in this file")
                continue
            labels = tuple(f.bin_label(c) for c in range(f.n_bins))
            err = f.g2_err if f.g2_err is not None else np.full(f.g2.shape, np.nan)
            loaded.append(FileG2(f.name, str(f.path), f.tau, f.g2, err, f.dynamic_q,
                                 f.dynamic_phi, labels))
            sources.append(f)
        if not loaded:
            return G2Data([], [], settings, notes=notes or ["no file with g2"])
        n_max = max(f.n_bins for f in loaded)
        columns = shown_columns(n_max, settings["bin_first"], settings["bin_last"])
        data = G2Data(loaded, columns, settings, notes=notes)
        if not settings["fit_on"]:
            return data
        token.raise_if_cancelled()
        n_fit = sum(len([c for c in columns if c < f.n_bins]) for f in loaded)
        progress(0.5, f"fitting {n_fit} bins of {len(loaded)} files")
        return self.fit(data, sources)

    def fit(self, data: G2Data, sources: list[Any]) -> G2Data:
        """``data`` with the batched least-squares fit of its columns; a fit that cannot run
        at all (bad t range, every parameter fixed) is returned as ``fit_error``, not raised."""
        import xpcsviewer

        # Each file fits the shown columns it has, so files with different bin counts (a
        # 12-bin and a 10-bin file) are all fitted, in one batched call.
        bins = [[c for c in data.columns if c < f.n_bins] for f in data.files]
        kwargs = fit_kwargs(data.settings, bins)
        try:
            fit = xpcsviewer.fit_g2(sources, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown on every panel, the tab carries on
            return _replace(data, fit_kwargs=kwargs, fit_error=str(exc))
        return _replace(data, fit=fit, fit_kwargs=kwargs)

    # -- Bayesian fit of one bin -----------------------------------------------------------
    def bayes_kwargs(self, settings: dict[str, Any]) -> dict[str, Any]:
        """NUTS options from the current fit settings (same model, fixed values, t range)."""
        kwargs = fit_kwargs(settings, [settings["bayes_column"]])
        return {"model": kwargs["model"], "fixed": kwargs["fixed"], "bounds": kwargs["bounds"],
                "t_range": kwargs["t_range"], "num_samples": int(settings["bayes_samples"]),
                "num_warmup": int(settings["bayes_samples"]),
                "num_chains": int(settings["bayes_chains"])}

    def run_bayes(self, file: Any, column: int, settings: dict[str, Any], token: Any,
                  progress: Any) -> Any:
        """NUTS on one bin (worker thread). The sampler checks ``token`` between its chunks;
        a cancelled run raises JobCancelled, so its partial draws are never shown."""
        import xpcsviewer

        result = xpcsviewer.sample_g2(
            file, column, **self.bayes_kwargs(settings),
            progress=lambda fraction, message="": progress(fraction, message or f"NUTS bin {column}"),
            cancel=lambda: token.cancelled)
        token.raise_if_cancelled()
        return result

    def store_bayes(self, path: str, column: int, result: Any) -> None:
        self.bayes[(str(path), int(column))] = result

    # -- export ------------------------------------------------------------------------------
    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: G2Data) -> Path:
        """g2 as plotted, one row per point (with the fitted g2 where fitted). When fitted,
        ``<stem>_fit.csv`` / ``_fit.json`` hold the parameters with their provenance and
        ``<stem>_nuts_<file>_bin<k>.json`` each Bayesian fit."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            handle.write("# xpcsviewer g2 export; t in s, q in 1/A, phi in degrees\n")
            if data.fit_kwargs is not None:
                handle.write(f"# fit: {describe(data.fit_kwargs)}; parameters in {path.stem}_fit.csv\n")
            writer = csv.writer(handle)
            writer.writerow(["file", "column", "q_1_per_A", "phi_deg", "t_s", "g2", "g2_err", "g2_fit"])
            for k, f in enumerate(data.files):
                for c in (c for c in data.columns if c < f.n_bins):
                    row = data.fit_row(k, c)
                    fitted = (data.fit.curve(row, f.t)[1] if row is not None
                              else np.full(f.t.shape, np.nan))
                    for i, t in enumerate(f.t):
                        writer.writerow([f.name, c, repr(float(f.q[c])), repr(float(f.phi[c])),
                                         repr(float(t)), repr(float(f.g2[i, c])),
                                         repr(float(f.g2_err[i, c])), repr(float(fitted[i]))])
        # the side files belong to the export the user confirmed in the file dialog, so an
        # earlier export's side files are replaced with it (the API default refuses)
        if data.fit is not None:
            data.fit.to_csv(path.with_name(f"{path.stem}_fit.csv"), overwrite=True)
            data.fit.to_json(path.with_name(f"{path.stem}_fit.json"), overwrite=True)
        for (file_path, column), result in self.bayes.items():
            if any(f.path == file_path for f in data.files) and hasattr(result, "to_json"):
                result.to_json(path.with_name(f"{path.stem}_nuts_{Path(file_path).stem}_bin{column}.json"),
                               overwrite=True)
        return path


def _replace(data: G2Data, **changes: Any) -> G2Data:
    from dataclasses import replace

    return replace(data, **changes)
