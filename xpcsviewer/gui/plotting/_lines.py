"""The one line plot of the tabs: :class:`~xpcsviewer.gui.line.Line` objects as lines or as
points with error bars (also on log axes), and curves coloured by a value (segment, age) with
a colour bar beside them.

:class:`ColorScale` carries no pyqtgraph objects, so the matplotlib export (``_export``)
draws the very same lines in the very same colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg

from .._words import listed
from ..line import RGB, Line, resolve
from ._axes import log_axes
from ._colormaps import colormap
from ._legend import set_legend_shown
from ._notes import NotedPanel, PlotNote, add_legend, drawn, escape, tooltip
from ._shared import ADAPTER, loose_title, no_si_prefixes

_SOLID, _DASH = pg.QtCore.Qt.PenStyle.SolidLine, pg.QtCore.Qt.PenStyle.DashLine


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


def pen_for(colour: int | RGB | None, n_colours: int = 0) -> pg.QtGui.QPen:
    """A width-2 pen in a line's colour (:class:`~xpcsviewer.gui.line.Line`; None: the
    first). ``n_colours``, how many files share the plot, does not change it: the palette
    cycles (the g2 grid passes it along)."""
    return pg.mkPen(resolve(colour), width=2)


def _visible(x: np.ndarray, y: np.ndarray, log_x: bool, log_y: bool) -> np.ndarray:
    keep = np.isfinite(x) & np.isfinite(y)
    if log_x:
        keep &= x > 0
    if log_y:
        keep &= y > 0
    return keep


def _error_bars(x: np.ndarray, y: np.ndarray, err: np.ndarray, log_x: bool, log_y: bool,
                pen: Any) -> pg.ErrorBarItem:
    """y ± err as drawn in the view's coordinates: pyqtgraph's log mode does not transform
    an ErrorBarItem, so on log axes its ends are placed in log10 units by hand (the lower end
    clipped at y/100, where y - err would be non-positive)."""
    err = np.nan_to_num(err)
    bx = np.log10(x) if log_x else x
    if not log_y:
        return pg.ErrorBarItem(x=bx, y=y, height=2 * err, pen=pen)
    lo = np.maximum(y - err, y / 100)
    centre = np.log10(y)
    return pg.ErrorBarItem(x=bx, y=centre, top=np.log10(y + err) - centre,
                           bottom=centre - np.log10(lo), pen=pen)


GROUP_OVER = 40  # more lines than this (many overlaid files): the rest are grouped
NAMED_LINES = 12  # then the lines drawn one item each and named in the legend
MORE_NAMES = 40  # names of the grouped lines listed in the legend's tooltip


LONG_LINE = 512  # points above which a line is drawn 1 px wide, downsampled (pyqtgraph peak)
CROWD_POINTS = 256  # points kept of each grouped line: its min and max per part


def _thin(pen: Any) -> Any:
    thin = pg.mkPen(pen)
    thin.setWidthF(1.0)
    return thin


def _peaks(x: np.ndarray, y: np.ndarray, parts: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` cut into ``parts`` runs of consecutive points, each drawn as its minimum
    and maximum y at the run's first x (pyqtgraph's "peak" downsampling): the outline of a
    long trace, spikes included, in 2 * parts points. NaN-free input (kept points)."""
    n = x.size // parts * parts
    runs_y = y[:n].reshape(parts, -1)
    out_x = np.repeat(x[:n:n // parts], 2)
    out_y = np.column_stack([runs_y.min(axis=1), runs_y.max(axis=1)]).ravel()
    if n < x.size:  # the points left over after whole runs
        out_x = np.concatenate([out_x, x[n:]])
        out_y = np.concatenate([out_y, y[n:]])
    return out_x, out_y


class _Drawn:
    """What a ``set_lines`` call drew: each line's shown y, the error bars' ends (for the
    one-level range) and the count of finite points hidden by log axes."""

    def __init__(self) -> None:
        self.shown_y: list[np.ndarray] = []
        self.ends: list[np.ndarray] = []
        self.hidden = 0

    def add_ends(self, y: np.ndarray, err: np.ndarray) -> None:
        ok = np.isfinite(err)
        self.ends += [y[ok] + np.abs(err[ok]), y[ok] - np.abs(err[ok])]


class LinePanel(NotedPanel, pg.GraphicsLayoutWidget):
    """A plot of :class:`~xpcsviewer.gui.line.Line` objects with an optional colour bar.
    Points hidden on log axes (non-positive) are counted in the title rather than dropped
    silently, and a plot left with nothing to draw says why in a note inside it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot = self.addPlot(row=0, col=0, axisItems=log_axes())
        loose_title(self.plot)  # a long title overhangs rather than widening the plot
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
        # Units live in the label text: pyqtgraph's own units would add SI prefixes (mÅ⁻¹).
        self.plot.setLabel("bottom", escape(x_label))
        self.plot.setLabel("left", escape(y_label))
        self.plot.setLogMode(x=log_x, y=log_y)
        self._log = (log_x, log_y)
        self._title = title

    def set_lines(self, lines: list[Line], scale: ColorScale | None = None,
                  legend: bool = True, empty_note: str = "") -> None:
        """Draw ``lines``; when none has a point to show, the plot says ``empty_note`` (or
        that nothing is finite / positive on these axes). Of more than ``GROUP_OVER``
        lines (200 overlaid files) the first ``NAMED_LINES`` are items of their own, named
        in the legend, and the rest are drawn as one item per look (colour, style), unnamed,
        with one legend row counting them."""
        self.plot.clear()
        self.legend.clear()
        self._drawn = _Drawn()
        self._thin = any(not ln.symbol and np.size(ln.x) > LONG_LINE for ln in lines)
        named, rest = ((lines, []) if len(lines) <= GROUP_OVER
                       else (lines[:NAMED_LINES], lines[NAMED_LINES:]))
        for position, line in enumerate(named):
            self._draw_one(position, line, legend)
        if rest:
            self._draw_grouped(rest, len(named))
            if legend:
                # pyqtgraph lays its legend out again per entry (O(n²): 0.6 s for 200)
                more = pg.PlotDataItem([], [], pen=None)
                self.legend.addItem(more, f"… {len(rest)} more (hover: names)")
                self.legend.setToolTip(tooltip("\n".join(
                    [ln.label for ln in rest[:MORE_NAMES] if ln.label]
                    + ([f"… {len(rest) - MORE_NAMES} more"] if len(rest) > MORE_NAMES else []))))
        else:
            self.legend.setToolTip("")
        hidden = self._drawn.hidden
        shown_y, ends = self._drawn.shown_y, self._drawn.ends
        if scale is not None:
            self.colorbar.setColorMap(colormap(scale.colormap))
            self.colorbar.setLevels((scale.vmin, scale.vmax if scale.vmax > scale.vmin else scale.vmin + 1))
            self.colorbar.setLabel("right", escape(scale.label))
        self.colorbar.setVisible(scale is not None)
        set_legend_shown(self.plot, legend)
        note = f"  ({hidden} non-positive points hidden on log axes)" if hidden else ""
        self.plot.setTitle(escape(self._title + note) or None)
        self.plot.enableAutoRange()
        self._one_level_range(np.concatenate(shown_y or [np.empty(0)]),
                              np.concatenate(ends or [np.empty(0)]))
        if drawn(self.plot):
            self.note.set("")
        elif empty_note:
            self.note.set(empty_note)
        elif not lines:
            self.note.set("nothing to plot")
        else:
            self.note.set("no finite point to draw" + (" (non-positive values on log axes)"
                                                       if hidden else ""))

    def _draw_one(self, position: int, line: Line, legend: bool) -> None:
        x, y, keep, pen, colour = self._prepared(position, line)
        name = (line.label or None) if legend else None
        if line.symbol or keep.sum() == 1:  # a single point is no line: show it as a point
            item = self.plot.plot(x[keep], y[keep], pen=None, symbol="o", symbolSize=6,
                                  symbolPen=pen, symbolBrush=colour, name=name)
        elif keep.sum() > LONG_LINE:
            # Drawn at the screen's resolution (min and max per pixel column, in view) with a
            # 1 px pen: Qt strokes a 2 px antialiased polyline of a noisy trace very slowly,
            # ~2 s per 10,000 frames (200 overlaid intensity traces froze the window for
            # 100 s); a 1 px line of the same points takes a few ms, and reads better.
            item = self.plot.plot(x[keep], y[keep], pen=_thin(pen), name=name)
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        else:  # beside a long line, 1 px too: a width must not tell one file from another
            item = self.plot.plot(x[keep], y[keep], pen=_thin(pen) if self._thin else pen,
                                  name=name)
        item.setToolTip(tooltip(line.label) if line.label else "")
        if line.err is not None:
            err = ADAPTER.convert(line.err, np.float64)[keep]
            self.plot.addItem(_error_bars(x[keep], y[keep], err, *self._log, pen))
            self._drawn.add_ends(y[keep], err)

    def _draw_grouped(self, lines: list[Line], start: int) -> None:
        """``lines`` (their positions from ``start``) as one item per look: the curves of a
        look joined end to end with a NaN between them (``connect="finite"``), the points of
        a look in one scatter, the error bars of a look in one item."""
        groups: dict[tuple, list[tuple]] = {}
        for position, line in enumerate(lines, start=start):
            x, y, keep, pen, colour = self._prepared(position, line)
            points = bool(line.symbol or keep.sum() == 1)
            err = (None if line.err is None
                   else ADAPTER.convert(line.err, np.float64)[keep])
            xk, yk = x[keep], y[keep]
            if not points and xk.size > CROWD_POINTS:  # one of many: its outline is enough
                xk, yk = _peaks(xk, yk, CROWD_POINTS // 2)
            groups.setdefault((colour, points, bool(line.dashed)), []).append(
                (xk, yk, err, pen, line.label))
        gap = np.array([np.nan])
        for (colour, points, _), members in groups.items():
            pen = members[0][3]
            if len(members) == 1:  # a look of its own (a colour scale): its data as given
                xs, ys = members[0][0], members[0][1]
            else:
                xs = np.concatenate([part for m in members for part in (m[0], gap)])
                ys = np.concatenate([part for m in members for part in (m[1], gap)])
            if points:
                item = self.plot.plot(xs, ys, pen=None, symbol="o", symbolSize=6,
                                      symbolPen=pen, symbolBrush=colour)
            else:
                item = self.plot.plot(xs, ys, pen=_thin(pen), connect="finite")  # 1 px: above
            item.setToolTip(tooltip(listed([m[4] for m in members if m[4]])))
            with_err = [m for m in members if m[2] is not None]
            if with_err:
                ex, ey, ee = (np.concatenate([m[i] for m in with_err]) for i in range(3))
                self.plot.addItem(_error_bars(ex, ey, ee, *self._log, pen))
                self._drawn.add_ends(ey, ee)

    def _prepared(self, position: int, line: Line) -> tuple:
        """(x, y, kept mask, pen, colour) of ``line`` at ``position``, its shown points and
        hidden count recorded."""
        x, y = ADAPTER.curve(line.x, line.y)
        keep = _visible(x, y, *self._log)
        self._drawn.shown_y.append(y[keep])
        # NaN marks "no value here" (e.g. no frame pairs); only finite points count as hidden.
        self._drawn.hidden += int((np.isfinite(x) & np.isfinite(y) & ~keep).sum())
        colour = resolve(line.colour, position)
        pen = pg.mkPen(colour, width=1 if line.symbol else 2,
                       style=_DASH if line.dashed else _SOLID)
        return x, y, keep, pen, colour

    def _one_level_range(self, ys: np.ndarray, ends: np.ndarray) -> None:
        """A single point (every drawn point at one y) spans no height: pyqtgraph's range is
        then its error bar alone, or nothing, with no tick inside to read the value by (a log
        axis labels only 1..9 x 10^k). Such a plot gets a y range around the value: at least
        half a decade on log axes (two labelled ticks at least), ±10 % (±1 at 0) on linear
        ones, and never less than the error bars (``ends``)."""
        ys = np.unique(ys[np.isfinite(ys)])
        if ys.size != 1:  # nothing drawn, or a real spread: pyqtgraph's own range
            return
        value = float(ys[0])
        ends = ends[np.isfinite(ends)]
        if self._log[1]:
            ends = np.log10(ends[ends > 0])
            centre, half = float(np.log10(value)), 0.25
        else:
            centre, half = value, 0.1 * abs(value) if value != 0 else 1.0
        lo = min(centre - half, float(ends.min(initial=np.inf)))
        hi = max(centre + half, float(ends.max(initial=-np.inf)))
        self.plot.setYRange(lo, hi, padding=0.05)

    def _clear_data(self) -> None:
        self.plot.clear()
        self.legend.clear()
        set_legend_shown(self.plot, False)
        self.colorbar.setVisible(False)

    def line_data(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        """``(x, y, label)`` of every curve as plotted (for tests)."""
        out = []
        for item in self.plot.listDataItems():
            x, y = item.getOriginalDataset()
            out.append((x, y, item.name() or item.toolTip() or ""))
        return out

