"""g2(q, t) as one coloured map: a row per dynamic bin, columns at the measured delays.

Multi-tau delays are not evenly spaced in log t, so cells are drawn with their true edges
(geometric midpoints) by a PColorMeshItem rather than resampled onto a regular grid; the
colour bar, limits and notes are :class:`ImagePanel`'s.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ._image import ImagePanel
from ._shared import ADAPTER


def log_edges(t: np.ndarray) -> np.ndarray:
    """(n + 1,) log10 cell edges around n positive delays."""
    x = np.log10(t)
    if x.size == 1:
        return np.array([x[0] - 0.5, x[0] + 0.5])
    mid = (x[1:] + x[:-1]) / 2
    return np.concatenate([[x[0] - (mid[0] - x[0])], mid, [x[-1] + (x[-1] - mid[-1])]])


class G2MapPanel(ImagePanel):
    blank_word = "empty map"
    origin_top = aspect_locked = False
    percentiles = (1, 99)
    bar_axis_width = 0
    title_size = "10pt"
    axis_labels = None
    empty_note = "no finite g2 value in these bins: nothing to show"
    flat_note = "every value is {:.4g}: no contrast to show"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot.getAxis("bottom").setLogMode(True)  # values are log10 t; ticks read 10^k
        self.values: np.ndarray | None = None
        self._edges = (np.zeros(2), np.zeros(2))

    def _make_item(self) -> Any:
        return pg.PColorMeshItem()

    def set_map(self, t: Any, values: Any, row_labels: list[str], *, title: str,
                x_label: str, y_label: str, colour_label: str) -> None:
        """``values`` (n_rows, n_tau) at delays ``t`` (n_tau,) s; one row per bin."""
        t = ADAPTER.convert(t, np.float64)
        z = ADAPTER.convert(values, np.float64)
        keep = t > 0
        t, z = t[keep], z[:, keep]
        self.values = z
        self._edges = (log_edges(t), np.arange(z.shape[0] + 1) - 0.5)
        self.set_image(z, label=colour_label)
        step = max(1, len(row_labels) // 12)  # keep tick labels readable with many bins
        self.plot.getAxis("left").setTicks(
            [[(i, row_labels[i]) for i in range(0, len(row_labels), step)]])
        self.set_titles(title, x_label, y_label)

    def _draw(self, shown: np.ndarray, levels: tuple[float, float], extent: Any) -> None:
        xx, yy = np.meshgrid(*self._edges)
        self.image.setData(xx, yy, np.nan_to_num(shown, nan=levels[0]))

    def image_data(self) -> np.ndarray | None:
        return self.values

    def _cell(self, scene_pos: Any) -> None:
        return None  # no read-out on this map

    def _clear_data(self) -> None:
        self.image.setData(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((1, 1)))
        self.values = None

    def _shows_data(self) -> bool:
        return self.values is not None and bool(np.isfinite(self.values).any())
