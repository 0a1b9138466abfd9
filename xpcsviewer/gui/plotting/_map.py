"""Maps on physical axes (C2(t1, t2) in seconds), with a colour bar, guide lines and clicks;
and a click hook for the detector :class:`ImagePanel` (picking a bin on the Q-map).

Unlike detector images, a map's origin is at the bottom left (t1 right, t2 up), as C2 is
usually drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from ._colormaps import colormap
from ._image import ImagePanel
from ._notes import NotedPanel, PlotNote, escape
from ._shared import ADAPTER, loose_title, no_si_prefixes


class MapPanel(NotedPanel, pg.GraphicsLayoutWidget):
    """``clicked(x, y)`` in axis units when the user clicks inside the map."""

    blank_word = "empty map"

    clicked = Signal(float, float)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot = self.addPlot()
        loose_title(self.plot)
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=colormap("viridis"), interactive=False, width=16)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        no_si_prefixes(self.plot, self.colorbar.axis)
        self.colorbar.axis.setWidth(58)  # room for ticks and label before the first repaint
        self.note = PlotNote(self.plot)
        self._guides: list[pg.PlotDataItem] = []
        self._extent: tuple[float, float, float, float] | None = None
        self.scene().sigMouseClicked.connect(self._mouse_clicked)

    def set_map(self, matrix: Any, extent: tuple[float, float, float, float], *,
                colormap_name: str = "viridis",
                levels: tuple[float | None, float | None] = (None, None),
                label: str = "") -> tuple[float, float]:
        """Show ``matrix`` (ny, nx); row j covers y in extent[2]..extent[3] from the bottom.

        extent: (x0, x1, y0, y1) of the outer pixel edges. Returns the colour limits used
        (a missing limit is the 0.5 / 99.5 percentile).
        """
        data = ADAPTER.image(matrix).astype(np.float64, copy=False)
        finite = data[np.isfinite(data)]
        if not finite.size:
            self.note.set("no finite value in this map: nothing to show")
        elif finite.min() == finite.max():
            self.note.set(f"every value is {finite[0]:.4g}: no contrast to show")
        else:
            self.note.set("")
        auto = tuple(float(v) for v in np.percentile(finite, (0.5, 99.5))) if finite.size else (0.0, 1.0)
        lo = auto[0] if levels[0] is None else float(levels[0])
        hi = auto[1] if levels[1] is None else float(levels[1])
        if not hi > lo:
            hi = lo + 1e-6
        self.image.setImage(data, autoLevels=False, levels=(lo, hi))
        x0, x1, y0, y1 = extent
        self.image.setRect(pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        self._extent = extent
        self.colorbar.setColorMap(colormap(colormap_name))
        self.colorbar.setLevels((lo, hi))
        self.colorbar.setLabel("right", escape(label))
        self.plot.enableAutoRange()
        return lo, hi

    def set_titles(self, title: str, x_label: str, y_label: str) -> None:
        self.plot.setTitle(escape(title))
        self.plot.setLabel("bottom", escape(x_label))
        self.plot.setLabel("left", escape(y_label))

    def set_guides(self, segments: list[tuple[Any, Any]]) -> None:
        """Draw thin lines (e.g. where cuts are taken): each ``(xs, ys)`` in axis units."""
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
        self.image.clear()
        self.set_guides([])
        self._extent = None

    def image_data(self) -> np.ndarray | None:
        return self.image.image

    def _mouse_clicked(self, event: Any) -> None:
        if self._extent is None:
            return
        point = self.plot.vb.mapSceneToView(event.scenePos())
        x0, x1, y0, y1 = self._extent
        if x0 <= point.x() <= x1 and y0 <= point.y() <= y1:
            self.clicked.emit(float(point.x()), float(point.y()))


def on_pixel_click(panel: ImagePanel, callback: Callable[[int, int], None]) -> None:
    """Call ``callback(column, row)`` when a pixel of ``panel``'s image is clicked."""

    def clicked(event: Any) -> None:
        shown = panel.image.image
        # Left clicks only: the right button opens pyqtgraph's menu, a double click zooms.
        if shown is None or event.button() != pg.QtCore.Qt.MouseButton.LeftButton or event.double():
            return
        point = panel.plot.vb.mapSceneToView(event.scenePos())
        column, row = int(np.floor(point.x())), int(np.floor(point.y()))
        if 0 <= row < shown.shape[0] and 0 <= column < shown.shape[1]:
            callback(column, row)

    panel.scene().sigMouseClicked.connect(clicked)
