"""g2(q, t) as one coloured map: a row per dynamic bin, columns at the measured delays.

Multi-tau delays are not evenly spaced in log t, so cells are drawn with their true edges
(geometric midpoints) by a PColorMeshItem rather than resampled onto a regular grid.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ._colormaps import colormap
from ._notes import NotedPanel, PlotNote, escape
from ._shared import ADAPTER, no_si_prefixes


def log_edges(t: np.ndarray) -> np.ndarray:
    """(n + 1,) log10 cell edges around n positive delays."""
    x = np.log10(t)
    if x.size == 1:
        return np.array([x[0] - 0.5, x[0] + 0.5])
    mid = (x[1:] + x[:-1]) / 2
    return np.concatenate([[x[0] - (mid[0] - x[0])], mid, [x[-1] + (x[-1] - mid[-1])]])


class G2MapPanel(NotedPanel, pg.GraphicsLayoutWidget):
    blank_word = "empty map"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plot = self.addPlot()
        no_si_prefixes(self.plot)
        self.plot.getAxis("bottom").setLogMode(True)  # values are log10 t; ticks read 10^k
        self.mesh = pg.PColorMeshItem()
        self.plot.addItem(self.mesh)
        self.colorbar = pg.ColorBarItem(colorMap=colormap("viridis"), interactive=False, width=18)
        self.colorbar.setImageItem(self.mesh, insert_in=self.plot)
        self.values: np.ndarray | None = None
        self.note = PlotNote(self.plot)

    def set_map(self, t: Any, values: Any, row_labels: list[str], *, title: str,
                x_label: str, y_label: str, colour_label: str) -> None:
        """``values`` (n_rows, n_tau) at delays ``t`` (n_tau,) s; one row per bin."""
        t = ADAPTER.convert(t, np.float64)
        z = ADAPTER.convert(values, np.float64)
        keep = t > 0
        t, z = t[keep], z[:, keep]
        self.values = z
        xe = log_edges(t)
        ye = np.arange(z.shape[0] + 1) - 0.5
        xx, yy = np.meshgrid(xe, ye)
        finite = z[np.isfinite(z)]
        self.note.set("" if finite.size else "no finite g2 value in these bins: nothing to show")
        levels = (0.0, 1.0) if not finite.size else tuple(np.percentile(finite, (1, 99)))
        if not levels[1] > levels[0]:
            levels = (levels[0], levels[0] + 1.0)
        self.mesh.setData(xx, yy, np.nan_to_num(z, nan=levels[0]))
        self.colorbar.setLevels(levels)
        self.colorbar.setLabel("right", escape(colour_label))
        step = max(1, len(row_labels) // 12)  # keep tick labels readable with many bins
        self.plot.getAxis("left").setTicks(
            [[(i, row_labels[i]) for i in range(0, len(row_labels), step)]])
        self.plot.setLabel("bottom", escape(x_label))
        self.plot.setLabel("left", escape(y_label))
        self.plot.setTitle(escape(title), size="10pt")
        self.plot.enableAutoRange()

    def _clear_data(self) -> None:
        self.mesh.setData(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((1, 1)))
        self.values = None

    def _shows_data(self) -> bool:
        return self.values is not None and bool(np.isfinite(self.values).any())
