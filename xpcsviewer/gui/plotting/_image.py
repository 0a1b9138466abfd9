"""Detector images: an image with a colour bar, an optional mask overlay and a marker.

Pixel (column i, row j) covers [i, i+1) x [j, j+1) in plot coordinates; row 0 is drawn at
the top, as the detector is usually shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from ._colormaps import colormap
from ._notes import NotedPanel, PlotNote, escape
from ._shared import ADAPTER, no_si_prefixes

_MASK_RGBA = (255, 255, 255, 150)  # excluded pixels are washed out, not hidden


class ImagePanel(NotedPanel, pg.GraphicsLayoutWidget):
    """``hovered(column, row)`` is emitted with the pixel under the cursor (-1, -1 when off)."""

    blank_word = "empty image"

    hovered = Signal(int, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot = self.addPlot()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.setLabel("bottom", "column (pixel)")
        self.plot.setLabel("left", "row (pixel)")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(5)
        self.plot.addItem(self.overlay)
        self.marker = pg.ScatterPlotItem(symbol="+", size=18, pen=pg.mkPen("r", width=2), brush=None)
        self.marker.setZValue(10)
        self.plot.addItem(self.marker)
        self.colorbar = pg.ColorBarItem(colorMap=colormap("viridis"), interactive=False, width=18)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        no_si_prefixes(self.plot, self.colorbar.axis)
        # Room for ticks like 0.0125 and the label beside them from the first paint: the axis
        # only widens after a repaint, so its label was drawn over the numbers (Q-map).
        self.colorbar.axis.setWidth(66)
        self.note = PlotNote(self.plot)
        self._shape: tuple[int, ...] = ()
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    def set_image(
        self,
        image: Any,
        *,
        colormap_name: str = "viridis",
        levels: tuple[float | None, float | None] | None = None,
        log: bool = False,
        label: str = "",
    ) -> tuple[float, float]:
        """Show ``image`` (ny, nx); returns the colour levels used, in the image's units.

        With ``log`` the colours follow log10 of the values; pixels <= 0 are left blank and
        ``levels`` stay in linear units (the colour bar is labelled log10). An image with no
        pixel > 0 is shown on a linear scale instead (a log scale would leave it all blank),
        and an image without contrast says so in a note (``self.note.text``).
        """
        data = ADAPTER.image(image).astype(np.float64, copy=False)
        self._shape = data.shape
        finite_data = data[np.isfinite(data)]
        notes = []
        if log and finite_data.size and not (finite_data > 0).any():
            log = False
            notes.append("no pixel is > 0, so the image is shown on a linear scale")
        if not finite_data.size:
            notes.append("no pixel holds a finite value: nothing to show")
        elif finite_data.min() == finite_data.max():
            notes.append(f"every pixel is {finite_data[0]:.4g}: no contrast to show")
        self.note.set("; ".join(notes))
        shown = data
        if log:
            shown = np.full(data.shape, np.nan)
            np.log10(data, out=shown, where=data > 0)
        finite = shown[np.isfinite(shown)]
        auto = (0.0, 1.0)
        if finite.size:
            auto = tuple(float(v) for v in np.percentile(finite, (0.5, 99.8)))
        lo, hi = levels if levels is not None else (None, None)
        # Typed limits are in the image's units; in log mode they are mapped to log10.
        if lo is not None:
            lo = float(np.log10(lo)) if log and lo > 0 else (auto[0] if log else lo)
        if hi is not None:
            hi = float(np.log10(hi)) if log and hi > 0 else (auto[1] if log else hi)
        shown_levels = (auto[0] if lo is None else lo, auto[1] if hi is None else hi)
        if not shown_levels[1] > shown_levels[0]:
            shown_levels = (shown_levels[0], shown_levels[0] + 1.0)
        self.image.setImage(shown, autoLevels=False, levels=shown_levels)
        self.colorbar.setColorMap(colormap(colormap_name))
        self.colorbar.setLevels(shown_levels)
        self.colorbar.setLabel("right", escape(f"log₁₀ {label}" if log else label))
        # Stay fitted to the image through window resizes until the user zooms.
        self.plot.enableAutoRange()
        if log:
            return (float(10 ** shown_levels[0]), float(10 ** shown_levels[1]))
        return (float(shown_levels[0]), float(shown_levels[1]))

    def set_mask_overlay(self, excluded: Any | None) -> None:
        """Wash out the pixels where ``excluded`` is true; ``None`` removes the overlay."""
        if excluded is None:
            self.overlay.clear()
            self.overlay.setVisible(False)
            return
        mask = ADAPTER.convert(excluded).astype(bool)
        rgba = np.zeros((*mask.shape, 4), np.uint8)
        rgba[mask] = _MASK_RGBA
        self.overlay.setImage(rgba, autoLevels=False)
        self.overlay.setVisible(True)

    def set_marker(self, column: float | None, row: float | None) -> None:
        """Mark a point given in pixel units (centre of pixel 0 is 0)."""
        if column is None or row is None:
            self.marker.clear()
            return
        self.marker.setData([column + 0.5], [row + 0.5])

    def set_titles(self, title: str, x_label: str = "column (pixel)", y_label: str = "row (pixel)") -> None:
        self.plot.setTitle(escape(title))
        self.plot.setLabel("bottom", escape(x_label))
        self.plot.setLabel("left", escape(y_label))

    def _clear_data(self) -> None:
        self.image.clear()
        self.overlay.clear()
        self.marker.clear()
        self._shape = ()

    def image_data(self) -> np.ndarray | None:
        """The array as displayed (log10 applied when in log mode)."""
        return self.image.image

    def _mouse_moved(self, scene_pos: Any) -> None:
        if not self._shape or not self.plot.sceneBoundingRect().contains(scene_pos):
            self.hovered.emit(-1, -1)
            return
        point = self.plot.vb.mapSceneToView(scene_pos)
        column, row = int(np.floor(point.x())), int(np.floor(point.y()))
        inside = 0 <= row < self._shape[0] and 0 <= column < self._shape[1]
        self.hovered.emit(column if inside else -1, row if inside else -1)
