"""Multi-panel publication figures through matplotlib (Agg, no pyplot state).

A tab describes its figure as a list of :class:`LinesFigure` and :class:`MapFigure` panels;
the same :class:`~._lines.Line` colours and styles as on screen are used, so the export
looks like the tab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import MatplotlibAdapter

from ..theme import LIGHT
from ._legend_mpl import outside_legend
from ._lines import ColorScale, Line, resolve
from ._mpl_text import drop_crowded_minor_labels, verbatim_texts, wrapped

_ADAPTER = MatplotlibAdapter()
# pyqtgraph's colour map names -> matplotlib's (the grey map is colorcet's linear grey).
_MPL_CMAPS = {"grey": "gray"}


@dataclass(frozen=True)
class LinesFigure:
    lines: list[Line]
    x_label: str
    y_label: str
    log_x: bool = False
    log_y: bool = False
    title: str = ""
    scale: ColorScale | None = None
    legend: bool = True


@dataclass(frozen=True)
class MapFigure:
    """matrix (ny, nx) with row 0 at the bottom; extent (x0, x1, y0, y1) in axis units."""

    matrix: Any
    extent: tuple[float, float, float, float]
    x_label: str
    y_label: str
    colormap: str = "viridis"
    levels: tuple[float, float] = (0.0, 1.0)
    colorbar_label: str = ""
    title: str = ""
    guides: list[tuple[Any, Any]] = field(default_factory=list)


def _rgb(color: tuple[int, int, int]) -> tuple[float, float, float]:
    return tuple(c / 255 for c in color)  # type: ignore[return-value]


def _draw_lines(figure: Any, axes: Any, panel: LinesFigure) -> None:
    for index, line in enumerate(panel.lines):
        x, y = _ADAPTER.curve(line.x, line.y)
        # Exports go on paper: always the light theme's colours and black ink.
        color = _rgb(resolve(line.color, index, len(panel.lines), LIGHT))
        label = (line.label or None) if panel.legend else None
        err = None if line.err is None else _ADAPTER.convert(line.err, np.float64)
        if line.symbol:
            axes.errorbar(x, y, yerr=err, fmt="o", ms=3, color=color, label=label, elinewidth=0.8)
        else:
            axes.plot(x, y, "--" if line.dashed else "-", color=color, label=label, linewidth=1.2)
    axes.set_xscale("log" if panel.log_x else "linear")
    axes.set_yscale("log" if panel.log_y else "linear")
    if panel.scale is not None:
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        s = panel.scale
        mappable = ScalarMappable(Normalize(s.vmin, s.vmax), _MPL_CMAPS.get(s.colormap, s.colormap))
        figure.colorbar(mappable, ax=axes, label=s.label)
    if panel.legend:
        outside_legend(axes, fontsize=6)


def _draw_map(figure: Any, axes: Any, panel: MapFigure) -> None:
    matrix = _ADAPTER.convert(panel.matrix, np.float64)
    image = axes.imshow(matrix, origin="lower", extent=panel.extent, aspect="equal",
                        cmap=_MPL_CMAPS.get(panel.colormap, panel.colormap),
                        vmin=panel.levels[0], vmax=panel.levels[1], interpolation="nearest")
    for xs, ys in panel.guides:
        gx, gy = _ADAPTER.curve(xs, ys)
        axes.plot(gx, gy, "w--", linewidth=0.8)
    axes.set_xlim(panel.extent[0], panel.extent[1])
    axes.set_ylim(panel.extent[2], panel.extent[3])
    figure.colorbar(image, ax=axes, label=panel.colorbar_label)


def export_panels_figure(path: Path, panels: list[LinesFigure | MapFigure], *, ncols: int = 2,
                         title: str = "", footnote: str = "") -> Path:
    """Write the panels as a PNG, SVG or PDF figure (chosen by the suffix of ``path``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, len(panels)))
    nrows = -(-len(panels) // ncols)
    # Legends sit right of their axes: give them their own room, not the axes'.
    legends = any(isinstance(p, LinesFigure) and p.legend and any(x.label for x in p.lines)
                  for p in panels)
    figure = Figure(figsize=(4.2 * ncols + (1.8 if legends else 0.0), 3.4 * nrows + 0.3),
                    dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    for index, panel in enumerate(panels):
        axes = figure.add_subplot(nrows, ncols, index + 1)
        if isinstance(panel, MapFigure):
            _draw_map(figure, axes, panel)
        else:
            _draw_lines(figure, axes, panel)
        axes.set_xlabel(panel.x_label)
        axes.set_ylabel(panel.y_label)
        if panel.title:
            axes.set_title(wrapped(panel.title, 3.4, 8), fontsize=8)
    if title:
        figure.suptitle(wrapped(title, 4.0 * ncols, 10), fontsize=10)
    if footnote:
        figure.supxlabel(wrapped(footnote, 4.0 * ncols, 7), fontsize=7)
    verbatim_texts(figure)
    drop_crowded_minor_labels(figure)
    figure.savefig(path)
    return Path(path)
