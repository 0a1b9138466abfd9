"""The adapter instance every plotting helper converts through."""

from __future__ import annotations

from xpcsviewer.backends import PyQtGraphAdapter

ADAPTER = PyQtGraphAdapter()


def no_si_prefixes(plot_item, *axes) -> None:
    """Keep axis numbers in the labelled units: pyqtgraph would rescale q to "(x0.001)"."""
    for name in ("left", "bottom", "right", "top"):
        plot_item.getAxis(name).enableAutoSIPrefix(False)
    for axis in axes:
        axis.enableAutoSIPrefix(False)
