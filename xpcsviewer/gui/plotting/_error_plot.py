"""A plot of points with error bars and fitted lines, on linear or log axes (tau(q), fitted
parameters vs q). Error bars on log axes are drawn in log10 units by hand, since
pyqtgraph's log mode does not transform ErrorBarItem."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ..theme import active
from ._axes import log_axes
from ._curves import pen_for
from ._legend import set_legend_shown
from ._notes import PlotNote, add_legend, drawn, escape
from ._panel_grid import Series
from ._shared import ADAPTER, loose_title, no_si_prefixes


def _log_bars(y: np.ndarray, err: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centre, below, above) of y ± err in log10 units; the lower end is clipped at y/100."""
    lo = np.maximum(y - err, y / 100)
    return np.log10(y), np.log10(y) - np.log10(lo), np.log10(y + err) - np.log10(y)


class ErrorPlot(pg.PlotWidget):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent, axisItems=log_axes())
        loose_title(self.plotItem)  # a long title overhangs rather than widening the plot
        no_si_prefixes(self.plotItem)
        self.plotItem.showGrid(x=True, y=True, alpha=0.2)
        self.legend = add_legend(self.plotItem, offset=(-10, 10))
        self.note = PlotNote(self.plotItem)
        self.text = pg.TextItem("", color=active().foreground, anchor=(0, 0))
        self._log = (False, False)

    def set_data(self, points: list[Series], lines: list[Series], *, x_label: str, y_label: str,
                 log_x: bool, log_y: bool, title: str = "", n_colours: int = 1,
                 text: str = "") -> None:
        item = self.plotItem
        item.clear()
        self.legend.clear()
        self._log = (log_x, log_y)
        item.setLogMode(x=log_x, y=log_y)
        item.setLabel("bottom", escape(x_label))
        item.setLabel("left", escape(y_label))
        item.setTitle(escape(title) or None, size="10pt")
        for s in points:
            x, y = ADAPTER.curve(s.x, s.y)
            keep = np.isfinite(x) & np.isfinite(y)
            if log_x:
                keep &= x > 0
            if log_y:
                keep &= y > 0
            pen = pen_for(s.index, n_colours)
            item.plot(x[keep], y[keep], pen=None, symbol="o", symbolSize=7, symbolPen=pen,
                      symbolBrush=pen.color(), name=s.label or None)
            if s.err is None:
                continue
            err = np.nan_to_num(ADAPTER.convert(s.err, np.float64)[keep])
            bx = np.log10(x[keep]) if log_x else x[keep]
            if log_y:
                by, below, above = _log_bars(y[keep], err)
                bars = pg.ErrorBarItem(x=bx, y=by, top=above, bottom=below, pen=pen)
            else:
                bars = pg.ErrorBarItem(x=bx, y=y[keep], height=2 * err, pen=pen)
            item.addItem(bars)
        for s in lines:
            x, y = ADAPTER.curve(s.x, s.y)
            colour = pen_for(s.index, n_colours).color()
            item.plot(x, y, pen=pg.mkPen(colour, width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
                      name=s.label or None)
        set_legend_shown(item, True)
        self.text.setText(text)
        self.text.setParentItem(self.plotItem.vb)  # pixels of the view box, not data units
        self.text.setPos(8, 4)
        item.enableAutoRange()
        self.note.set("" if drawn(item) else "no finite point to draw"
                      + (" (non-positive values on log axes)" if log_x or log_y else ""))

    def show_message(self, text: str) -> None:
        """An empty plot that says why it is empty."""
        self.plotItem.clear()
        self.legend.clear()
        set_legend_shown(self.plotItem, False)
        self.text.setText("")
        self.plotItem.setTitle(None)
        self.note.set(text)

    def blank_parts(self) -> list[str]:
        return [] if drawn(self.plotItem) or self.note.text else ["empty plot"]

    def notes_shown(self) -> list[str]:
        return [self.note.text] if self.note.text else []
