"""Lean items for the small panels of a :class:`PanelGrid`: the data points of one series
with their error bars as one item, and a one-line title that never re-lays out the grid.

A page of 20 panels of 5 overlaid files held 100 pyqtgraph point items and 100 error-bar
items; each lays its points out again on every new data (symbol keys, style per point) and
walks its children to paint, which made a page flip cost several hundred ms. Here a series
keeps its arrays as given and paints its symbols as one batch of pre-rendered pixmaps (as
pyqtgraph's own symbol cache does) and its error bars as one batch of lines, both mapped to
device pixels by numpy. The panels' axes share what they draw (:class:`PanelAxis`).
"""

from __future__ import annotations

import atexit
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPixmap, QPolygonF

from ._axes import LogAxis

_SYMBOL_PX = 4  # symbol diameter, before its 2 px outline (pyqtgraph's symbolSize=4)
_PIXMAPS: dict[tuple[int, str, float], QPixmap] = {}  # (rgba, shape, pixel ratio) -> symbol
# A pixmap outliving the application crashes the interpreter's exit; atexit handlers run
# before PySide's own, which destroys the application.
atexit.register(_PIXMAPS.clear)

# The shapes other than the circle (line.MARKERS), as polygons in units of the circle's
# radius, y down. A little larger than the circle (about its area, a triangle more): at
# 4 px a square or triangle of the circle's width reads as a dot again.
_STAR = [(1.45 * (0.42 if k % 2 else 1.0) * math.sin(k * math.pi / 5),
          -1.45 * (0.42 if k % 2 else 1.0) * math.cos(k * math.pi / 5)) for k in range(10)]
_SHAPES: dict[str, list[tuple[float, float]]] = {
    "s": [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)],
    "^": [(0.0, -1.3), (1.2, 0.8), (-1.2, 0.8)],
    "v": [(0.0, 1.3), (1.2, -0.8), (-1.2, -0.8)],
    "<": [(-1.3, 0.0), (0.8, -1.2), (0.8, 1.2)],
    ">": [(1.3, 0.0), (-0.8, -1.2), (-0.8, 1.2)],
    "D": [(0.0, -1.3), (1.3, 0.0), (0.0, 1.3), (-1.3, 0.0)],
    "*": _STAR,
}


def symbol_side(shape: str = "o") -> float:
    """Width of ``shape``'s pixmap in px (logical): the symbol and its outline."""
    reach = max((max(abs(x), abs(y)) for x, y in _SHAPES.get(shape, [])), default=1.0)
    return _SYMBOL_PX * reach + 4  # the outline reaches 1 px past the shape on each side


def _symbol(colour: QColor, dpr: float, shape: str = "o") -> QPixmap:
    """A filled ``shape`` (``line.MARKERS``; a circle ``_SYMBOL_PX`` across, the others
    about its area) with a 2 px outline of ``colour``, drawn once per colour, shape and
    pixel ratio."""
    key = (colour.rgba(), shape, dpr)
    pixmap = _PIXMAPS.get(key)
    if pixmap is None:
        side = symbol_side(shape)
        pixmap = QPixmap(math.ceil(side * dpr), math.ceil(side * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pg.mkPen(colour, width=2))
        painter.setBrush(pg.mkBrush(colour))
        r = _SYMBOL_PX / 2
        if shape in _SHAPES:
            c = pixmap.width() / dpr / 2
            painter.drawPolygon(QPolygonF([QPointF(c + r * x, c + r * y) for x, y in _SHAPES[shape]]))
        else:  # a circle, as before shapes existed
            painter.drawEllipse(QRectF(side / 2 - r, side / 2 - r, 2 * r, 2 * r))
        painter.end()
        _PIXMAPS[key] = pixmap
    return pixmap


class PointsItem(pg.GraphicsObject):
    """One series of a panel: symbols at (x, y) and, when given, ±err bars, in the colour
    and shape (``line.MARKERS``) of ``set_points``. A data item to the plot (``listDataItems``, ``name``, ``getData``,
    ``dataBounds``, log-x mode) without a ``PlotDataItem``'s machinery: making one of those
    and adding it to a plot (curve and scatter children, menu entries) was most of the time
    the window froze when 12 overlaid files first needed 84 more of them.

    ``getData()`` gives (x, y) as drawn: log10 t on a log-x plot, as pyqtgraph's items do.
    """

    def __init__(self) -> None:
        super().__init__()
        self._raw_x = np.zeros(0)
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._err: np.ndarray | None = None
        self._log_x = False
        self._name: str | None = None
        self._colour = QColor(0, 0, 0)
        self._shape = "o"
        self._rect: QRectF | None = None  # bounds cached until new data or a new view
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)
        self._lines = PrimitiveArray(QLineF, 4)
        self._pen = pg.mkPen(self._colour, width=1)

    # -- data ----------------------------------------------------------------------------------
    def implements(self, interface: str | None = None) -> Any:
        ints = ["plotData"]
        return ints if interface is None else interface in ints

    def name(self) -> str | None:
        return self._name

    def set_points(self, x: np.ndarray, y: np.ndarray, err: np.ndarray | None,
                   colour: QColor, name: str | None = None, shape: str = "o") -> None:
        """``x`` (n,) > 0 when the plot is log-x, ``y`` (n,) finite, ``err`` (n,) one sigma
        (finite, or None for no bars); float arrays in the plot's units; ``shape`` one of
        ``line.MARKERS``."""
        self._raw_x = np.asarray(x, np.float64)
        self._y = np.asarray(y, np.float64)
        self._err = None if err is None else np.asarray(err, np.float64)
        if QColor(colour) != self._colour:
            self._colour = QColor(colour)
            self._pen = pg.mkPen(self._colour, width=1)
        self._name = name
        self._shape = shape
        self._relayout()

    def shape_name(self) -> str:
        """The points' shape (``line.MARKERS``)."""
        return self._shape

    def colour(self) -> QColor:
        """The points' colour."""
        return QColor(self._colour)

    def setLogMode(self, xState: bool, yState: bool) -> None:  # noqa: N802, N803 - pyqtgraph's
        if bool(xState) != self._log_x:
            self._log_x = bool(xState)
            self._relayout()

    def _relayout(self) -> None:
        self._x = np.log10(self._raw_x) if self._log_x else self._raw_x
        self.prepareGeometryChange()
        self._rect = None
        self.informViewBoundsChanged()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 - pyqtgraph's name
        return self._x, self._y

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> Any:  # noqa: N802, N803
        if not self._x.size:
            return None, None
        if ax == 0:
            return float(self._x.min()), float(self._x.max())
        err = 0.0 if self._err is None else self._err
        return float(np.min(self._y - err)), float(np.max(self._y + err))

    def pixelPadding(self) -> float:  # noqa: N802 - pyqtgraph's name
        return symbol_side(self._shape) / 2

    # -- drawing -------------------------------------------------------------------------------
    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph's name
        self.prepareGeometryChange()
        self._rect = None
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        if self._rect is None:
            self._rect = _padded_bounds(self)
        return self._rect

    def paint(self, p: QPainter, option: Any, widget: Any) -> None:
        if not self._x.size:
            return
        # Everything in device pixels: numpy maps the points once, Qt draws arrays of lines
        # and pixmap fragments without building or transforming a path.
        t = p.transform()
        xs = _pixels(t.m11() * self._x + t.m21() * self._y + t.dx())
        ys = _pixels(t.m12() * self._x + t.m22() * self._y + t.dy())
        p.resetTransform()
        if self._err is not None:
            dy = np.abs(t.m22()) * self._err  # the bars are vertical: only y scales them
            self._lines.resize(xs.size)
            lines = self._lines.ndarray()
            lines[:, 0] = lines[:, 2] = xs
            lines[:, 1] = ys - dy
            lines[:, 3] = ys + dy
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # vertical lines: no need
            p.setPen(self._pen)
            p.drawLines(*self._lines.drawargs())
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        pixmap = _symbol(self._colour, dpr, self._shape)
        side = pixmap.width()
        self._fragments.resize(xs.size)
        frags = self._fragments.ndarray()
        frags[:, 0] = xs
        frags[:, 1] = ys
        frags[:, 2:6] = (0, 0, side, side)  # the whole pixmap, centred on the point
        frags[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)
        p.drawPixmapFragments(*self._fragments.drawargs(), pixmap)


class LineItem(pg.GraphicsObject):
    """A fitted (or partial g2) curve of a panel, drawn as one polyline in device pixels: the
    lean counterpart of a ``PlotDataItem`` line (whose new data and paint were most of a
    page flip with fits shown). ``xData``/``yData`` are the data as given; ``getData()``
    as drawn (log10 t on a log-x plot), as pyqtgraph's items have them."""

    def __init__(self) -> None:
        super().__init__()
        self.xData = np.zeros(0)
        self.yData = np.zeros(0)
        self._x = np.zeros(0)
        self._log_x = False
        self._name: str | None = None
        self._pen = pg.mkPen(None)
        self._rect: QRectF | None = None

    def implements(self, interface: str | None = None) -> Any:
        ints = ["plotData"]
        return ints if interface is None else interface in ints

    def name(self) -> str | None:
        return self._name

    def set_line(self, x: np.ndarray, y: np.ndarray, pen: Any, name: str | None = None) -> None:
        """``x`` (n,) > 0 on a log-x plot and ``y`` (n,), both finite, in the plot's units."""
        self.xData, self.yData = np.asarray(x, np.float64), np.asarray(y, np.float64)
        self._pen, self._name = pen, name
        self._relayout()

    def setLogMode(self, xState: bool, yState: bool) -> None:  # noqa: N802, N803 - pyqtgraph's
        if bool(xState) != self._log_x:
            self._log_x = bool(xState)
            self._relayout()

    def _relayout(self) -> None:
        self._x = np.log10(self.xData) if self._log_x else self.xData
        self.prepareGeometryChange()
        self._rect = None
        self.informViewBoundsChanged()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 - pyqtgraph's name
        return self._x, self.yData

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> Any:  # noqa: N802, N803
        values = self._x if ax == 0 else self.yData
        if not values.size:
            return None, None
        return float(values.min()), float(values.max())

    def pixelPadding(self) -> float:  # noqa: N802 - pyqtgraph's name
        return self._pen.widthF() / 2 + 1

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph's name
        self.prepareGeometryChange()
        self._rect = None
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        if self._rect is None:
            self._rect = _padded_bounds(self)
        return self._rect

    def paint(self, p: QPainter, option: Any, widget: Any) -> None:
        if self._x.size < 2:
            return
        t = p.transform()
        polyline = pg.functions.create_qpolygonf(self._x.size)
        points = pg.functions.ndarray_from_qpolygonf(polyline)
        points[:, 0] = _pixels(t.m11() * self._x + t.m21() * self.yData + t.dx())
        points[:, 1] = _pixels(t.m12() * self._x + t.m22() * self.yData + t.dy())
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)  # a curve: smooth it
        p.setPen(self._pen)
        p.drawPolyline(polyline)


def _padded_bounds(item: Any) -> QRectF:
    """``item``'s data bounds, padded by its ``pixelPadding`` in data units.

    A view box maps data to pixels by a scale and a shift along each axis (no rotation), so
    a pixel is 1 / |m11| data units across and 1 / |m22| up: read off the item's device
    transform in one Qt call. pyqtgraph's ``pixelVectors`` gives the same lengths with a
    cache and ``Point`` objects around them, and was a quarter of a page's paint (20 panels
    of 5 files ask it 200 times a page)."""
    (x0, x1), (y0, y1) = item.dataBounds(0), item.dataBounds(1)
    if x0 is None:
        return QRectF()
    view = item.getViewWidget()
    dx = dy = 0.0
    if view is not None:
        t = item.deviceTransform(view.viewportTransform())
        pad = item.pixelPadding()
        sx, sy = math.hypot(t.m11(), t.m12()), math.hypot(t.m21(), t.m22())
        if sx > 0 and sy > 0:  # not yet shown: no pixel size (pyqtgraph pads nothing then)
            dx, dy = pad / sx, pad / sy
    return QRectF(x0 - dx, y0 - dy, x1 - x0 + 2 * dx, y1 - y0 + 2 * dy)


class PanelAxis(LogAxis):
    """A panel's axis. The panels of a page share their y range and size, so their left
    axes would draw the same picture 20 times over on each new page (choosing ticks and
    laying out their labels: a quarter of a page flip); a picture drawn by one is kept
    (by :meth:`LogAxis._picture_key`: range, size, style, pens, ticks) and replayed by the
    others."""

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        key = self._picture_key() if self.picture is None else None
        if key is not None and key in _AXIS_PICTURES:
            self.picture = _AXIS_PICTURES[key]
        super().paint(p, opt, widget)
        if key is not None:
            _AXIS_PICTURES.pop(key, None)  # re-inserted last: the dict keeps the recent ones
            _AXIS_PICTURES[key] = self.picture
            while len(_AXIS_PICTURES) > _AXIS_PICTURES_KEPT:
                del _AXIS_PICTURES[next(iter(_AXIS_PICTURES))]


def panel_axes() -> dict[str, PanelAxis]:
    """Axis items for a new panel: ``pg.PlotItem(axisItems=panel_axes())``."""
    return {name: PanelAxis(name) for name in ("left", "bottom")}


_AXIS_PICTURES: dict[tuple, Any] = {}  # drawing key -> QPicture, shared by the panels' axes
_AXIS_PICTURES_KEPT = 16
atexit.register(_AXIS_PICTURES.clear)  # Qt objects must not outlive the application


def _pixels(values: np.ndarray) -> np.ndarray:
    """Device coordinates Qt can take (far-off values crash its rasteriser): ``values`` (a
    fresh array) clipped in place to ±2**30 (``np.clip``'s checks cost more than the
    clipping on a panel's few hundred values; NaN stays NaN either way)."""
    np.minimum(values, 2.0**30, out=values)
    return np.maximum(values, -(2.0**30), out=values)


class PanelTitle(pg.LabelItem):
    """A panel's title: one line of plain text (``text``) in the plot's fixed-height title
    row, elided to the plot's width (the whole title in the tooltip).

    pyqtgraph's label asks for its text's width and invalidates the layout of the whole grid
    on every new text, so each page flip laid out all panels again and painted them twice
    (before and after the layout settled); this one asks for no width and changes nothing
    but its own text, so paging re-lays out nothing.
    """

    _POINT_SIZE = 8.0

    def __init__(self) -> None:
        super().__init__("")
        font = QFont(self.item.font())
        font.setPointSizeF(self._POINT_SIZE)
        self.item.setFont(font)
        self._metrics = QFontMetricsF(font)
        self._height = self._metrics.height() + 2 * self.item.document().documentMargin()
        self.setMinimumSize(0, 0)
        self.updateGeometry()

    def setText(self, text: str, **args: Any) -> None:  # noqa: N802 - pyqtgraph's name
        self.text = text
        self.opts.update(args)
        self._place()

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph's name; the size never follows text
        pass

    def sizeHint(self, hint: Any, constraint: Any) -> Any:  # noqa: N802 - Qt's name
        if hint == Qt.SizeHint.MaximumSize:
            return QSizeF(-1, -1)
        return QSizeF(0, getattr(self, "_height", 0))

    def resizeEvent(self, ev: Any) -> None:  # noqa: N802 - Qt's name
        self._place()

    def _place(self) -> None:
        metrics = getattr(self, "_metrics", None)
        if metrics is None:  # pyqtgraph's __init__ sets a text before ours has run
            return
        colour = pg.mkColor(self.opts.get("color") or pg.getConfigOption("foreground"))
        self.item.setDefaultTextColor(colour)
        # The title may use the whole width of its plot (over the left axis too), not only
        # its own cell above the data: short bin titles then fit without eliding.
        plot = self.parentItem()
        left_end = -self.pos().x()  # the plot's left edge, in this label's coordinates
        width = plot.size().width() if plot is not None else self.rect().width()
        margin = 2 * self.item.document().documentMargin() + 4
        shown = self.text if width <= 0 else metrics.elidedText(
            self.text, Qt.TextElideMode.ElideRight, max(0.0, width - margin))
        if self.item.toPlainText() != shown:
            self.item.setPlainText(shown)
        self.setToolTip(self.text if shown != self.text else "")
        box = self.item.boundingRect()
        x = self.rect().center().x() - box.width() / 2  # centred over the data, inside the plot
        x = max(left_end, min(x, left_end + width - box.width()))
        self.item.setPos(QPointF(x, (self.rect().height() - box.height()) / 2))


def swap_title(plot: pg.PlotItem, label: Any) -> Any:
    """Put ``label`` in ``plot``'s title cell instead of pyqtgraph's own; returns it."""
    old = plot.titleLabel
    plot.layout.removeItem(old)
    old.setParentItem(None)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot.titleLabel = label
    label.setParentItem(plot)
    plot.layout.addItem(label, 0, 1)
    return label


def install_title(plot: pg.PlotItem) -> PanelTitle:
    """Put a :class:`PanelTitle` in ``plot``'s title cell, its 30 px row shown."""
    swap_title(plot, PanelTitle())
    plot.setTitle("")
    return plot.titleLabel


