"""Axes whose log-mode tick labels never overlap and never leave a shown decade unlabelled.

pyqtgraph labels either every minor tick of a log axis (2..9 x 10^k, crowded: "0.007 0.008
0.009 0.01" run together) or none, and drops a label that would touch the end of the axis
without offering another, so a partly shown top decade could have no number at all. Here the
labelled ticks are chosen in tiers (decades, then 2 and 5, then 3, then the rest), a tier
taken only when its labels fit without touching, and then any shown decade still without a
number gets the first of its ticks that fits. On linear axes pyqtgraph's spacing is kept
unless the major labels would touch (a narrow plot: "0.0020.0040.006"); the major spacing is
then doubled until they clear each other.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

_TIERS = ((1,), (2, 5), (3,), (4, 6, 7, 8, 9))
_PREFERENCE = (1, 2, 5, 3, 4, 6, 7, 8, 9)  # for a decade still without a label
_GAP_PX = 6.0  # clear space between neighbouring labels
_PLAIN = (1e-3, 1e4)  # values written as plain numbers; outside, as m·10ⁿ
_NO_FILL_LIMIT = [(0, 10.0)]  # our labels do not overlap; pyqtgraph's crowding cut-off is moot
_OVERHANG_PX = 15  # what pyqtgraph lets a label reach past the axis end (hideOverlappingLabels=False)
_PICTURES_KEPT = 4  # drawn axes remembered per axis: linked autoranged plots flip between two
# Style entries this module sets itself from the log mode while choosing ticks: not part of a key.
_DERIVED_STYLE = ("textFillLimits", "hideOverlappingLabels")


def _key(x: float) -> float:
    return round(float(x), 6)


class LogAxis(pg.AxisItem):
    """An ``AxisItem`` with the log-mode tick choice described in the module docstring."""

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self._fill_limits = list(self.style["textFillLimits"])
        self._labelled: set[float] | None = None  # None: pyqtgraph's own labels
        self._pictures: dict[tuple, Any] = {}  # drawing key -> the QPicture drawn for it

    def setLogMode(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 - Qt's name
        super().setLogMode(*args, **kwargs)
        # A little overhang lets a tick near the end keep its number (the top decade's "2").
        self.style["hideOverlappingLabels"] = not (self.logMode and self._overhang())

    def boundingRect(self) -> Any:  # noqa: N802 - Qt's name
        # With a grid pyqtgraph's rect is the axis plus the view, with no overhang at the ends;
        # labels are kept only inside this rect, so add the overhang here too.
        rect = super().boundingRect()
        if self.logMode and self.grid is not False and self._overhang():
            rect = rect.adjusted(0, -self._overhang(), 0, self._overhang())
        return rect

    def paint(self, p: Any, opt: Any, widget: Any) -> None:
        # pyqtgraph throws the drawn axis away on every range, label or geometry change, even
        # when a redraw ends where it was, and choosing and laying out the ticks is the costly
        # part of painting a plot. A picture drawn for the same range, size and style is reused.
        key = self._picture_key()
        if self.picture is None and key in self._pictures:
            self.picture = self._pictures[key]
        super().paint(p, opt, widget)
        self._pictures.pop(key, None)  # re-inserted last: the dict keeps the recent ones
        self._pictures[key] = self.picture
        while len(self._pictures) > _PICTURES_KEPT:
            del self._pictures[next(iter(self._pictures))]

    def _picture_key(self) -> tuple:
        style = tuple((k, repr(v)) for k, v in self.style.items() if k not in _DERIVED_STYLE)
        rect = self.boundingRect()
        size = self.size()
        return (tuple(self.range), self.logMode, (size.width(), size.height()),
                (rect.x(), rect.y(), rect.width(), rect.height()), repr(self.grid), style,
                self.pen().color().rgba(), self.textPen().color().rgba(),
                repr(self._tickLevels), repr(self._tickSpacing), self._tickDensity,
                self.scale, self.autoSIPrefixScale)

    def _overhang(self) -> float:
        # Only vertical axes: past the right end of a bottom axis there is often no room left
        # in the widget (the label was cut in half), above and below a left axis there is.
        return _OVERHANG_PX if self.orientation in ("left", "right") else 0.0

    # -- which ticks, and which of them carry a number ---------------------------------------
    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> Any:  # noqa: N802, N803
        levels = super().tickSpacing(minVal, maxVal, size)
        span = maxVal - minVal
        if self.logMode or not levels or not (span > 0 and size > 0 and math.isfinite(span)):
            return levels
        major, offset = levels[0]
        widest = max(self._extent(f"{v:g}") for v in (minVal, maxVal, minVal + major, maxVal - major))
        px = size / span
        grown = major
        while grown * px < widest + _GAP_PX and grown < span:
            grown *= 2.0
        if grown == major:
            return levels
        return [(grown, offset)]  # the finer levels would bring the crowded labels back

    def logTickValues(self, minVal: float, maxVal: float, size: float, stdTicks: Any) -> Any:  # noqa: N802, N803
        self._labelled = None
        self.style["textFillLimits"] = self._fill_limits  # pyqtgraph's choice needs its cut-off
        span = maxVal - minVal
        if not (span > 0 and size > 0 and math.isfinite(span)) or span > 12:
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        px = size / span  # pixels per decade
        ticks = [(k, m) for k in range(math.floor(minVal), math.ceil(maxVal) + 1) for m in range(1, 10)
                 if minVal <= k + math.log10(m) <= maxVal]
        pos = {t: (t[0] + math.log10(t[1]) - minVal) * px for t in ticks}
        extent = {t: self._extent(self._text(*t)) for t in ticks}
        # A label reaching further past either end would be cut off (pyqtgraph drops it).
        usable = [t for t in ticks
                  if extent[t] / 2 - self._overhang() <= pos[t] <= size - extent[t] / 2 + self._overhang()]

        def fits(chosen: list[tuple[int, int]]) -> bool:
            ordered = sorted(chosen, key=pos.get)
            return all(pos[b] - pos[a] >= (extent[a] + extent[b]) / 2 + _GAP_PX
                       for a, b in zip(ordered, ordered[1:], strict=False))

        decades = [t for t in usable if t[1] == 1]
        if not fits(decades):  # even the decades crowd: every 2nd, 3rd, ... decade, nothing else
            for step in (2, 3, 5, 10):
                if fits(thinned := [t for t in decades if t[0] % step == 0]):
                    return self._levels(ticks, thinned)
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        labelled: list[tuple[int, int]] = []
        for tier in _TIERS:
            trial = labelled + [t for t in usable if t[1] in tier]
            if not fits(trial):
                break
            labelled = trial

        # Then single ticks where they fit: first one per decade still without a number, then
        # any other (fills the wide gap a failed tier leaves, e.g. between 0.005 and 0.01).
        def add(t: tuple[int, int]) -> bool:
            ok = t in usable and t not in labelled and fits([*labelled, t])
            if ok:
                labelled.append(t)
            return ok

        for k in sorted({t[0] for t in ticks} - {t[0] for t in labelled}):
            any(add((k, m)) for m in _PREFERENCE)  # stops at the first that fits
        for m in _PREFERENCE:
            for t in [u for u in usable if u[1] == m]:
                add(t)
        return self._levels(ticks, labelled)

    def _levels(self, ticks: list[tuple[int, int]], labelled: list[tuple[int, int]]) -> Any:
        """Tick levels for pyqtgraph: decades, labelled others, unlabelled others."""
        self._labelled = {_key(k + math.log10(m)) for k, m in labelled}
        self.style["textFillLimits"] = _NO_FILL_LIMIT
        values = [k + math.log10(m) for k, m in ticks]
        decades = [v for v in values if _key(v) == _key(round(v))]
        named = [v for v in values if _key(v) in self._labelled and v not in decades]
        rest = [v for v in values if v not in decades and v not in named]
        return [(1.0, decades), (None, named), (None, rest)]

    def logTickStrings(self, values: Any, scale: float, spacing: float) -> list[str | None]:  # noqa: N802
        if self._labelled is None:
            return super().logTickStrings(values, scale, spacing)
        out: list[str | None] = []
        for v in values:
            k = math.floor(v + 1e-9)
            out.append(self._text(k, round(10 ** (v - k))) if _key(v) in self._labelled else None)
        return out

    # -- text ----------------------------------------------------------------------------------
    def _text(self, k: int, m: int) -> str:
        value = float(f"{m}e{k}")
        if _PLAIN[0] <= value < _PLAIN[1]:
            return f"{value:g}"
        return super().logTickStrings([np.log10(value)], 1.0, 1.0)[0]

    def _extent(self, text: str) -> float:
        """Length along the axis that ``text`` needs, in pixels."""
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        if self.orientation in ("left", "right"):
            return metrics.height() * 0.8  # pyqtgraph shrinks text boxes by the same factor
        return metrics.horizontalAdvance(text)


def log_axes() -> dict[str, LogAxis]:
    """Axis items for a new PlotItem: ``pg.PlotItem(axisItems=log_axes())``."""
    return {name: LogAxis(name) for name in ("left", "bottom")}
