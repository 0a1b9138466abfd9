"""Publication export through matplotlib (Agg, no pyplot state)."""

from __future__ import annotations

from pathlib import Path

from xpcsviewer.backends import MatplotlibAdapter

from ._curves import Curve
from ._legend_mpl import outside_legend
from ._mpl_text import drop_crowded_minor_labels, verbatim_texts, wrapped

_ADAPTER = MatplotlibAdapter()


def export_curves_figure(
    path: Path, curves: list[Curve], x_label: str, y_label: str, log_x: bool, log_y: bool, title: str = ""
) -> Path:
    """Write the curves as a PNG, SVG or PDF figure (chosen by the suffix of ``path``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    legend = any(c.label for c in curves)  # beside the axes: room of its own
    figure = Figure(figsize=(5.0 + (1.8 if legend else 0.0), 3.8), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for curve in curves:
        x, y = _ADAPTER.curve(curve.x, curve.y)
        axes.plot(x, y, label=curve.label or None, linewidth=1.2)
    axes.set_xscale("log" if log_x else "linear")
    axes.set_yscale("log" if log_y else "linear")
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    if title:
        axes.set_title(wrapped(title, 3.6, 9), fontsize=9)
    outside_legend(axes)
    verbatim_texts(figure)
    drop_crowded_minor_labels(figure)
    figure.savefig(path)
    return Path(path)
