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
from ..._words import counted
from ...offload import fit_input, offload
from .._model import TabController
from ._bins import FileG2, Slot, load, reference_index, slots, transform
from ._partial import read_partial
from ._settings import ParamSetting, describe, fit_kwargs

T_LABEL = "t (s)"
# Files overlaid in the panels, one palette colour each (theme.py has 8: a ninth file would
# share the first one's colour); more are named in a note and not even opened. Fewer series
# per page also keeps the first render of a big selection short (12 files: 71-113 ms of GUI
# thread, scripts/bench_g2_view.py).
MAX_OVERLAY_FILES = 8
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
    phi_mode = "each"  # see _bins.PHI_MODES
    phi_pick: float | None = None  # φ (degrees) of the sector shown in "one" mode
    page = 0  # page of panels shown (as many as fit the window at a readable size)
    show_partial = False  # g2 after each part of a boost_corr -np run (when stored)
    # Path (str) of the session's current file when it is overlaid, else None: its bins are
    # the panels (set by the tab driver, see TabController.current_field; not saved).
    reference: str | None = None
    _transient = frozenset({"fit_request", "reference"})

    def decode(self, name: str, value: Any) -> Any:
        if name != "params":
            return value
        return {model: {param: ParamSetting(**setting) for param, setting in params.items()}
                for model, params in value.items()}


@dataclass(frozen=True)
class G2Data:
    """What the g2 tab shows: ``files`` as plotted (after the φ mode), ``slots`` the panels
    of the bin range (all pages), ``columns`` the reference file's (``files[reference]``)
    columns in them."""

    files: list[FileG2]
    columns: list[int]
    settings: dict[str, Any]
    fit: Any = None  # G2FitResult or None
    fit_kwargs: dict[str, Any] | None = None
    fit_error: str | None = None  # the whole fit could not run (e.g. an empty t range)
    notes: list[str] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    n_colours: int = 1
    n_slots_all: int = 0  # panels of the whole file, before the bin range
    first_slot: int = 0  # index of slots[0] among them
    sectors: list[float] = field(default_factory=list)  # φ of the reference file, degrees
    partial: dict[str, Any] = field(default_factory=dict)  # path -> g2 per part (_partial.py)
    reference: int = 0  # index in ``files`` of the file whose bins the panels are

    def fit_row(self, file_index: int, column: int) -> int | None:
        """Row of ``fit`` for (file, column), or None when not fitted."""
        if self.fit is None:
            return None
        rows = np.flatnonzero((self.fit.file_index == file_index) & (self.fit.column == column))
        return int(rows[0]) if rows.size else None

    def fit_bins(self) -> list[list[int]]:
        """Per file, the columns its curves in the shown panels use (what is fitted)."""
        bins: list[set[int]] = [set() for _ in self.files]
        for slot in self.slots:
            for m in slot.members:
                bins[m.file_index].add(m.column)
        return [sorted(b) for b in bins]


def shown_range(n: int, first: int, last: int | None) -> tuple[int, int]:
    """(first, last) panel indices, inclusive, clamped to the ``n`` panels that exist."""
    first = max(0, min(int(first), n - 1))
    last = n - 1 if last is None else max(first, min(int(last), n - 1))
    return first, last


class G2Controller(TabController):
    key = "g2"
    title = "g2"
    files_from = "overlay"
    open_limit = MAX_OVERLAY_FILES  # the rest of a big selection is not opened at all
    state_class = G2State
    render_only = frozenset({"y_per_panel", "view_mode", "bayes_column", "bayes_samples",
                             "bayes_chains", "page"})
    publishes = ("g2_phi", "g2_fit")  # the Diffusion tab follows both
    current_field = "reference"

    def __init__(self, **preferences: Any) -> None:
        super().__init__(**preferences)
        self.bayes: dict[tuple[str, int], Any] = {}  # (path, column) -> NUTSResult
        # (what was fitted, fit): another reference file re-pairs the panels but fits the
        # same (file, column) set, so the last fit is kept rather than computed again
        self._last_fit: tuple[tuple[Any, ...], Any] | None = None

    def results(self, data: G2Data | None) -> dict[str, Any]:
        """The fits shown, and per file the φ of each fitted column (published first, so a
        follower that sees the fit has its φ)."""
        if data is None:
            return {"g2_phi": None, "g2_fit": None}
        return {"g2_phi": [f.phi for f in data.files], "g2_fit": data.fit}

    def snapshot_setup(self) -> None:
        """Snapshots show the tab with a fit (``gui/snapshot.py`` calls this)."""
        self.state.fit_on = True

    def prepare(self, files: list[Any], token: Any, progress: Any, not_opened: int = 0) -> G2Data:
        """``files`` open (the first ``open_limit`` that open), ``not_opened`` more selected."""
        settings = self.state.as_dict()
        loaded, notes, raw_phi, opened = [], [], [], []
        if len(files) + not_opened > MAX_OVERLAY_FILES:
            # Panels of 200 overlaid files are unreadable and drawing them froze the window
            # for seconds (4,000 curves a page): the first ones are overlaid, and said so.
            notes.append(f"overlaying the first {MAX_OVERLAY_FILES} of {len(files) + not_opened} "
                         "selected files (the Trends tab follows all of them)")
            files = files[:MAX_OVERLAY_FILES]
        for f in files:
            if f.g2 is None or f.tau is None:
                notes.append(f"{f.name}: no multi-tau g2 in this file (a two-time only run: "
                             "see the Two-time tab)")
                continue
            token.raise_if_cancelled()
            raw = load(f, weights=settings["phi_mode"] == "average")
            raw_phi.append(raw.phi)
            opened.append(f)
            loaded.append(transform(raw, settings["phi_mode"], settings["phi_pick"]))
        if not loaded:
            return G2Data([], [], settings, notes=notes or ["no file with g2"])
        partial: dict[str, Any] = {}
        if settings["show_partial"]:
            partial, partial_notes = read_partial([f for f in files if f.g2 is not None])
            notes += partial_notes
        r = reference_index([f.path for f in loaded], settings["reference"])
        every, pair_notes, n_colours = slots(loaded, settings["phi_mode"], r)
        first, last = shown_range(len(every), settings["bin_first"], settings["bin_last"])
        shown = every[first:last + 1]
        columns = sorted({m.column for s in shown for m in s.members if m.file_index == r})
        data = G2Data(loaded, columns, settings, notes=notes + pair_notes, slots=shown,
                      n_colours=n_colours, n_slots_all=len(every), first_slot=first,
                      sectors=sorted({round(float(p), 6) for p in raw_phi[r]}), partial=partial,
                      reference=r)
        if not settings["fit_on"]:
            return data
        token.raise_if_cancelled()
        # Same files (objects: a file re-read from disk is another), φ mode, fit settings
        # and bins as the last fit, and no "Fit" press since: only the reference changed.
        key = (tuple(opened), settings["phi_mode"], settings["phi_pick"], settings["fit_request"],
               fit_kwargs(settings, data.fit_bins()))
        last = self._last_fit
        if last is not None and len(last[0]) == len(key) and _same_key(last[0], key):
            return _replace(data, fit=last[1], fit_kwargs=key[-1])
        n_fit = sum(len(b) for b in data.fit_bins())
        progress(0.5, f"fitting {counted(n_fit, 'bin')} of {counted(len(loaded), 'file')}")
        data = self.fit(data)
        self._last_fit = (key, data.fit) if data.fit is not None else None
        return data

    def fit(self, data: G2Data) -> G2Data:
        """``data`` with the batched least-squares fit of the shown bins (as plotted: a φ
        average is fitted as such); a fit that cannot run at all (bad t range, every
        parameter fixed) is returned as ``fit_error``, not raised."""
        import xpcsviewer

        kwargs = fit_kwargs(data.settings, data.fit_bins())
        try:
            # In the job process when the app runs one (the window never waits for JAX).
            fit = offload(xpcsviewer.fit_g2, data.files, **kwargs)
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

        result = offload(
            xpcsviewer.sample_g2, fit_input(file), column, **self.bayes_kwargs(settings),
            progress=lambda fraction, message="": progress(fraction, message or f"NUTS roi {column + 1}"),
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
            # column: the file's own g2 column (roi label - 1); -1 for a φ average
            writer.writerow(["file", "column", "q_1_per_A", "phi_deg", "t_s", "g2", "g2_err", "g2_fit"])
            for k, (f, columns) in enumerate(zip(data.files, data.fit_bins(), strict=True)):
                for c in columns:
                    row = data.fit_row(k, c)
                    fitted = (data.fit.curve(row, f.t)[1] if row is not None
                              else np.full(f.t.shape, np.nan))
                    for i, t in enumerate(f.t):
                        writer.writerow([f.name, int(f.source[c]), repr(float(f.q[c])), repr(float(f.phi[c])),
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


def _same_key(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Fit keys equal: the same file objects (``is``: equality would compare arrays) and
    equal settings."""
    return (len(a[0]) == len(b[0]) and all(x is y for x, y in zip(a[0], b[0], strict=True))
            and a[1:] == b[1:])


def _replace(data: G2Data, **changes: Any) -> G2Data:
    from dataclasses import replace

    return replace(data, **changes)
