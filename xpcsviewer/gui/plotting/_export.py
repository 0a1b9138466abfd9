"""Publication figures through matplotlib (Agg, no pyplot state): the one export path.

A tab describes its figure as a list of :class:`LinesFigure` and :class:`MapFigure` panels
(:func:`export_panels_figure`), or, for the g2 grid, as the very ``Panel`` list it shows
(:func:`export_grid_figure`). Lines are :class:`~xpcsviewer.gui.line.Line` objects in the
colours and styles of the screen, taken from the light theme: exports go on paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import MatplotlibAdapter

from ..line import INK, Line, marker, resolve
from ..theme import LIGHT
from ._legend_mpl import figure_legend, outside_legend
from ._lines import ColorScale
from ._mpl_text import drop_crowded_minor_labels, few_log_labels, plain, verbatim_texts, wrapped
from ._panel_grid import Panel, grid_shape, shared_y_range
from ._panel_items import fit_colour

_ADAPTER = MatplotlibAdapter()
# pyqtgraph's colour map names -> matplotlib's (the grey map is colorcet's linear grey).
_MPL_CMAPS = {"grey": "gray"}
_TEXT_LINE_IN = 0.16  # height of one 7 pt line of results text, inches


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


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Any, path: Path) -> Path:
    verbatim_texts(figure)
    drop_crowded_minor_labels(figure)
    figure.savefig(path)
    return Path(path)


def _draw_lines(axes: Any, lines: list[Line], *, legend: bool = True, ms: float = 3.5,
                lw: float = 0.8) -> None:
    """Points (``symbol``, in their ``marker`` shape) with error bars, and lines, solid or
    dashed, each in its colour."""
    for position, line in enumerate(lines):
        x, y = _ADAPTER.curve(line.x, line.y)
        colour = tuple(c / 255 for c in resolve(line.colour, position, LIGHT))
        label = (line.label or None) if legend else None
        err = None if line.err is None else _ADAPTER.convert(line.err, np.float64)
        if line.symbol:
            axes.errorbar(x, y, yerr=err, fmt=line.marker, ms=ms, lw=lw, color=colour, label=label)
        elif err is None:
            axes.plot(x, y, "--" if line.dashed else "-", lw=1.2, color=colour, label=label)
        else:
            axes.errorbar(x, y, yerr=err, fmt="--" if line.dashed else "-", lw=1.2,
                          elinewidth=lw, color=colour, label=label)


def _lines_panel(figure: Any, axes: Any, panel: LinesFigure) -> None:
    _draw_lines(axes, panel.lines, legend=panel.legend)
    axes.set_xscale("log" if panel.log_x else "linear")
    axes.set_yscale("log" if panel.log_y else "linear")
    if panel.scale is not None:
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        s = panel.scale
        mappable = ScalarMappable(Normalize(s.vmin, s.vmax), _MPL_CMAPS.get(s.colormap, s.colormap))
        figure.colorbar(mappable, ax=axes, label=s.label)
    if panel.log_x:
        few_log_labels(axes.xaxis)
    if panel.legend:
        outside_legend(axes, fontsize=6)


def _map_panel(figure: Any, axes: Any, panel: MapFigure) -> None:
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
                         title: str = "", footnote: str = "", text: str = "") -> Path:
    """Write the panels as a PNG, SVG or PDF figure (chosen by the suffix of ``path``);
    ``text`` (lines of results) gets a row of its own below the panels, never over the data,
    and ``footnote`` a line below everything."""
    ncols = max(1, min(ncols, len(panels)))
    nrows = -(-len(panels) // ncols)
    # Legends sit right of their axes: give them their own room, not the axes'.
    legends = any(isinstance(p, LinesFigure) and p.legend and any(x.label for x in p.lines)
                  for p in panels)
    width = 4.2 * ncols + (1.8 if legends else 0.0)
    # Results text is wrapped to the figure's width: a line wider than the figure left
    # constrained layout no room for the axes ("not applied"), squeezing and clipping all.
    text = wrapped(text, width - 0.3, 7) if text else ""
    n_text = len(text.splitlines())
    figure = _figure(width, 3.4 * nrows + 0.3 + _TEXT_LINE_IN * n_text)
    ratios = [3.4] * nrows + ([_TEXT_LINE_IN * n_text + 0.1] if n_text else [])
    grid = figure.add_gridspec(len(ratios), ncols, height_ratios=ratios)
    for index, panel in enumerate(panels):
        axes = figure.add_subplot(grid[index // ncols, index % ncols])
        if isinstance(panel, MapFigure):
            _map_panel(figure, axes, panel)
        else:
            _lines_panel(figure, axes, panel)
        axes.set_xlabel(panel.x_label)
        axes.set_ylabel(panel.y_label)
        if panel.title:
            axes.set_title(wrapped(panel.title, 3.4, 8), fontsize=8)
    if n_text:
        box = figure.add_subplot(grid[nrows, :])
        box.axis("off")
        box.text(0.0, 1.0, text, transform=box.transAxes, fontsize=7, va="top", ha="left")
    if title:
        figure.suptitle(wrapped(title, 4.0 * ncols, 10), fontsize=10)
    if footnote:
        figure.supxlabel(wrapped(footnote, 4.0 * ncols, 7), fontsize=7)
    return _save(figure, path)


def _fit_rgb(colour: Any, n_colours: int) -> tuple[int, int, int]:
    c = fit_colour(colour, n_colours, LIGHT)
    return c.red(), c.green(), c.blue()


def export_grid_figure(path: Path, panels: list[Panel], x_label: str, y_label: str,
                       title: str = "", shared_y: bool = True, n_colours: int = 1,
                       key: tuple[list[str], list[str]] | None = None) -> Path:
    """The g2 grid: one small subplot per panel (log x), one legend below the grid; PNG,
    SVG or PDF by the suffix of ``path``. The panels' lines are fits, drawn over the points
    in the screen's fit colours (``n_colours`` colours: ink for one, else a deeper shade of
    each colour), so that they contrast with the points on paper too. ``key``: (a name per
    colour, a name per point shape) as on screen (``PanelGrid.set_panels``' legend and
    markers); with shapes the legend is that key (circles in the colours, then the shapes
    in ink), else it names the first panel's curves."""
    rows, cols = grid_shape(len(panels))
    figure = _figure(2.4 * cols, 1.9 * rows + 0.4)
    axes = figure.subplots(rows, cols, sharex=True, sharey=shared_y, squeeze=False)
    y_range = shared_y_range(panels) if shared_y else None
    for i, ax in enumerate(axes.flat):
        if i >= len(panels):
            ax.set_visible(False)
            continue
        panel = panels[i]
        if panel.band is not None:
            x, lo, hi = (_ADAPTER.convert(a, np.float64) for a in panel.band)
            ax.fill_between(x, lo, hi, color="tab:red", alpha=0.25, linewidth=0,
                            label="94 % credible band")
        fits = [replace(line, colour=_fit_rgb(line.colour, n_colours)) for line in panel.lines]
        _draw_lines(ax, [*panel.points, *fits], ms=2.5, lw=0.6)
        if panel.note:
            ax.text(0.03, 0.05, panel.note, transform=ax.transAxes, color="red", fontsize=6,
                    wrap=True)
        ax.set_xscale("log")
        ax.set_title(wrapped(plain(panel.title), 2.3, 7), fontsize=7)
        ax.tick_params(labelsize=6)
        if y_range is not None:
            ax.set_ylim(*y_range)
        if i // cols == rows - 1 or i + cols >= len(panels):
            ax.set_xlabel(x_label, fontsize=7)
        if i % cols == 0:
            ax.set_ylabel(y_label, fontsize=7)
    first = axes.flat[0]
    if key is not None and key[1]:
        _key_legend(figure, *key)
    elif len(panels[0].points) > 1 or panels[0].lines or panels[0].band is not None:
        figure_legend(figure, first)  # below the grid: no panel's data under it
    if title:
        figure.suptitle(wrapped(plain(title), 2.3 * cols, 9), fontsize=9)
    return _save(figure, path)


def _key_legend(figure: Any, colours: list[str], shapes: list[str]) -> None:
    """A legend below the grid of ``colours`` (a circle each, palette order) and ``shapes``
    (``line.MARKERS`` order, in ink; "" for a shape no curve has), as the screen's key."""
    from matplotlib.lines import Line2D

    ink = tuple(c / 255 for c in resolve(INK, 0, LIGHT))
    handles = [Line2D([], [], ls="", marker="o", ms=4, color=tuple(c / 255 for c in resolve(i, 0, LIGHT)))
               for i in range(len(colours))]
    handles += [Line2D([], [], ls="", marker=marker(k), ms=4, color=ink)
                for k, name in enumerate(shapes) if name]  # "": a shape no curve has
    labels = [*colours, *(name for name in shapes if name)]
    figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6),
                  fontsize=6, frameon=False)
