"""A g2 panel's title of one or two lines in the plot's 30 px title row.

In an overlay of files whose partitions differ, a panel pairs the reference file's bin with
the nearest bin of each other file. One line "roi 6: q=0.005849 Å⁻¹; brownian_a: q=0.005471
Å⁻¹" was elided at any panel width (about 35 characters fit a 220 px panel), so the partner's
q, the point of it, was only in the tooltip. Here the bin is on the first line and how the
other files pair with it on the second, in the theme's note colour; each line is fitted to
the plot's width on its own, and on the second a file name ("name: q=…") is shortened in its
middle before anything else, so the q stays. Two 8 pt lines fit the row pyqtgraph keeps for
a title, so a second line changes no layout (a page flip re-lays out nothing).
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsTextItem

from ..theme import active
from ._notes import tooltip
from ._panel_points import PanelTitle, swap_title

_MARGIN = 1.0  # the text items' document margin: two lines of 8 pt fit 30 px


def fit_line(text: str, metrics: QFontMetricsF, width: float) -> str:
    """``text`` elided at its end to ``width`` px."""
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0.0, width))


def fit_pairing(text: str, metrics: QFontMetricsF, width: float) -> str:
    """``text`` (e.g. "brownian_a: q=0.005779 Å⁻¹; no bin of 3 files") in ``width`` px:
    as it is; else without its units (the first line, right above, names them); else with a
    leading file name ("name: ", longer than a count like "4 files") shortened in its
    middle, where names of one series differ least, so the q after it stays whole, when
    8 characters of it stay; else elided at its end (or, for a line with no such name, "only
    in name", in its middle)."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    text = text.replace(" Å⁻¹", "")
    if metrics.horizontalAdvance(text) <= width:
        return text
    name, sep, rest = text.partition(": ")
    if not sep:
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, max(0.0, width))
    room = width - metrics.horizontalAdvance(sep + rest)
    short = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(0.0, room))
    if len(name) > 8 and len(short) > 8:  # still a name to read ("brow…un_a" is; "b…a" not)
        return short + sep + rest
    return fit_line(text, metrics, width)  # the name whole, the line's end (a note) cut


class PairTitle(PanelTitle):
    """:class:`PanelTitle` with an optional second line (``text`` "bin\\npairing") drawn in
    the note colour; the tooltip has the whole title, and ``tip`` (the whole pairing) when
    set, so a shortened name is never lost."""

    def __init__(self) -> None:
        super().__init__()
        self.tip = ""
        self.second = QGraphicsTextItem(self)
        self.second.setFont(self.item.font())
        for item in (self.item, self.second):
            item.document().setDocumentMargin(_MARGIN)
        self._height = 2 * (self._metrics.height() + 2 * _MARGIN)  # within the 30 px row
        self._shown: tuple[str, str] | None = None

    def set_tip(self, tip: str) -> None:
        if tip != self.tip:
            self.tip = tip
            self._place()

    def shown(self) -> tuple[str, str]:
        """The lines as drawn now (elided to the plot's width): (first, second or "")."""
        return self.item.toPlainText(), self.second.toPlainText() if self.second.isVisible() else ""

    def _place(self) -> None:
        metrics = getattr(self, "_metrics", None)
        if metrics is None or not hasattr(self, "second"):  # PanelTitle's __init__ sets a text
            return
        first, _, second = self.text.partition("\n")
        second = second.replace("\n", "; ")
        plot = self.parentItem()
        left_end = -self.pos().x()  # the plot's left edge, in this label's coordinates
        width = plot.size().width() if plot is not None else self.rect().width()
        room = width - 2 * _MARGIN - 4
        shown = (first, second) if width <= 0 else (fit_line(first, metrics, room),
                                                   fit_pairing(second, metrics, room))
        if shown != self._shown:
            self._shown = shown
            self.item.setPlainText(shown[0])
            self.second.setPlainText(shown[1])
        self.item.setDefaultTextColor(pg.mkColor(self.opts.get("color") or pg.getConfigOption("foreground")))
        self.second.setDefaultTextColor(pg.mkColor(active().note))
        self.second.setVisible(bool(second))
        whole = "\n".join(filter(None, (first, second)))
        elided = shown != (first, second)
        tip = "\n".join(filter(None, (whole if elided or self.tip else "", self.tip)))
        self.setToolTip(tooltip(tip) if tip else "")
        items = [self.item, self.second] if second else [self.item]
        height = sum(i.boundingRect().height() for i in items)
        y = (self.rect().height() - height) / 2
        for item in items:
            box = item.boundingRect()
            x = self.rect().center().x() - box.width() / 2  # centred over the data, in the plot
            x = max(left_end, min(x, left_end + width - box.width()))
            item.setPos(QPointF(x, y))
            y += box.height()


def install_pair_title(plot: pg.PlotItem) -> PairTitle:
    """Put a :class:`PairTitle` in ``plot``'s title cell, its 30 px row shown."""
    label: Any = swap_title(plot, PairTitle())
    plot.setTitle("")
    return label
