"""Line plots: overlays of curves with optional error bars, log axes and a legend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg

from ._axes import log_axes
from ._legend import set_legend_shown
from ._notes import PlotNote, add_legend, drawn, escape, tooltip
from ._shared import ADAPTER, no_si_prefixes


@dataclass(frozen=True)
class Curve:
    """One line: ``x`` and ``y`` of equal length, in the axis units of the panel."""

    x: Any
    y: Any
    label: str = ""
    err: Any = None


def palette() -> tuple[str, ...]:
    """The line colours of the active theme (colour-blind safe; see ``gui/theme.py``)."""
    from ..theme import active

    return active().lines


def pen_for(index: int, total: int) -> pg.QtGui.QPen:
    colours = palette()
    return pg.mkPen(colours[index % len(colours)], width=2)


class CurvePanel(pg.PlotWidget):
    """A plot of several curves. Non-positive values are hidden on log axes, and the number
    hidden is said in the title rather than dropped silently; a plot left with nothing to draw
    says why in a note inside it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent, axisItems=log_axes())
        self._title = ""
        self._log = (False, False)
        self.plotItem.showGrid(x=True, y=True, alpha=0.2)
        self.legend = add_legend(self.plotItem, offset=(-10, 10))
        self.note = PlotNote(self.plotItem)
        no_si_prefixes(self.plotItem)

    def set_axes(self, x_label: str, y_label: str, log_x: bool, log_y: bool, title: str = "") -> None:
        # Units live in the label text: pyqtgraph's own units would add SI prefixes (mÅ⁻¹).
        self.plotItem.setLabel("bottom", escape(x_label))
        self.plotItem.setLabel("left", escape(y_label))
        self._log = (log_x, log_y)
        self.plotItem.setLogMode(x=log_x, y=log_y)
        self._title = title

    def set_curves(self, curves: list[Curve], empty_note: str = "") -> None:
        """Draw ``curves``; when none has a point to show, the plot says ``empty_note`` (or
        that nothing is finite / positive on these axes)."""
        self.plotItem.clear()
        self.legend.clear()
        hidden = 0
        for index, curve in enumerate(curves):
            x, y = ADAPTER.curve(curve.x, curve.y)
            keep = np.isfinite(x) & np.isfinite(y)
            if self._log[0]:
                keep &= x > 0
            if self._log[1]:
                keep &= y > 0
            hidden += int(keep.size - keep.sum())
            pen = pen_for(index, len(curves))
            # a single point is no line: draw it as a symbol so it can be seen
            symbol = {"symbol": "o", "symbolSize": 6, "symbolPen": pen} if keep.sum() == 1 else {}
            item = self.plotItem.plot(x[keep], y[keep], pen=pen, name=curve.label or None, **symbol)
            item.setToolTip(tooltip(curve.label) if curve.label else "")
            if curve.err is not None and not any(self._log):
                err = ADAPTER.convert(curve.err, np.float64)[keep]
                self.plotItem.addItem(pg.ErrorBarItem(x=x[keep], y=y[keep], height=2 * err, pen=pen))
        set_legend_shown(self.plotItem, True)
        note = f"  ({hidden} non-positive points hidden on log axes)" if hidden else ""
        self.plotItem.setTitle(escape(self._title + note) or None)
        self.plotItem.enableAutoRange()
        if drawn(self.plotItem):
            self.note.set("")
        elif empty_note:
            self.note.set(empty_note)
        elif not curves:
            self.note.set("nothing to plot")
        else:
            self.note.set("no finite point to draw" + (" (non-positive values on log axes)"
                                                       if hidden else ""))

    def show_message(self, text: str) -> None:
        """An empty plot that says why it is empty."""
        self.plotItem.clear()
        self.legend.clear()
        set_legend_shown(self.plotItem, False)
        self.plotItem.setTitle(None)
        self.note.set(text)

    def blank_parts(self) -> list[str]:
        return [] if drawn(self.plotItem) or self.note.text else ["empty plot"]

    def notes_shown(self) -> list[str]:
        return [self.note.text] if self.note.text else []

    def curve_data(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        """``(x, y, label)`` of every line as plotted (for tests and exports)."""
        out = []
        for item in self.plotItem.listDataItems():
            x, y = item.getOriginalDataset()
            out.append((x, y, item.name() or ""))
        return out

    def set_x_range(self, lo: float | None, hi: float | None) -> None:
        if lo is None or hi is None or not hi > lo:
            self.plotItem.enableAutoRange(x=True)
            return
        if self._log[0]:
            lo, hi = np.log10(max(lo, 1e-300)), np.log10(max(hi, 1e-300))
        self.plotItem.setXRange(lo, hi, padding=0.02)
