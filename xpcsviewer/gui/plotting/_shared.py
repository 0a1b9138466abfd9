"""The adapter instance every plotting helper converts through."""

from __future__ import annotations

import html

import pyqtgraph as pg
from pyqtgraph import QtCore

from xpcsviewer.backends import PyQtGraphAdapter

from ._panel_points import PanelTitle, swap_title

ADAPTER = PyQtGraphAdapter()


def no_si_prefixes(plot_item, *axes) -> None:
    """Keep axis numbers in the labelled units: pyqtgraph would rescale q to "(x0.001)"."""
    for name in ("left", "bottom", "right", "top"):
        plot_item.getAxis(name).enableAutoSIPrefix(False)
    for axis in axes:
        axis.enableAutoSIPrefix(False)


class LooseLabel(pg.LabelItem):
    """Rich text that asks for no minimum width: a long line then overhangs a narrow plot
    instead of widening the plot past its widget (the g2 grid's coloured file key)."""

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph's name
        super().updateMin()
        self.setMinimumWidth(0)

    def sizeHint(self, hint, constraint):  # noqa: N802 - Qt's name
        size = super().sizeHint(hint, constraint)
        if hint == QtCore.Qt.SizeHint.MinimumSize:
            size.setWidth(0)
        return size


class _LooseTitle(PanelTitle):
    """A plot title on one line, elided to its plot's width with the whole title in the
    tooltip. It asks for no width: a long title neither widens the plot past its widget
    (which pushed colour bars off-screen) nor runs off the window at 1366 px (Two-time).
    Titles arrive escaped for pyqtgraph's rich text; this one shows plain text."""

    _POINT_SIZE = 10.0

    def setText(self, text: str, **args) -> None:  # noqa: N802 - pyqtgraph's name
        super().setText(html.unescape(text or ""), **args)


def loose_title(plot_item) -> None:
    """Replace ``plot_item``'s title label by a :class:`_LooseTitle` in the same cell."""
    swap_title(plot_item, _LooseTitle())
    plot_item.setTitle(None)
