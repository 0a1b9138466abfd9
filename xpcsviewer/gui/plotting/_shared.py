"""The adapter instance every plotting helper converts through."""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph import QtCore

from xpcsviewer.backends import PyQtGraphAdapter

ADAPTER = PyQtGraphAdapter()


def no_si_prefixes(plot_item, *axes) -> None:
    """Keep axis numbers in the labelled units: pyqtgraph would rescale q to "(x0.001)"."""
    for name in ("left", "bottom", "right", "top"):
        plot_item.getAxis(name).enableAutoSIPrefix(False)
    for axis in axes:
        axis.enableAutoSIPrefix(False)


class _LooseTitle(pg.LabelItem):
    """A plot title that asks for no minimum width: a long title then overhangs a narrow
    plot instead of widening the plot past its widget (which pushed colour bars off-screen)."""

    def updateMin(self) -> None:  # noqa: N802 - pyqtgraph's name
        super().updateMin()
        self.setMinimumWidth(0)

    def sizeHint(self, hint, constraint):  # noqa: N802 - Qt's name
        size = super().sizeHint(hint, constraint)
        if hint == QtCore.Qt.SizeHint.MinimumSize:
            size.setWidth(0)
        return size


def loose_title(plot_item) -> None:
    """Replace ``plot_item``'s title label by a :class:`_LooseTitle` in the same cell."""
    old = plot_item.titleLabel
    plot_item.layout.removeItem(old)
    old.setParentItem(None)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot_item.titleLabel = _LooseTitle("", size="11pt")
    plot_item.titleLabel.setParentItem(plot_item)
    plot_item.layout.addItem(plot_item.titleLabel, 0, 1)
    plot_item.setTitle(None)
