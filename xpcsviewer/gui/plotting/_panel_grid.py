"""A grid of small plots, one per dynamic bin: points with error bars, fit lines, a
posterior band and a red note (e.g. "fit failed: ...") per panel.

The x axis is log t: pyqtgraph's log mode transforms curves but not error bars, so error
bars are placed at log10(t) by hand.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from ..line import INK, MARKER_GLYPHS, Line, marker, resolve
from ._lines import pen_for
from ._notes import drawn, escape, tooltip
from ._panel_items import PanelItems
from ._panel_points import panel_axes
from ._panel_title import install_pair_title
from ._shared import LooseLabel, no_si_prefixes


@dataclass(frozen=True)
class Panel:
    title: str
    points: list[Line] = field(default_factory=list)  # data, drawn as symbols + error bars
    lines: list[Line] = field(default_factory=list)  # fits, drawn as lines
    band: tuple[Any, Any, Any] | None = None  # (x, lo, hi): a shaded credible band
    note: str = ""  # shown in red inside the panel, in its emptiest corner
    tip: str = ""  # the tooltip of the title and the note (e.g. how the files pair here)


#: Smallest panel that stays readable at 100 % scaling (tick labels, title, a decay): a page
#: holds as many as fit, and the rest of the bins are on other pages.
MIN_PANEL_PX = (220, 160)
_HEADING_PX = 60  # the heading: title and a legend line
LEFT_AXIS_PX = 50
_SPACING_PX = 14  # between panels: keeps "10¹" clear of the next panel's axis
_MARGIN_PX = 20  # the layout's margins, both sides together


def grid_shape(n: int, max_cols: int | None = None) -> tuple[int, int]:
    """(rows, columns) for n panels: about 4:3, wider than tall, at most ``max_cols`` wide."""
    cols = max(1, math.ceil(math.sqrt(n * 4 / 3)))
    if max_cols is not None:
        cols = max(1, min(cols, max_cols))
    return math.ceil(n / cols), cols


def shared_y_range(panels: list[Panel]) -> tuple[float, float] | None:
    """(low, high) over every finite point ± its error (NaN error: 0) on the page, padded
    4 %; None when there is no spread. All series in one array: per series, numpy's calls
    on small arrays cost more than the numbers (12 files on 12 panels: 144 series)."""
    ys, es = [], []
    for panel in panels:
        for s in panel.points:
            y = np.asarray(s.y, dtype=np.float64).ravel()
            ys.append(y)
            es.append(np.zeros_like(y) if s.err is None
                      else np.broadcast_to(np.asarray(s.err, np.float64), y.shape).ravel())
    if not ys:
        return None
    y, e = np.concatenate(ys), np.nan_to_num(np.concatenate(es))
    ok = np.isfinite(y)
    if not ok.any():
        return None
    lo, hi = float((y - e)[ok].min()), float((y + e)[ok].max())
    if not hi > lo:
        return None
    pad = 0.04 * (hi - lo)
    return lo - pad, hi + pad


def shared_x_range(panels: list[Panel]) -> tuple[float, float] | None:
    """(log10 t_min, log10 t_max) over every positive x drawn on the page, padded 3 %."""
    lo, hi = math.inf, -math.inf
    for panel in panels:
        series = [*panel.points, *panel.lines]
        xs = [np.asarray(s.x, dtype=np.float64) for s in series]
        if panel.band is not None:
            xs.append(np.asarray(panel.band[0], dtype=np.float64))
        for x in xs:
            x = x[np.isfinite(x) & (x > 0)]
            if x.size:
                lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
    if not hi > lo:
        return None
    a, b = math.log10(lo), math.log10(hi)
    pad = 0.03 * (b - a)
    return a - pad, b + pad


_SEPARATORS = "_-. "
_FILE_ENDING = re.compile(r"(_results)?\.(hdf|hdf5|h5|nxs)$")  # boost_corr's result file names


def distinct_parts(names: list[str]) -> list[str]:
    """``names`` without what they all share at the start and at the end (cut at a
    separator, marked "…"): 'silica_in_glycerol_T15C_run0017_results.hdf' and '..._T25C_
    run0027_results.hdf' become '…T15C_run0017…' and '…T25C_run0027…'."""
    if len(set(names)) < max(2, len(names)):  # one name, or one name twice (two folders)
        return list(names)
    head = len(os.path.commonprefix(names))
    tail = len(os.path.commonprefix([n[::-1] for n in names]))
    tail = min(tail, min(len(n) for n in names) - head)  # prefix and suffix never overlap
    while head and names[0][head - 1] not in _SEPARATORS:
        head -= 1
    while tail and names[0][len(names[0]) - tail] not in _SEPARATORS:
        tail -= 1
    cores = [n[head:len(n) - tail] for n in names]
    if not all(cores) or len(set(cores)) < len(set(names)):  # e.g. one name in two folders
        return list(names)
    return [("…" if head else "") + c + ("…" if tail else "") for c in cores]


def _key_lines(parts: list[tuple[list[str], list[tuple[str, str]]]], metrics: QFontMetricsF,
               width: float) -> list[list[tuple[str, str, str]]]:
    """The key's lines of (name, colour, glyph): the non-empty ``parts`` (names with their
    (colour, glyph)) on one line when all their names fit ``width`` px whole, else a line
    each, its names elided to ``width`` (a second line rather than file names cut to a few
    characters beside the φ sectors)."""
    parts = [(names, styles) for names, styles in parts if names]
    extra = metrics.horizontalAdvance("●   ")
    need = sum(metrics.horizontalAdvance(n) + extra for names, _ in parts for n in names)
    if len(parts) > 1 and need <= width:
        return [[(n, *style) for names, styles in parts
                 for n, style in zip(names, styles, strict=True)]]
    return [[(n, *style) for n, style in zip(elided_names(names, metrics, width), styles,
                                             strict=True)]
            for names, styles in parts]


def elided_names(names: list[str], metrics: QFontMetricsF, width: float) -> list[str]:
    """``names`` as a key line "● a  ● b ..." fitting ``width`` px: first without a result
    file's ending ("_results.hdf") and the start and end they all share, then the longest
    shortened in the middle to an equal share of what
    the shorter ones leave (none below a few characters)."""
    extra = metrics.horizontalAdvance("●   ")  # a key's bullet and the gap after it
    room = width - extra * len(names)
    if sum(metrics.horizontalAdvance(n) for n in names) <= room:
        return list(names)
    names = distinct_parts([_FILE_ENDING.sub("", n) for n in names])
    widths = [metrics.horizontalAdvance(n) for n in names]
    if sum(widths) <= room:
        return names
    share, left = room / len(names), list(range(len(names)))
    for i in sorted(left, key=widths.__getitem__):  # short names keep their width
        if widths[i] > share:
            break
        room -= widths[i]
        left.remove(i)
        share = room / max(1, len(left))
    share = max(share, metrics.horizontalAdvance("abcdef…"))
    return [metrics.elidedText(n, Qt.TextElideMode.ElideMiddle, share) if i in left else n
            for i, n in enumerate(names)]


class PanelGrid(pg.GraphicsLayoutWidget):
    """``set_panels`` redraws every panel; ``plots`` lists the PlotItems (tests read them).

    A page holds at most ``capacity()`` panels, each at least ``MIN_PANEL_PX``; callers page
    through more (``capacity_changed`` fires when a resize changes how many fit).

    Plots are pooled and never destroyed while the widget lives: building a PlotItem is the
    slow part of a redraw, and a PlotItem dropped from the scene is left to Python's garbage
    collector, which may run on a worker thread (a crash with Qt objects) and leaves its
    parentless context menus behind as top-level widgets. Unused plots stay hidden in the
    scene, which deletes them with itself. Each plot keeps its curves too (``PanelItems``):
    a redraw mostly only gives them new data.
    """

    capacity_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._capacity = (0, 0)
        self._laid_out: tuple[int, tuple[int, int]] | None = (0, (1, 1))
        self.plots: list[pg.PlotItem] = []
        self._pool: list[pg.PlotItem] = []
        self._items: list[PanelItems] = []  # one per pooled plot, same order
        self.notes: list[str] = []
        self.message = ""  # what the grid says instead of panels ("" when it shows panels)
        # A long heading (five file names in the legend) overhangs; it must not widen the
        # layout past the widget, which clipped the last column of panels.
        self.heading = LooseLabel("", size="10pt")
        self.ci.layout.addItem(self.heading, 0, 0)
        self._placed: list[Any] = [self.heading]  # items in the grid layout now
        # Moving plots in and out of the layout while shown re-activates it, and Qt then
        # shrinks the top-level layout item to its minimum size (panels squashed into the top
        # of the widget); whenever that happens, give it the whole view back.
        self.ci.geometryChanged.connect(self._fill_view)
        self.heading.setMaximumHeight(44)
        # heading, legend (a name per colour), colours, markers (a name per shape)
        self._heading_parts: tuple[str, list[str], int, list[str]] | None = None
        # Error bars and axes are straight lines along the pixel grid: smoothing them only
        # costs time. Fit lines and symbols keep their own antialiasing (pyqtgraph's option).
        self.setAntialiasing(False)

    def _layout(self, n: int) -> None:
        shape = (n, grid_shape(max(n, 1), self.capacity()[1]))
        if shape == self._laid_out:
            return
        self._laid_out = shape
        # Placed in Qt's grid directly: pyqtgraph's GraphicsLayout.addItem activates the whole
        # layout after each item (12 plots placed, 12 layouts: most of the 200-file freeze),
        # and its removeItem takes the item out of the scene, to be added again. Here items
        # leave the grid but stay in the scene (children of the layout's item), hidden.
        grid = self.ci.layout
        for item in self._placed:
            grid.removeItem(item)
        for item in [self.heading, *self._pool]:
            item.hide()
        self._placed = []
        while len(self._pool) < n:
            plot = pg.PlotItem(axisItems=panel_axes())
            install_pair_title(plot)  # 1-2 lines, elided: never widens the panel past the page
            no_si_prefixes(plot)
            plot.setLogMode(x=True, y=False)
            # No grid lines in the small panels: the axes' ticks carry the numbers, and the
            # grid was a third of a page's paint (20 panels of 5 files: 0.74 -> 0.50 s CPU).
            # Wide enough for g2 labels ("1.25", "0.995") inside the panel's own axis, and fixed,
            # so a redraw with other numbers keeps the layout and the drawn axes.
            plot.getAxis("left").setWidth(LEFT_AXIS_PX)
            if self._pool:
                plot.setXLink(self._pool[0])
            plot.setParentItem(self.ci)  # in the scene, owned by it, whether placed or not
            self._pool.append(plot)
            self._items.append(PanelItems(plot))
        rows, cols = grid_shape(max(n, 1), self.capacity()[1])
        grid.addItem(self.heading, 0, 0, 1, cols)
        self.heading.show()
        for i, plot in enumerate(self._pool[:n]):
            r, c = divmod(i, cols)
            grid.addItem(plot, r + 1, c)
            plot.show()
        self._placed = [self.heading, *self._pool[:n]]
        # Equal rows and columns, also when the last row is part-filled (a page of 3 on a
        # 2 x 2 grid gave its lone panel a sliver), and none left over from a bigger page.
        for r in range(grid.rowCount()):
            grid.setRowStretchFactor(r, 1 if 1 <= r <= rows else 0)
            grid.setRowPreferredHeight(r, 0)
        for c in range(grid.columnCount()):
            grid.setColumnStretchFactor(c, 1 if c < cols else 0)
        grid.activate()  # once, now: the ranges set next are for the panels' new sizes
        self.plots = self._pool[:n]

    def stage(self, n: int) -> bool:
        """Lay the grid out for ``n`` panels now, ahead of :meth:`set_panels`, when that is a
        new layout (the costly part of a redraw: every plot resized, 30-40 ms for 12); True
        when it did. Nothing is painted until :meth:`set_panels`, :meth:`show_message` or
        :meth:`unstage`: the plots still hold the previous page's data."""
        if (n, grid_shape(max(n, 1), self.capacity()[1])) == self._laid_out:
            return False
        self.setUpdatesEnabled(False)
        self._layout(n)
        return True

    def unstage(self) -> None:
        if not self.updatesEnabled():
            self.setUpdatesEnabled(True)

    def capacity(self) -> tuple[int, int]:
        """(rows, columns) of readable panels that fit the widget now (at least 1 x 1)."""
        # Margins and the spacing between panels count too, or the last column is clipped.
        w, h = self.width() - _MARGIN_PX + _SPACING_PX, self.height() - _HEADING_PX - _MARGIN_PX
        return (max(1, (h + _SPACING_PX) // (MIN_PANEL_PX[1] + _SPACING_PX)),
                max(1, w // (MIN_PANEL_PX[0] + _SPACING_PX)))

    @property
    def per_page(self) -> int:
        rows, cols = self.capacity()
        return rows * cols

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # pyqtgraph calls this from its own __init__, before ours has run.
        if getattr(self, "_capacity", None) is not None and self.capacity() != self._capacity:
            self._capacity = self.capacity()
            self.capacity_changed.emit()
        # (not once pyqtgraph's close() has deleted the items: it resizes the view after)
        if getattr(self, "closed", False):
            return
        if getattr(self, "message", ""):
            self._wrap_message()
        elif getattr(self, "_heading_parts", None) is not None:
            self._set_heading()  # the key's names elided for the new width

    def _fill_view(self) -> None:
        if self.ci.geometry() != self.range:
            self.ci.setGeometry(self.range)

    def _set_heading(self) -> None:
        """The heading line and the key below it, each name elided in its middle (where
        file names of a series differ least) so the key fits the widget's width; the full
        names are in the heading's tooltip. With ``markers`` (a key of shapes: one per file,
        the colours then name something else, e.g. φ sectors) the shapes follow the colours
        in the ink colour, on the same line when both fit, else on a line of their own."""
        heading, legend, n_colours, markers = self._heading_parts
        if legend or markers:
            font = QFont(self.heading.item.font())
            font.setPointSizeF(10)
            metrics = QFontMetricsF(font)
            width = self.width() - _MARGIN_PX - 8
            ink = QColor(*resolve(INK)).name()
            colours = [(pen_for(i, n_colours).color().name(), "●") for i in range(len(legend))]
            shapes = [(ink, MARKER_GLYPHS[marker(k)]) for k, name in enumerate(markers) if name]
            named = [name for name in markers if name]  # "": a shape no curve has
            lines = _key_lines([(legend, colours), (named, shapes)], metrics, width)
            shown = [name for line in lines for name, _, _ in line]
            keys = ["  ".join(f"<span style='color:{colour}'>{glyph}</span> {escape(name)}"
                              for name, colour, glyph in line) for line in lines]
            heading = "<br>".join([heading, *keys] if heading else keys)
            every = [*legend, *named]
            self.heading.setToolTip(tooltip("\n".join(every)) if shown != every else "")
        else:
            self.heading.setToolTip("")
        # Room for the heading and two key lines (shapes apart from colours) at most.
        self.heading.setMaximumHeight(44 if heading.count("<br>") < 2 else _HEADING_PX)
        if self.heading.text != heading:  # a new text re-lays out the grid
            self.heading.setText(heading, size="10pt", color=None)  # None: the foreground colour

    def show_message(self, text: str) -> None:
        """No panels, only ``text`` (plain, wrapped: a label does not wrap by itself)."""
        self.unstage()
        self._layout(0)
        self.notes = []
        self.message = text
        self.heading.setToolTip(tooltip(text))
        self._wrap_message()

    def _wrap_message(self) -> None:
        # Wrapped to the widget's width (about 8 px a character at 11 pt): a fixed 100
        # characters ran off both sides of a 1366 px window.
        width = max(30, int(self.width() / 8.5))
        lines = textwrap.wrap(self.message, width) or [""]
        self.heading.setText("<br>".join(escape(line) for line in lines), size="11pt",
                             color="#aa3c00")

    def blank_parts(self) -> list[str]:
        if not self.plots:
            return [] if self.message else ["no panels and no message"]
        return [f"panel {i} ({items.labels.get('title', '')})"
                for i, (plot, items) in enumerate(zip(self.plots, self._items, strict=False))
                if not drawn(plot) and not items.points_drawn() and not items.note.isVisible()]

    def notes_shown(self) -> list[str]:
        if not self.plots:
            return [self.message] if self.message else []
        return [items.note.toPlainText() for items in self._items[:len(self.plots)]
                if items.note.isVisible()]

    def set_panels(self, panels: list[Panel], n_colours: int, x_label: str, y_label: str,
                   shared_y: bool = True, legend: list[str] | None = None,
                   heading: str = "", markers: list[str] | None = None) -> None:
        """``legend``: one name per colour, shown once above the grid (a legend inside a
        small panel would hide its data); fits are the lines, data the points. ``markers``:
        one name per point shape (``line.MARKERS`` order), keyed in the ink colour after the
        colours; none: every series is a circle. ``heading`` is rich text (user strings in
        it escaped by the caller); legend and marker names are plain."""
        self.unstage()
        self.ci.layout.setHorizontalSpacing(_SPACING_PX)
        self.ci.layout.setVerticalSpacing(_SPACING_PX)
        self._layout(len(panels))
        self.notes = [p.note for p in panels]
        self.message = ""
        rows, cols = grid_shape(len(panels), self.capacity()[1])
        self._heading_parts = (heading, list(legend or []), n_colours, list(markers or []))
        self._set_heading()
        y_range = shared_y_range(panels) if shared_y else None
        shown_items = self._items[:len(self.plots)]
        for items in shown_items:  # notes placed once the page's ranges are set, not on each
            items.hold_note = True
        relabelled = False
        for i, (plot, items, panel) in enumerate(zip(self.plots, self._items, panels,
                                                     strict=False)):
            r, c = divmod(i, cols)
            items.draw(panel, n_colours)
            items.set_label("title", panel.title)
            plot.titleLabel.set_tip(panel.tip)
            bottom = x_label if r == rows - 1 or i + cols >= len(panels) else ""
            relabelled |= items.set_label("bottom", bottom)
            relabelled |= items.set_label("left", y_label if c == 0 else "")
        if relabelled:
            # An axis label shown or hidden (another panel count: another bottom row) changes
            # its plot's layout, which Qt redoes on a posted event, after the first paint:
            # the grid was painted twice. Redo it now, before the ranges are set.
            for plot in self.plots:
                plot.layout.activate()
            self.ci.layout.activate()
        for plot in self.plots:
            if y_range is not None:
                plot.setYRange(*y_range, padding=0)
            else:
                plot.enableAutoRange(y=True)
            plot.disableAutoRange(axis="x")
        # One x range for the page, set once on the first plot (the others are x-linked to
        # it): auto-ranging every plot made each linked plot re-range all the others, O(n²)
        # range updates per redraw, most of a page's time with 20 panels.
        x_range = shared_x_range(panels)
        if self.plots and x_range is not None:
            self.plots[0].setXRange(*x_range, padding=0)
        for items in shown_items:
            items.hold_note = False
            items.place_note()
        # Settle what is left now, not when painting (else the grid is painted twice).
        if self.scene() is not None:
            self.scene().prepareForPaint()
