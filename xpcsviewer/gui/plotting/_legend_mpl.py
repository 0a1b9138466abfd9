"""Matplotlib legends outside the data: right of one axes, or below a grid of axes.

Constrained layout (every export uses it) makes room for both; a figure legend's
``"outside …"`` locations need matplotlib ≥ 3.7.
"""

from __future__ import annotations

from typing import Any


def outside_legend(axes: Any, fontsize: float = 7) -> Any:
    """An axes' legend right of the axes (top aligned); ``None`` when nothing is labelled."""
    handles, labels = axes.get_legend_handles_labels()
    if not labels:
        return None
    return axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                       borderaxespad=0.0, fontsize=fontsize, frameon=False)


def figure_legend(figure: Any, axes: Any, fontsize: float = 6) -> Any:
    """One legend for a grid of axes, below the grid (names taken from ``axes``)."""
    handles, labels = axes.get_legend_handles_labels()
    if not labels:
        return None
    return figure.legend(handles, labels, loc="outside lower center",
                         ncols=min(len(labels), 3), fontsize=fontsize, frameon=False)
