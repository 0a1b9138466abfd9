"""The items one panel of a :class:`PanelGrid` shows, kept across redraws.

Making PlotDataItems and adding them to a plot is most of a redraw's cost (each add walks
the scene: itemChange and changeParent for every child, log mode applied after the data,
so the points are laid out twice). A fit arriving, a NUTS band or a new bin range mostly
changes only the numbers, so each plot keeps its items and gets new data through
``setData``; items are added or removed only where the list of what is drawn changes.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pyqtgraph as pg

from ..line import resolve
from ..theme import active
from ._lines import pen_for
from ._notes import escape, tooltip
from ._panel_note import quiet_corner
from ._panel_points import LineItem, PointsItem
from ._shared import ADAPTER

_BAND_PEN = (200, 60, 60, 90)
_BAND_BRUSH = (220, 80, 80, 70)


class PanelItems:
    """Pools of point (with their error bars) and fit items, the band and the note of one plot."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.points: list[PointsItem] = []
        self.lines: list[LineItem] = []
        self.band: tuple[Any, Any, Any] | None = None  # (low, high, fill), made on first use
        self.shown: list[Any] = []  # items in the plot now, in drawing order
        self.labels: dict[str, Any] = {}  # title and axis labels last set (setting one relayouts)
        self.note = pg.TextItem("", anchor=(0, 0))
        self.note.setParentItem(plot.vb)  # view-box pixels: stays put when zoomed
        self.note.setPos(4, 2)
        self.note.hide()
        self.noted = False
        self.hold_note = False  # set while a page is drawn: the note is placed once, after
        self._note_boxes: tuple[Any, list] = (None, [])  # (text, room) -> [(width, size)]
        # In the corner with the fewest points, placed again when the plot's size or range
        # changes (nothing to do while no note is shown).
        plot.vb.sigResized.connect(self.place_note)
        plot.vb.sigRangeChanged.connect(self.place_note)

    def set_label(self, where: str, text: str) -> bool:
        """An axis label (``plot.setLabel``, which re-lays out the plot and makes its axes
        draw their ticks afresh) only when the text changes; the title (plain text) without
        any re-layout: see :class:`PanelTitle`. Whether it changed."""
        if self.labels.get(where) == text:
            return False
        self.labels[where] = text
        if where == "title":
            self.plot.titleLabel.setText(text)
        else:
            self.plot.setLabel(where, escape(text))
        return True

    def draw(self, panel: Any, n_colours: int) -> None:
        wanted: list[Any] = []  # drawing order: band, then points with their bars, then fits
        n_points = 0
        if panel.band is not None:
            x, lo, hi = (ADAPTER.convert(a, np.float64) for a in panel.band)
            keep = (x > 0) & np.isfinite(lo) & np.isfinite(hi)
            low, high, fill = self._band()
            low.setData(x[keep], lo[keep])
            high.setData(x[keep], hi[keep])
            wanted += [low, high, fill]
        for i, s in enumerate(panel.points):
            x, y = ADAPTER.curve(s.x, s.y)
            keep = (x > 0) & np.isfinite(y)
            n_points += int(keep.sum())
            item = _nth(self.points, i, PointsItem)
            err = None
            if s.err is not None:
                err = ADAPTER.convert(s.err, np.float64)[keep]
                if not np.isfinite(err).all():  # nan_to_num is slow: only where needed
                    err = np.nan_to_num(err)
            item.set_points(x[keep], y[keep], err, _styles(s.colour, n_colours)[0],
                            s.label or None, s.marker)
            wanted.append(item)  # its error bars too: at log10 t on the log-x plot
        for i, s in enumerate(panel.lines):
            x, y = ADAPTER.curve(s.x, s.y)
            keep = (x > 0) & np.isfinite(y)
            item = _nth(self.lines, i, _line_item)
            item.set_line(x[keep], y[keep], _styles(s.colour, n_colours)[1], s.label or None)
            wanted.append(item)
        self._show(wanted)
        if panel.band is not None:
            # The fill copies its curves' paths when their data change; a curve first added to
            # a log-x plot gets its log mode only afterwards, without telling the fill, which
            # then sat at t instead of log10 t and stretched the x range to 10**t_max.
            self.band[2].updatePath()
        # a panel without a point to draw says so rather than staying blank
        self._set_note(panel.note or ("" if n_points else "no finite value at t > 0 to draw"),
                       getattr(panel, "tip", ""))

    def points_drawn(self) -> bool:
        """Whether a series of points or a line in the plot has a value to draw (``drawn``
        counts pyqtgraph's data items only)."""
        return any(item in self.shown and item.getData()[1].size
                   for item in [*self.points, *self.lines])

    def _band(self) -> tuple[Any, Any, Any]:
        if self.band is None:
            low = pg.PlotDataItem(pen=pg.mkPen(_BAND_PEN))
            high = pg.PlotDataItem(pen=pg.mkPen(_BAND_PEN))
            self.band = (low, high, pg.FillBetweenItem(low, high, brush=pg.mkBrush(_BAND_BRUSH)))
            for item in self.band:  # under the points, which stay parented when taken out
                item.setZValue(-1)
        return self.band

    def _show(self, wanted: list[Any]) -> None:
        """Make the plot hold exactly ``wanted``, in that order, touching only what differs:
        the shared leading items stay (usually all of them), the rest is taken out and the
        new tail added. Stacking is the drawing order: pyqtgraph stacks by z (band -1,
        points 0, fits 5), and points of equal z in pool order (the order they were made)."""
        same = 0
        for old, new in zip(self.shown, wanted, strict=False):
            if old is not new:
                break
            same += 1
        for item in self.shown[same:]:
            if isinstance(item, _LEAN):
                _detach(self.plot, item)
            else:
                self.plot.removeItem(item)
        for item in wanted[same:]:
            if isinstance(item, _LEAN):
                _attach(self.plot, item)
            else:
                self.plot.addItem(item)  # also applies the plot's log-x mode to data items
        self.shown = wanted

    def _set_note(self, note: str, tip: str = "") -> None:
        self.noted = bool(note)
        if not note:
            self.note.hide()
            return
        failed = note.startswith("fit failed")
        theme = active()
        self.note.setText(note, color=theme.alarm if failed else theme.note)
        self.note.textItem.setToolTip(tooltip(tip) if tip else "")  # e.g. the files without a bin
        self.note.show()
        self.place_note()

    def place_note(self, *_: Any) -> None:
        """Move the note to the corner of the plot where it covers the fewest points: as
        wide as its text (at most the plot's width), or wrapped to half the plot's width
        when a narrower box leaves a corner freer (a note as wide as a 175 px plot covered
        some data in every corner)."""
        if not self.noted or self.hold_note:
            return
        text = self.note.textItem
        room = max(60.0, self.plot.vb.width() - 8)
        key = (text.toPlainText(), room)
        if self._note_boxes[0] != key:  # laying the text out is the costly part: once a text
            text.setTextWidth(-1)
            widths = [min(text.boundingRect().width(), room)]
            if widths[0] > room / 2 + 20:
                widths.append(max(60.0, room / 2))
            boxes = []
            for width in widths:
                text.setTextWidth(width)
                boxes.append((width, text.boundingRect().size()))
            self._note_boxes = (key, boxes)
        boxes = self._note_boxes[1]
        rank, where = quiet_corner(self.plot.vb, [(size.width(), size.height()) for _, size in boxes],
                                   [i for i in self.shown if isinstance(i, PointsItem)],
                                   [i for i in self.shown if isinstance(i, LineItem)])
        width = boxes[rank][0]
        if text.textWidth() != width:
            text.setTextWidth(width)
        self.note.setPos(where)


_LEAN = (PointsItem, LineItem)


def _attach(plot: pg.PlotItem, item: Any) -> None:
    """``plot.addItem(item)`` for a lean item: a data item of the plot (``listDataItems``)
    in the view box's auto-range, in the plot's log-x mode, as there. Without what only
    pyqtgraph's own curves need (adding it to the scene before parenting it: a second
    round of change events; the curve list: menu entries, decimation, alpha), and an item
    :func:`_detach` took out is only shown again: parenting an item (its change events,
    its links to the view) was a quarter of the window's block when a 12-file overlay
    followed a 1-file one."""
    vb = plot.vb
    if item.parentItem() is vb.childGroup:
        item.show()
    else:
        if item.zValue() < vb.zValue():
            item.setZValue(vb.zValue() + 1)
        item.setParentItem(vb.childGroup)
    plot.items.append(item)
    plot.dataItems.append(item)
    vb.addedItems.append(item)
    vb.queueUpdateAutoRange()
    item.setLogMode(plot.ctrl.logXCheck.isChecked(), plot.ctrl.logYCheck.isChecked())


def _detach(plot: pg.PlotItem, item: Any) -> None:
    """Take an item put there by :func:`_attach` out of ``plot``: out of its item lists
    and auto-range, hidden, still parented (stacking by z: band < points < fits)."""
    plot.items.remove(item)
    plot.dataItems.remove(item)
    plot.vb.addedItems.remove(item)
    item.hide()
    plot.vb.queueUpdateAutoRange()


def fit_colour(index: Any, n_colours: int, theme: Any = None) -> Any:
    """A fit line's QColor: the theme's ink for one file (black on white, light grey on
    dark: it contrasts with any point colour), else a deeper (light theme) or paler (dark
    theme) shade of its file's colour. ``theme``: the active one by default (exports pass
    the light theme: paper)."""
    theme = theme or active()
    if n_colours <= 1:
        return pg.mkColor(theme.foreground)
    base = pg.mkColor(resolve(index, 0, theme))
    return base.darker(180) if theme.name == "light" else base.lighter(150)


_STYLES: dict[tuple, tuple[Any, Any]] = {}  # (colour, n_colours, theme) -> (QColor, QPen)


def _styles(colour: Any, n_colours: int) -> tuple[Any, Any]:
    """(points' colour, fit line's pen) of a series colour, made once per theme: a page of
    15 panels of 5 files made 150 pens per flip. Neither is changed by the items."""
    plain = colour if colour is None else int(colour) if isinstance(colour, Integral) else tuple(colour)
    key = (plain, n_colours, active())
    styles = _STYLES.get(key)
    if styles is None:
        styles = (pen_for(colour, n_colours).color(),
                  pg.mkPen(fit_colour(colour, n_colours), width=2))
        _STYLES[key] = styles
    return styles


def _line_item() -> LineItem:
    item = LineItem()
    item.setZValue(5)  # over the points, however dense
    return item


def _nth(pool: list[Any], i: int, make: Any) -> Any:
    """The pool's i-th item, made when the pool is shorter."""
    while len(pool) <= i:
        pool.append(make())
    return pool[i]
