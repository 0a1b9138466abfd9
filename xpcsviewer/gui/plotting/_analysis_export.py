"""Publication exports (matplotlib, Agg) of the panel grid and of error-bar plots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xpcsviewer.backends import MatplotlibAdapter

from ..theme import LIGHT
from ._legend_mpl import figure_legend, outside_legend
from ._lines import palette
from ._mpl_text import drop_crowded_minor_labels, plain, verbatim_texts, wrapped
from ._panel_grid import Panel, Series, grid_shape, shared_y_range

_ADAPTER = MatplotlibAdapter()


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _colour(index: int) -> tuple[float, float, float]:
    """The light theme's line colour ``index`` (exports go on paper), as matplotlib RGB: the
    same colours as the window's plots and the other exports."""
    return tuple(c / 255 for c in palette(index, 0, LIGHT))  # type: ignore[return-value]


def _draw_series(ax, points: list[Series], lines: list[Series], *, ms: float, lw: float,
                 line_style: str = "-") -> None:
    """Points with error bars, then lines over them, each in its series' colour."""
    for s in points:
        x, y = _ADAPTER.curve(s.x, s.y)
        err = None if s.err is None else _ADAPTER.convert(s.err, np.float64)
        ax.errorbar(x, y, yerr=err, fmt="o", ms=ms, lw=lw, color=_colour(s.index),
                    label=s.label or None)
    for s in lines:
        x, y = _ADAPTER.curve(s.x, s.y)
        ax.plot(x, y, line_style, lw=1.2, color=_colour(s.index), label=s.label or None)


def export_grid_figure(path: Path, panels: list[Panel], x_label: str, y_label: str,
                         title: str = "", shared_y: bool = True) -> Path:
    """One subplot per panel (log x), as PNG, SVG or PDF by the suffix of ``path``."""
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
        _draw_series(ax, panel.points, panel.lines, ms=2.5, lw=0.6)
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
    if len(panels[0].points) > 1 or panels[0].lines or panels[0].band is not None:
        figure_legend(figure, first)  # below the grid: no panel's data under it
    if title:
        figure.suptitle(wrapped(plain(title), 2.3 * cols, 9), fontsize=9)
    verbatim_texts(figure)
    drop_crowded_minor_labels(figure)
    figure.savefig(path)
    return Path(path)


@dataclass(frozen=True)
class ErrorPanel:
    """One axes of :func:`export_error_panels`: points with error bars, fitted lines dashed."""

    points: list[Series]
    lines: list[Series]
    x_label: str
    y_label: str
    log_x: bool = False
    log_y: bool = False
    title: str = ""


def export_error_figure(path: Path, points: list[Series], lines: list[Series], *, x_label: str,
                        y_label: str, log_x: bool, log_y: bool, title: str = "",
                        text: str = "") -> Path:
    """Points with error bars and fitted lines, as PNG, SVG or PDF."""
    panel = ErrorPanel(points, lines, x_label, y_label, log_x, log_y)
    return export_error_panels(path, [panel], title=title, text=text)


def export_error_panels(path: Path, panels: list[ErrorPanel], *, title: str = "",
                        text: str = "") -> Path:
    """Error-bar panels side by side, each legend right of its axes, and ``text`` (lines of
    results) in a row of its own below them, never over the data; PNG, SVG or PDF by suffix."""
    n_text = len(text.splitlines()) if text else 0
    figure = _figure(5.2 * len(panels), 3.8 + 0.16 * n_text)
    grid = figure.add_gridspec(2 if n_text else 1, len(panels),
                               height_ratios=[3.6, 0.16 * n_text + 0.1] if n_text else None)
    for k, panel in enumerate(panels):
        ax = figure.add_subplot(grid[0, k])
        _draw_series(ax, panel.points, panel.lines, ms=4, lw=0.8, line_style="--")
        ax.set_xscale("log" if panel.log_x else "linear")
        ax.set_yscale("log" if panel.log_y else "linear")
        ax.set_xlabel(panel.x_label)
        ax.set_ylabel(panel.y_label)
        if panel.title:
            ax.set_title(wrapped(panel.title, 3.4, 8), fontsize=8)
        outside_legend(ax)
    if n_text:
        box = figure.add_subplot(grid[1, :])
        box.axis("off")
        box.text(0.0, 1.0, text, transform=box.transAxes, fontsize=7, va="top", ha="left")
    if title:
        figure.suptitle(wrapped(title, 5.0 * len(panels), 9), fontsize=9)
    verbatim_texts(figure)
    drop_crowded_minor_labels(figure)
    figure.savefig(path)
    return Path(path)
