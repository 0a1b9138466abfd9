"""Styled line plots for the analysis tabs: lines or points, error bars that also work on a
log-t axis, and curves coloured by a value (segment, age) with a colour bar beside them.

:class:`Line` and :class:`ColorScale` carry no pyqtgraph objects, so the matplotlib export
draws the very same lines in the very same colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg

from ..theme import Theme, active
from ._axes import log_axes
from ._colormaps import colormap
from ._curves import palette as _colours
from ._legend import set_legend_shown
from ._notes import PlotNote, add_legend, drawn, escape, tooltip
from ._shared import ADAPTER, loose_title, no_si_prefixes

RGB = tuple[int, int, int]
#: "The ink colour": black on paper and in the light theme, light grey in the dark one
#: (a reference curve such as the stored multi-tau g2 or a mean).
INK: RGB = (-1, -1, -1)


@dataclass(frozen=True)
class Line:
    """One curve: ``x``, ``y`` (n,) in the panel's units; ``err`` (n,) one-sigma or None.

    color: RGB 0..255, None = the panel's palette, ``INK`` = the theme's ink; symbol: points (measured data) rather
    than a line (derived curves); dashed: a line drawn dashed (rejected, reference).
    """

    x: Any
    y: Any
    label: str = ""
    err: Any = None
    color: RGB | None = None
    symbol: bool = False
    dashed: bool = False


@dataclass(frozen=True)
class ColorScale:
    """Values ``vmin..vmax`` mapped through the named colour map; ``label`` with units."""

    colormap: str
    vmin: float
    vmax: float
    label: str

    def rgb(self, value: float) -> RGB:
        span = self.vmax - self.vmin
        fraction = 0.5 if span == 0 else float(np.clip((value - self.vmin) / span, 0.0, 1.0))
        r, g, b, _ = colormap(self.colormap).map(fraction, mode="byte")
        return int(r), int(g), int(b)


def palette(index: int, total: int, theme: Theme | None = None) -> RGB:
    """The same overlay colours as every other plot (``theme``'s line colours, default the
    active theme's), as RGB."""
    colours = _colours() if theme is None else theme.lines
    return _hex_rgb(colours[index % len(colours)])


def resolve(color: RGB | None, index: int, total: int, theme: Theme | None = None) -> RGB:
    """A line's colour: its own, the palette's (None) or the ink (``INK``)."""
    if color is None:
        return palette(index, total, theme)
    if color == INK:
        return _hex_rgb((theme or active()).foreground)
    return color


def _hex_rgb(text: str) -> RGB:
    h = text.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _visible(x: np.ndarray, y: np.ndarray, log_x: bool, log_y: bool) -> np.ndarray:
    keep = np.isfinite(x) & np.isfinite(y)
    if log_x:
        keep &= x > 0
    if log_y:
        keep &= y > 0
    return keep


class LinePanel(pg.GraphicsLayoutWidget):
    """A plot of :class:`Line` objects with an optional colour bar. Points hidden on log
    axes (non-positive) are counted in the title rather than dropped silently, and a plot
    left with nothing to draw says why in a note inside it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot = self.addPlot(row=0, col=0, axisItems=log_axes())
        loose_title(self.plot)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.legend = add_legend(self.plot, offset=(-10, 10), labelTextSize="8pt")
        self.note = PlotNote(self.plot)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=colormap("viridis"),
                                        interactive=False, width=14)
        self.addItem(self.colorbar, row=0, col=1)
        self.colorbar.setVisible(False)
        no_si_prefixes(self.plot, self.colorbar.axis)
        # A fixed width: the axis only grows for long tick text after a repaint, which a
        # snapshot taken straight after rendering would miss (ticks like 0.4625 vanished).
        self.plot.getAxis("left").setWidth(62)
        self.colorbar.axis.setWidth(58)  # room for ticks and label before the first repaint
        self._log = (False, False)
        self._title = ""

    def set_axes(self, x_label: str, y_label: str, log_x: bool = False, log_y: bool = False,
                 title: str = "") -> None:
        self.plot.setLabel("bottom", escape(x_label))
        self.plot.setLabel("left", escape(y_label))
        self.plot.setLogMode(x=log_x, y=log_y)
        self._log = (log_x, log_y)
        self._title = title

    def set_lines(self, lines: list[Line], scale: ColorScale | None = None,
                  legend: bool = True, empty_note: str = "") -> None:
        """Draw ``lines``; when none has a point to show, the plot says ``empty_note`` (or
        that nothing is finite / positive on these axes)."""
        self.plot.clear()
        self.legend.clear()
        hidden = 0
        for index, line in enumerate(lines):
            x, y = ADAPTER.curve(line.x, line.y)
            keep = _visible(x, y, *self._log)
            # NaN marks "no value here" (e.g. no frame pairs); only finite points count as hidden.
            hidden += int((np.isfinite(x) & np.isfinite(y) & ~keep).sum())
            color = resolve(line.color, index, len(lines))
            pen = pg.mkPen(color, width=1 if line.symbol else 2,
                           style=pg.QtCore.Qt.PenStyle.DashLine if line.dashed else pg.QtCore.Qt.PenStyle.SolidLine)
            name = (line.label or None) if legend else None
            if line.symbol or keep.sum() == 1:  # a single point is no line: show it as a point
                item = self.plot.plot(x[keep], y[keep], pen=None, symbol="o", symbolSize=5,
                                      symbolPen=pen, symbolBrush=color, name=name)
            else:
                item = self.plot.plot(x[keep], y[keep], pen=pen, name=name)
            item.setToolTip(tooltip(line.label) if line.label else "")
            if line.err is not None and not self._log[1]:
                err = ADAPTER.convert(line.err, np.float64)[keep]
                # In log-x mode the view's x coordinate is log10(x); error bars live there.
                ex = np.log10(x[keep]) if self._log[0] else x[keep]
                self.plot.addItem(pg.ErrorBarItem(x=ex, y=y[keep], height=2 * err, pen=pen))
        if scale is not None:
            self.colorbar.setColorMap(colormap(scale.colormap))
            self.colorbar.setLevels((scale.vmin, scale.vmax if scale.vmax > scale.vmin else scale.vmin + 1))
            self.colorbar.setLabel("right", escape(scale.label))
        self.colorbar.setVisible(scale is not None)
        set_legend_shown(self.plot, legend)
        note = f"  ({hidden} non-positive points hidden on log axes)" if hidden else ""
        self.plot.setTitle(escape(self._title + note) or None)
        self.plot.enableAutoRange()
        if drawn(self.plot):
            self.note.set("")
        elif empty_note:
            self.note.set(empty_note)
        elif not lines:
            self.note.set("nothing to plot")
        else:
            self.note.set("no finite point to draw" + (" (non-positive values on log axes)"
                                                       if hidden else ""))

    def show_message(self, text: str) -> None:
        """An empty plot that says why it is empty."""
        self.plot.clear()
        self.legend.clear()
        set_legend_shown(self.plot, False)
        self.colorbar.setVisible(False)
        self.plot.setTitle(None)
        self.note.set(text)

    def blank_parts(self) -> list[str]:
        return [] if drawn(self.plot) or self.note.text else ["empty plot"]

    def notes_shown(self) -> list[str]:
        return [self.note.text] if self.note.text else []

    def line_data(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        """``(x, y, label)`` of every curve as plotted (for tests)."""
        out = []
        for item in self.plot.listDataItems():
            x, y = item.getOriginalDataset()
            out.append((x, y, item.name() or item.toolTip() or ""))
        return out
