"""A grid of small plots, one per dynamic bin: points with error bars, fit lines, a
posterior band and a red note (e.g. "fit failed: ...") per panel.

The x axis is log t: pyqtgraph's log mode transforms curves but not error bars, so error
bars are placed at log10(t) by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg

from ._axes import log_axes
from ._curves import pen_for
from ._shared import ADAPTER, no_si_prefixes


@dataclass(frozen=True)
class Series:
    """x (n,), y (n,), optional err (n,) one sigma; ``index`` picks the colour (file)."""

    x: Any
    y: Any
    err: Any = None
    label: str = ""
    index: int = 0


@dataclass(frozen=True)
class Panel:
    title: str
    points: list[Series] = field(default_factory=list)  # data, drawn as symbols + error bars
    lines: list[Series] = field(default_factory=list)  # fits, drawn as lines
    band: tuple[Any, Any, Any] | None = None  # (x, lo, hi): a shaded credible band
    note: str = ""  # shown in red inside the panel


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) for n panels: about 4:3, wider than tall."""
    cols = max(1, math.ceil(math.sqrt(n * 4 / 3)))
    return math.ceil(n / cols), cols


def shared_y_range(panels: list[Panel]) -> tuple[float, float] | None:
    lo, hi = math.inf, -math.inf
    for panel in panels:
        for s in panel.points:
            y = np.asarray(s.y, dtype=np.float64)
            e = np.zeros_like(y) if s.err is None else np.nan_to_num(np.asarray(s.err, np.float64))
            ok = np.isfinite(y)
            if ok.any():
                lo, hi = min(lo, float((y - e)[ok].min())), max(hi, float((y + e)[ok].max()))
    if not hi > lo:
        return None
    pad = 0.04 * (hi - lo)
    return lo - pad, hi + pad


class PanelGrid(pg.GraphicsLayoutWidget):
    """``set_panels`` redraws every panel; ``plots`` lists the PlotItems (tests read them).

    Plots are pooled and never destroyed while the widget lives: building a PlotItem is the
    slow part of a redraw, and a PlotItem dropped from the scene is left to Python's garbage
    collector, which may run on a worker thread (a crash with Qt objects) and leaves its
    parentless context menus behind as top-level widgets. Unused plots stay hidden in the
    scene, which deletes them with itself.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plots: list[pg.PlotItem] = []
        self._pool: list[pg.PlotItem] = []
        self.notes: list[str] = []
        self._texts: list[pg.TextItem] = []
        self.heading = self.addLabel("", row=0, col=0, size="10pt")
        # Moving plots in and out of the layout while shown re-activates it, and Qt then
        # shrinks the top-level layout item to its minimum size (panels squashed into the top
        # of the widget); whenever that happens, give it the whole view back.
        self.ci.geometryChanged.connect(self._fill_view)
        self.heading.setMaximumHeight(44)

    def _layout(self, n: int) -> None:
        if n == len(self.plots):
            for plot in self.plots:
                plot.clear()
            return
        layout, scene = self.ci, self.scene()
        for item in [self.heading, *self._pool]:
            if item in layout.items:
                layout.removeItem(item)  # also takes it out of the scene
            if item.scene() is None:
                scene.addItem(item)  # the scene keeps owning it, so it is never orphaned
            item.hide()
        while len(self._pool) < n:
            plot = pg.PlotItem(axisItems=log_axes())
            no_si_prefixes(plot)
            plot.setLogMode(x=True, y=False)
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.getAxis("left").setWidth(38)  # narrow axes keep four panels a row on a laptop
            plot.setMinimumWidth(60)
            if self._pool:
                plot.setXLink(self._pool[0])
            scene.addItem(plot)
            self._pool.append(plot)
        rows, cols = grid_shape(max(n, 1))
        layout.addItem(self.heading, row=0, col=0, colspan=cols)
        self.heading.show()
        for i, plot in enumerate(self._pool[:n]):
            r, c = divmod(i, cols)
            plot.clear()
            layout.addItem(plot, row=r + 1, col=c)
            plot.show()
        self.plots = self._pool[:n]

    def _fill_view(self) -> None:
        if self.ci.geometry() != self.range:
            self.ci.setGeometry(self.range)

    def show_message(self, text: str) -> None:
        self._remove_texts()
        self._layout(0)
        self.notes = []
        self.heading.setText(text, size="11pt")

    def _remove_texts(self) -> None:
        for text in self._texts:
            text.setParentItem(None)
            if text.scene() is not None:
                text.scene().removeItem(text)
        self._texts = []

    def set_panels(self, panels: list[Panel], n_colours: int, x_label: str, y_label: str,
                   shared_y: bool = True, legend: list[str] | None = None,
                   heading: str = "") -> None:
        """``legend``: one name per colour, shown once above the grid (a legend inside a
        small panel would hide its data); fits are the lines, data the points."""
        self.ci.layout.setHorizontalSpacing(14)  # keeps "10¹" clear of the next panel's axis
        self._remove_texts()
        self._layout(len(panels))
        self.notes = [p.note for p in panels]
        rows, cols = grid_shape(len(panels))
        if legend:
            keys = "  ".join(f"<span style='color:{pen_for(i, n_colours).color().name()}'>"
                             f"●</span> {name}" for i, name in enumerate(legend))
            heading = f"{heading}<br>{keys}" if heading else keys
        self.heading.setText(heading, size="10pt")
        y_range = shared_y_range(panels) if shared_y else None
        for i, (plot, panel) in enumerate(zip(self.plots, panels, strict=True)):
            r, c = divmod(i, cols)
            self._draw(plot, panel, n_colours)
            plot.setTitle(panel.title, size="8pt")
            # A title's text width would otherwise set the panel's minimum width and push
            # the last column out of view; long titles are elided by the label instead.
            plot.titleLabel.setMinimumWidth(0)
            plot.setLabel("bottom", x_label if r == rows - 1 or i + cols >= len(panels) else "")
            plot.setLabel("left", y_label if c == 0 else "")
            if y_range is not None:
                plot.setYRange(*y_range, padding=0)
            else:
                plot.enableAutoRange(y=True)
            plot.enableAutoRange(x=True)

    def _draw(self, plot: pg.PlotItem, panel: Panel, n_colours: int) -> None:
        if panel.band is not None:
            x, lo, hi = (ADAPTER.convert(a, np.float64) for a in panel.band)
            keep = (x > 0) & np.isfinite(lo) & np.isfinite(hi)
            low = plot.plot(x[keep], lo[keep], pen=pg.mkPen((200, 60, 60, 90)))
            high = plot.plot(x[keep], hi[keep], pen=pg.mkPen((200, 60, 60, 90)))
            plot.addItem(pg.FillBetweenItem(low, high, brush=pg.mkBrush(220, 80, 80, 70)))
        for s in panel.points:
            x, y = ADAPTER.curve(s.x, s.y)
            keep = (x > 0) & np.isfinite(y)
            pen = pen_for(s.index, n_colours)
            plot.plot(x[keep], y[keep], pen=None, symbol="o", symbolSize=4,
                      symbolPen=pen, symbolBrush=pen.color(), name=s.label or None)
            if s.err is not None:
                err = np.nan_to_num(ADAPTER.convert(s.err, np.float64)[keep])
                plot.addItem(pg.ErrorBarItem(x=np.log10(x[keep]), y=y[keep], height=2 * err,
                                             pen=pg.mkPen(pen.color(), width=1)))
        for s in panel.lines:
            x, y = ADAPTER.curve(s.x, s.y)
            keep = (x > 0) & np.isfinite(y)
            colour = pen_for(s.index, n_colours).color().darker(170)  # a fit stands out of its points
            plot.plot(x[keep], y[keep], pen=pg.mkPen(colour, width=2), name=s.label or None)
        if panel.note:
            failed = panel.note.startswith("fit failed")
            text = pg.TextItem(panel.note, color=(200, 0, 0) if failed else (150, 90, 0),
                               anchor=(0, 0))
            text.setParentItem(plot.vb)  # view-box pixels: stays put when zoomed
            text.setPos(4, 2)
            text.setTextWidth(150)
            self._texts.append(text)
