"""Legends that never cover data: beside the view box on screen, outside the axes in exports.

On screen the legend is a column of the plot item's own grid, right of the view box and its
right axis, so panning, zooming or a long curve name cannot put it over a point; the plot's
context menu has "Show legend" to give that room back. In a matplotlib export the legend is
placed outside the axes (``_legend_mpl``).
"""

from __future__ import annotations

import weakref

import pyqtgraph as pg

LEGEND_COLUMN = 3  # PlotItem's grid: 0 left axis, 1 view box, 2 right axis
LEGEND_ROW = 2  # the view box's row


def side_legend(plot_item: pg.PlotItem, legend: pg.LegendItem) -> pg.LegendItem:
    """Put ``legend`` (made with ``offset=None``: not anchored in the box) in its own column
    right of ``plot_item``'s view box, with a "Show legend" toggle in the plot's menu."""
    # Its natural height, at the top of the column: stretched, entries drift from their marks.
    legend.setSizePolicy(pg.QtWidgets.QSizePolicy.Policy.Preferred,
                         pg.QtWidgets.QSizePolicy.Policy.Maximum)
    # Its names ask for their width but may not demand it: a long file name must not raise
    # the window's minimum width (a narrow window squeezes the legend, then the data).
    legend.setMinimumWidth(60)
    plot_item.layout.addItem(legend, LEGEND_ROW, LEGEND_COLUMN)
    plot_item.layout.setAlignment(legend, pg.QtCore.Qt.AlignmentFlag.AlignTop)
    plot_item.legend = legend
    menu = plot_item.vb.menu
    if menu is not None:
        action = menu.addAction("Show legend")
        action.setCheckable(True)
        action.setChecked(True)
        # A weak reference: a strong one in a Qt connection keeps the plot (and its
        # parentless menus) alive for ever.
        item = weakref.ref(plot_item)
        action.toggled.connect(lambda on: item() is not None and set_legend_shown(item(), on))
        action.setToolTip("the legend beside the plot; off gives its width to the data")
        plot_item.legend_action = action
    return legend


def set_legend_shown(plot_item: pg.PlotItem, shown: bool) -> None:
    """Show or hide the side legend (shown only while the user's "Show legend" is on and
    it has entries); hidden, it takes no width from the plot."""
    legend = plot_item.legend
    action = getattr(plot_item, "legend_action", None)
    shown = shown and (action is None or action.isChecked()) and bool(legend.items)
    legend.setVisible(shown)
    if shown:
        legend.setMaximumWidth(16777215)  # Qt's "no limit"
    else:
        legend.setMaximumWidth(0)
    plot_item.layout.invalidate()
