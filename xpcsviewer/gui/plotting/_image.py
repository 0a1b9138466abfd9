"""Every image in the app is an :class:`ImagePanel`: one array with a colour bar, colour
limits (typed or automatic), an optional log scale and notes; on pixel axes it also takes a
mask overlay, a partition overlay and a marker, on physical axes guide lines.

Cell (column i, row j) of an (ny, nx) array covers [i, i+1) x [j, j+1) in its own
coordinates, placed on the plot by ``extent`` (default: pixel units). A detector image draws
row 0 at the top, as the detector is usually shown; a :class:`MapPanel` (C2 on seconds) has
its origin at the bottom left, as C2 is usually drawn; ``_g2_map.G2MapPanel`` draws cells
with uneven edges.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from ._colormaps import colormap
from ._notes import NotedPanel, PlotNote, escape
from ._shared import ADAPTER, loose_title, no_si_prefixes

_MASK_RGBA = (255, 255, 255, 150)  # excluded pixels are washed out, not hidden
_GOLDEN = 0.6180339887


class ImagePanel(NotedPanel, pg.GraphicsLayoutWidget):
    """``hovered(column, row)``: the cell under the cursor, (-1, -1) off the image;
    ``clicked(x, y)``: a left click inside the image, in axis units; ``picked(column, row)``:
    the cell of that click. Right clicks open pyqtgraph's menu and double clicks zoom, so
    neither picks.

    A kind of image says its look in class attributes: ``origin_top``, the percentiles of
    the automatic colour limits, the colour bar's width and its axis's (room for ticks like
    0.0125 and the label beside them from the first paint: the axis only widens after a
    repaint, so its label was drawn over the numbers), and its notes.
    """

    blank_word = "empty image"
    origin_top = True
    aspect_locked = True
    percentiles = (0.5, 99.8)
    bar_width, bar_axis_width = 18, 66
    title_size = "11pt"
    axis_labels: tuple[str, str] | None = ("column (pixel)", "row (pixel)")
    empty_note = "no pixel holds a finite value: nothing to show"
    flat_note = "every pixel is {:.4g}: no contrast to show"

    hovered = Signal(int, int)
    clicked = Signal(float, float)
    picked = Signal(int, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot = self.addPlot()
        # A long title overhangs a narrow plot rather than widening it past its widget,
        # which pushed the colour bar's numbers off-screen (the Q-map's φ map).
        loose_title(self.plot)
        self.plot.setAspectLocked(self.aspect_locked)
        self.plot.invertY(self.origin_top)
        if self.axis_labels:
            self.plot.setLabel("bottom", self.axis_labels[0])
            self.plot.setLabel("left", self.axis_labels[1])
        self.image = self._make_item()
        self.plot.addItem(self.image)
        self.overlay = self._layer(z=5)
        self.partition = self._layer(z=4, opacity=0.35)
        self.marker = pg.ScatterPlotItem(symbol="+", size=18, pen=pg.mkPen("r", width=2), brush=None)
        self.marker.setZValue(10)
        self.plot.addItem(self.marker)
        self.colorbar = pg.ColorBarItem(colorMap=colormap("viridis"), interactive=False,
                                        width=self.bar_width)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        no_si_prefixes(self.plot, self.colorbar.axis)
        if self.bar_axis_width:
            self.colorbar.axis.setWidth(self.bar_axis_width)
        self.note = PlotNote(self.plot)
        self._guides: list[pg.PlotDataItem] = []
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self.scene().sigMouseClicked.connect(self._mouse_clicked)

    def _make_item(self) -> Any:
        return pg.ImageItem(axisOrder="row-major")

    def _layer(self, z: float, opacity: float = 1.0) -> pg.ImageItem:
        item = pg.ImageItem(axisOrder="row-major")
        item.setZValue(z)
        item.setOpacity(opacity)
        self.plot.addItem(item)
        return item

    # the image ---------------------------------------------------------------------------
    def set_image(
        self,
        image: Any,
        *,
        extent: tuple[float, float, float, float] | None = None,
        colormap_name: str = "viridis",
        levels: tuple[float | None, float | None] | None = None,
        log: bool = False,
        label: str = "",
    ) -> tuple[float, float]:
        """Show ``image`` (ny, nx); returns the colour levels used, in the image's units.

        ``extent`` (x0, x1, y0, y1): the outer cell edges in axis units (default: pixels,
        (0, nx, 0, ny)). A missing limit in ``levels`` is a percentile of the finite values
        (``percentiles``). With ``log`` the colours follow log10 of the values; cells <= 0
        are left blank and ``levels`` stay in linear units (the colour bar is labelled
        log10). An image with no value > 0 is shown on a linear scale instead (a log scale
        would leave it all blank), and an image without contrast says so in a note
        (``self.note.text``).
        """
        data = ADAPTER.image(image).astype(np.float64, copy=False)
        finite_data = data[np.isfinite(data)]
        notes = []
        if log and finite_data.size and not (finite_data > 0).any():
            log = False
            notes.append("no pixel is > 0, so the image is shown on a linear scale")
        if not finite_data.size:
            notes.append(self.empty_note)
        elif finite_data.min() == finite_data.max():
            notes.append(self.flat_note.format(finite_data[0]))
        self.note.set("; ".join(notes))
        shown = data
        if log:
            shown = np.full(data.shape, np.nan)
            np.log10(data, out=shown, where=data > 0)
        finite = shown[np.isfinite(shown)]
        auto = (0.0, 1.0)
        if finite.size:
            auto = tuple(float(v) for v in np.percentile(finite, self.percentiles))

        def typed(value: float | None, default: float) -> float:
            # Typed limits are in the image's units; in log mode they are mapped to log10.
            if value is None or (log and value <= 0):
                return default
            return float(np.log10(value)) if log else float(value)

        lo, hi = levels if levels is not None else (None, None)
        shown_levels = (typed(lo, auto[0]), typed(hi, auto[1]))
        if not shown_levels[1] > shown_levels[0]:
            shown_levels = (shown_levels[0], shown_levels[0] + 1.0)
        self._draw(shown, shown_levels, extent)
        self.colorbar.show()
        self.colorbar.setColorMap(colormap(colormap_name))
        self.colorbar.setLevels(shown_levels)
        self.colorbar.setLabel("right", escape(f"log₁₀ {label}" if log else label))
        # Stay fitted to the image through window resizes until the user zooms.
        self.plot.enableAutoRange()
        if log:
            return (float(10 ** shown_levels[0]), float(10 ** shown_levels[1]))
        return (float(shown_levels[0]), float(shown_levels[1]))

    def _draw(self, shown: np.ndarray, levels: tuple[float, float],
              extent: tuple[float, float, float, float] | None) -> None:
        x0, x1, y0, y1 = extent if extent is not None else (0, shown.shape[1], 0, shown.shape[0])
        self.image.setImage(shown, autoLevels=False, levels=levels)
        self.image.setRect(pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))

    def set_titles(self, title: str, x_label: str = "column (pixel)", y_label: str = "row (pixel)") -> None:
        self.plot.setTitle(escape(title), size=self.title_size)
        self.plot.setLabel("bottom", escape(x_label))
        self.plot.setLabel("left", escape(y_label))

    def image_data(self) -> np.ndarray | None:
        """The array as displayed (log10 applied when in log mode)."""
        return self.image.image

    # what is drawn over it ---------------------------------------------------------------
    def set_mask_overlay(self, excluded: Any | None) -> None:
        """Wash out the pixels where ``excluded`` (ny, nx) is true; ``None`` removes it."""
        if excluded is None:
            self.overlay.clear()
            self.overlay.setVisible(False)
            return
        mask = ADAPTER.convert(excluded).astype(bool)
        rgba = np.zeros((*mask.shape, 4), np.uint8)
        rgba[mask] = _MASK_RGBA
        self.overlay.setImage(rgba, autoLevels=False)
        self.overlay.setVisible(True)

    def set_partition(self, labels: Any | None, count: int = 0) -> None:
        """Colour the pixels by ``labels`` (ny, nx) int, 1..``count`` (0: none, clear);
        ``None`` removes the overlay. Neighbouring labels get distant colours (golden-ratio
        steps through turbo), so adjacent q rings and φ sectors stand apart."""
        if labels is None:
            self.partition.clear()
            self.partition.setVisible(False)
            return
        k = max(int(count), 1)
        table = colormap("turbo").getLookupTable(nPts=256, alpha=True)
        lut = table[(np.arange(k + 1) * _GOLDEN % 1 * 255).astype(int)]
        lut[0] = (0, 0, 0, 0)
        self.partition.setImage(ADAPTER.convert(labels), levels=(0, k), lut=lut, autoLevels=False)
        self.partition.setVisible(True)

    def set_marker(self, column: float | None, row: float | None) -> None:
        """Mark a point given in pixel units (centre of pixel 0 is 0)."""
        if column is None or row is None:
            self.marker.clear()
            return
        self.marker.setData([column + 0.5], [row + 0.5])

    def set_guides(self, segments: list[tuple[Any, Any]]) -> None:
        """Draw thin dashed lines (e.g. where cuts are taken): each ``(xs, ys)`` in axis units."""
        for item in self._guides:
            self.plot.removeItem(item)
        self._guides = []
        for xs, ys in segments:
            x, y = ADAPTER.curve(xs, ys)
            item = pg.PlotDataItem(x, y, pen=pg.mkPen((255, 255, 255), width=1.5,
                                                       style=pg.QtCore.Qt.PenStyle.DashLine))
            self.plot.addItem(item)
            self._guides.append(item)

    def _clear_data(self) -> None:
        # No image, no colour scale: the previous file's levels must not stay on show.
        self.colorbar.hide()
        self.image.clear()
        self.set_mask_overlay(None)
        self.set_partition(None)
        self.marker.clear()
        self.set_guides([])

    # the mouse ---------------------------------------------------------------------------
    def _cell(self, scene_pos: Any) -> tuple[int, int] | None:
        """The (column, row) of the image under ``scene_pos``, None when off it."""
        shown = self.image_data()
        if shown is None or not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.image.mapFromScene(scene_pos)
        column, row = int(np.floor(point.x())), int(np.floor(point.y()))
        inside = 0 <= row < shown.shape[0] and 0 <= column < shown.shape[1]
        return (column, row) if inside else None

    def _mouse_moved(self, scene_pos: Any) -> None:
        self.hovered.emit(*(self._cell(scene_pos) or (-1, -1)))

    def _mouse_clicked(self, event: Any) -> None:
        if event.button() != pg.QtCore.Qt.MouseButton.LeftButton or event.double():
            return
        cell = self._cell(event.scenePos())
        if cell is None:
            return
        point = self.plot.vb.mapSceneToView(event.scenePos())
        self.clicked.emit(float(point.x()), float(point.y()))
        self.picked.emit(*cell)


class MapPanel(ImagePanel):
    """A map on physical axes (C2(t1, t2) in seconds), origin at the bottom left (t1 right,
    t2 up)."""

    blank_word = "empty map"
    origin_top = False
    percentiles = (0.5, 99.5)
    bar_width, bar_axis_width = 16, 58
    axis_labels = None
    empty_note = "no finite value in this map: nothing to show"
    flat_note = "every value is {:.4g}: no contrast to show"
