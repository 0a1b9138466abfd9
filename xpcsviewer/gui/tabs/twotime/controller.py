"""Two-time settings and data: one bin's C2 map prepared for display, its cuts, g2 from age
windows beside the stored multi-tau g2, and tau against age fitted from those windows
(:func:`xpcsviewer.fitting.fit_aging`, one batched call). One bin is read at a time.

Two stages, so the map is on screen at once: :meth:`TwotimeController.prepare` (the tab's job)
computes what is drawn first -- display map, cuts, g2 per age window -- on the backend
:func:`xpcsviewer.compute.one_pass` picks (NumPy on a CPU: single memory-bound passes that a
compile would only delay); :meth:`TwotimeController.refine` (the tab's second stage, run by
its driver after the first view is drawn) then fits tau per window with fit_aging, as before."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import cut_at_age, cut_at_lag, g2_from_c2, one_pass, prepare_display
from xpcsviewer.fitting import FitStatus, equal_windows, fit_aging, g2_model
from xpcsviewer.io import XpcsFormatError

from ..._events import State
from ..._token import JobCancelled
from ...line import INK, Line
from .._model import TabController


class TwotimeState(State):
    bin: int | None = None  # g2 column asked for; a file without it shows the nearest one
    colormap = "viridis"
    vmin: float | None = None  # colour limits of C2; None = automatic
    vmax: float | None = None
    diagonal_correction = True  # the stored diagonal is shot noise, not contrast
    max_size = 500  # display pixels per side; larger maps are block-averaged (factor shown)
    lag_s: float | None = None  # diagonal cut at this lag; None = 5 % of the run
    age_s: float | None = None  # cross cut at this age; None = the middle of the run
    n_windows = 4  # age windows for g2 from C2, equal slices of the run
    min_pairs = 100  # g2-from-C2 points averaging fewer frame pairs are too noisy to show


@dataclass(frozen=True)
class TwotimeData:
    """``missing`` is set (and the arrays are None) when there is no map to draw: the file
    has none (``bins`` empty), or the chosen bin's map cannot be read (``bins`` still lists
    every map the file holds, so another bin can be chosen)."""

    name: str
    settings: dict[str, Any]
    missing: str = ""
    column: int = -1
    bins: tuple[int, ...] = ()
    bin_labels: tuple[str, ...] = ()
    choice_note: str = ""  # e.g. the asked bin is not in this file
    matrix: np.ndarray | None = None  # (m, m) display map
    extent: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)
    factor: int = 1
    display_note: str = ""
    lag_cut: Line | None = None  # C2 along the diagonal at fixed lag, against age
    age_cut: Line | None = None  # C2 across the diagonal at fixed age, against lag
    lag_s: float = 0.0
    age_s: float = 0.0
    window_g2: tuple[Line, ...] = ()  # g2 from C2 per age window, against t
    window_ages: tuple[float, ...] = ()  # window centres, s
    stored_g2: Line | None = None  # multi-tau g2 of the same column (whole run)
    window_fits: tuple[Line, ...] = ()  # the single-exponential fit of each window, against t
    tau_age: Line | None = None  # fitted tau (s) per window against window age (s), with errors
    tau_note: str = ""  # windows whose fit failed or hit a bound, in words
    t_range: tuple[float, float] = (0.0, 1.0)
    fit_pending: bool = False  # window_fits / tau_age not computed yet (refine does)


def nearest_bin(wanted: int | None, available: tuple[int, ...]) -> int:
    """The available column closest to ``wanted`` (the lower one on a tie; first when None)."""
    if wanted is None:
        return available[0]
    return min(available, key=lambda col: (abs(col - wanted), col))


class TwotimeController(TabController):
    key = "twotime"
    title = "Two-time"
    files_from = "current"
    state_class = TwotimeState
    render_only = frozenset({"colormap", "vmin", "vmax"})
    follows = MappingProxyType({"picked_bin": "bin"})  # a bin clicked on Q-map or SAXS-2D

    def initial_state(self, preferences: dict[str, Any]) -> dict[str, Any]:
        return {"colormap": preferences.get("colormap", "viridis")}

    def prepare(self, files: list[Any], token: Any, progress: Any) -> TwotimeData:
        f = files[0]
        s = self.state.as_dict()
        if not f.c2_bins:
            kinds = ", ".join(sorted(f.kinds)) or "nothing"
            return TwotimeData(f.name, s, missing=f"{f.name} has no two-time maps (it holds {kinds}); "
                                                  "choose a file with two-time data.")
        bins = tuple(int(b) for b in f.c2_bins)
        column = nearest_bin(s["bin"], bins)
        note = ""
        if s["bin"] is not None and column != s["bin"]:
            note = f"roi {s['bin'] + 1} has no map in this file; nearest roi {column + 1} shown"
        # roi numbers as the file and the correlator count them (label r = column r - 1).
        # The list comes from the file's list of maps, read before (and without) any map:
        # one damaged map must not hide the others.
        labels = tuple(f"roi {col + 1}: {f.bin_label(col)}" for col in bins)
        progress(0.2, f"reading C2 of roi {column + 1}")
        try:
            c2 = f.c2(column)
        except XpcsFormatError as exc:  # names the file and the map
            return TwotimeData(f.name, s, missing=f"roi {column + 1}: {exc}. The other bins "
                               "may read: choose one above.", column=column, bins=bins,
                               bin_labels=labels, choice_note=note)
        t = np.asarray(c2.t, dtype=np.float64)
        token.raise_if_cancelled()
        b = one_pass()
        shown = prepare_display(c2.matrix, t, max_size=int(s["max_size"]),
                                diagonal_correction=bool(s["diagonal_correction"]), backend=b)
        progress(0.4, "cuts through the map")
        lag, age = self.cut_positions(t, s)
        lag_cut, age_cut = self.cuts(shown.full, t, lag, age, backend=b)
        token.raise_if_cancelled()
        progress(0.6, "g2 from age windows")
        from_c2 = g2_from_c2(c2.matrix, t, self.age_windows(t, int(s["n_windows"])), backend=b)
        tau, g2 = ensure_numpy(from_c2.tau), ensure_numpy(from_c2.g2)
        # as fit_aging shows them: lags averaging fewer than min_pairs pairs are hidden
        g2 = np.where(ensure_numpy(from_c2.n_pairs) >= int(s["min_pairs"]), g2, np.nan)
        window_g2 = tuple(Line(tau, g2[k], f"ages {lo:.3g}–{hi:.3g} s")
                          for k, (lo, hi) in enumerate(from_c2.windows))
        stored = None
        if f.g2 is not None:
            # the reference: measured points in the theme's ink
            stored = Line(np.asarray(f.tau), np.asarray(f.g2[:, column]), "multi-tau (whole run)",
                          None if f.g2_err is None else np.asarray(f.g2_err[:, column]), INK,
                          symbol=True)
        dts = ensure_numpy(shown.t)
        step = float(dts[1] - dts[0]) if dts.size > 1 else float(t[1] - t[0])
        extent = (float(dts[0] - step / 2), float(dts[-1] + step / 2),) * 2
        return TwotimeData(
            name=f.name, settings=s, column=column, bins=bins,
            bin_labels=labels, choice_note=note,
            matrix=ensure_numpy(shown.matrix), extent=extent, factor=int(shown.factor),
            display_note=shown.note, lag_cut=lag_cut, age_cut=age_cut, lag_s=lag, age_s=age,
            window_g2=window_g2, window_ages=tuple(float(a) for a in ensure_numpy(from_c2.ages)),
            stored_g2=stored, t_range=(float(t[0]), float(t[-1])),
            fit_pending=True,
        )

    def refines(self, data: Any) -> bool:
        return isinstance(data, TwotimeData) and data.fit_pending

    def refine(self, data: TwotimeData, files: list[Any], token: Any, progress: Any) -> TwotimeData:
        """The second stage: ``data`` with each window's fit and tau against age added
        (fit_aging on the active backend, as the tab computed them before it had stages). A
        fit that raises leaves the first view on screen and says why in ``tau_note``."""
        f, s = files[0], data.settings
        progress(0.1, f"fitting τ in {s['n_windows']} age windows")
        try:
            aging = fit_aging(f.c2(data.column), int(s["n_windows"]),
                              q=float(f.dynamic_q[data.column]), min_pairs=int(s["min_pairs"]))
        except JobCancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - the map and g2 already shown stay useful
            return replace(data, fit_pending=False, tau_note=f"τ per window not fitted: {exc}")
        token.raise_if_cancelled()
        window_fits, tau_age, tau_note = self.aging_series(aging)
        return replace(data, window_fits=window_fits, tau_age=tau_age, tau_note=tau_note,
                       fit_pending=False)

    @staticmethod
    def aging_series(aging: Any) -> tuple[tuple[Line, ...], Line, str]:
        """Fitted g2 curves per window (on the window's fitted lags), tau against age, and a
        note naming the windows that failed (not plotted) or sit at a bound (plotted)."""
        fit = aging.fit
        curves = []
        for k in range(fit.n_rows):
            used = fit.mask[k]
            t_k = fit.t[k][used]
            y = (g2_model(fit.model, fit.values[k][None], t_k[None], np)[0]
                 if t_k.size and np.all(np.isfinite(fit.values[k])) else np.full(t_k.size, np.nan))
            curves.append(Line(t_k, y, f"fit, age {aging.ages[k]:.3g} s", dashed=True))
        series = Line(np.asarray(aging.ages), np.asarray(aging.tau), "τ per window",
                      np.asarray(aging.tau_err), INK, symbol=True)
        notes = [f"window {k + 1} ({aging.ages[k]:.3g} s): {msg}"
                 for k, (st, msg) in enumerate(zip(aging.status, aging.message, strict=True))
                 if st is not FitStatus.CONVERGED]
        return tuple(curves), series, "; ".join(notes)

    @staticmethod
    def cut_positions(t: np.ndarray, s: dict[str, Any]) -> tuple[float, float]:
        """The lag and age (s) of the cuts, kept inside the map. The default lag, 5 % of the
        run, sits where C2 still decays, so the cut along the diagonal shows ageing."""
        dt = float(t[1] - t[0])
        span = float(t[-1] - t[0])
        lag = max(dt, round(0.05 * span / dt) * dt) if s["lag_s"] is None else float(np.clip(abs(s["lag_s"]), 0.0, span - dt))
        age = 0.5 * (t[0] + t[-1]) if s["age_s"] is None else float(np.clip(s["age_s"], t[0], t[-1]))
        return lag, float(age)

    @staticmethod
    def cuts(matrix: Any, t: np.ndarray, lag: float, age: float,
             backend: Any = None) -> tuple[Line, Line]:
        """Both cuts through the full-resolution map as shown (``C2Display.full``: diagonal
        corrected when the display is)."""
        by_lag = cut_at_lag(matrix, t, lag, backend=backend)
        by_age = cut_at_age(matrix, t, age, backend=backend)
        return (Line(ensure_numpy(by_lag.axis), ensure_numpy(by_lag.values), f"lag {lag:.3g} s"),
                Line(ensure_numpy(by_age.axis), ensure_numpy(by_age.values), f"age {age:.3g} s"))

    @staticmethod
    def age_windows(t: np.ndarray, n: int) -> list[tuple[float, float]]:
        """``n`` equal, adjacent age windows spanning the run (s), as fit_aging cuts them."""
        return equal_windows(t, n)

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: TwotimeData) -> Path:
        """Long format: series, x name, x in s, value, error (blank when none). The C2 map
        itself is not written (it can be 10⁸ values); the figure export shows it."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            handle.write(f"# xpcsviewer two-time export: {data.name}, g2 column {data.column}; "
                         f"times in s; diagonal corrected: {data.settings['diagonal_correction']}\n")
            writer = csv.writer(handle)
            writer.writerow(["series", "x_name", "x_s", "value", "error"])
            rows = [("C2 " + data.lag_cut.label, "age_s", data.lag_cut)] if data.lag_cut else []
            rows += [("C2 " + data.age_cut.label, "lag_s", data.age_cut)] if data.age_cut else []
            rows += [("g2 from C2, " + s.label, "t_s", s) for s in data.window_g2]
            rows += [("g2 " + data.stored_g2.label, "t_s", data.stored_g2)] if data.stored_g2 else []
            rows += [("g2 " + s.label, "t_s", s) for s in data.window_fits]
            rows += [("tau_s " + data.tau_age.label, "age_s", data.tau_age)] if data.tau_age else []
            for name, x_name, series in rows:
                err = series.err if series.err is not None else [None] * len(series.x)
                for x, y, e in zip(series.x, series.y, err, strict=True):
                    writer.writerow([name, x_name, repr(float(x)), repr(float(y)),
                                     "" if e is None else repr(float(e))])
        return path
