"""Publication exports (matplotlib, Agg) of the panel grid and of error-bar plots."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from xpcsviewer.backends import MatplotlibAdapter

from ._mpl_text import verbatim_texts
from ._panel_grid import Panel, Series, grid_shape, shared_y_range

_ADAPTER = MatplotlibAdapter()


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _colour(index: int):
    from matplotlib import colormaps

    return colormaps["tab10"](index % 10)


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
        for s in panel.points:
            x, y = _ADAPTER.curve(s.x, s.y)
            err = None if s.err is None else _ADAPTER.convert(s.err, np.float64)
            ax.errorbar(x, y, yerr=err, fmt="o", ms=2.5, lw=0.6, color=_colour(s.index),
                        label=s.label or None)
        for s in panel.lines:
            x, y = _ADAPTER.curve(s.x, s.y)
            ax.plot(x, y, lw=1.2, color=_colour(s.index), label=s.label or None)
        if panel.note:
            ax.text(0.03, 0.05, panel.note, transform=ax.transAxes, color="red", fontsize=6,
                    wrap=True)
        ax.set_xscale("log")
        ax.set_title(panel.title, fontsize=7)
        ax.tick_params(labelsize=6)
        if y_range is not None:
            ax.set_ylim(*y_range)
        if i // cols == rows - 1 or i + cols >= len(panels):
            ax.set_xlabel(x_label, fontsize=7)
        if i % cols == 0:
            ax.set_ylabel(y_label, fontsize=7)
        if i == 0 and (len(panel.points) > 1 or panel.lines or panel.band is not None):
            ax.legend(fontsize=5, frameon=False)
    if title:
        figure.suptitle(title, fontsize=9)
    verbatim_texts(figure)
    figure.savefig(path)
    return Path(path)


def export_error_figure(path: Path, points: list[Series], lines: list[Series], *, x_label: str,
                        y_label: str, log_x: bool, log_y: bool, title: str = "",
                        text: str = "") -> Path:
    """Points with error bars and fitted lines, as PNG, SVG or PDF."""
    figure = _figure(5.0, 3.8)
    ax = figure.add_subplot()
    for s in points:
        x, y = _ADAPTER.curve(s.x, s.y)
        err = None if s.err is None else _ADAPTER.convert(s.err, np.float64)
        ax.errorbar(x, y, yerr=err, fmt="o", ms=4, lw=0.8, color=_colour(s.index),
                    label=s.label or None)
    for s in lines:
        x, y = _ADAPTER.curve(s.x, s.y)
        ax.plot(x, y, "--", lw=1.2, color=_colour(s.index), label=s.label or None)
    ax.set_xscale("log" if log_x else "linear")
    ax.set_yscale("log" if log_y else "linear")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if title:
        ax.set_title(title, fontsize=9)
    if text:
        ax.text(0.03, 0.04, text, transform=ax.transAxes, fontsize=7, va="bottom")
    if any(s.label for s in [*points, *lines]):
        ax.legend(fontsize=7, frameon=False)
    verbatim_texts(figure)
    figure.savefig(path)
    return Path(path)
