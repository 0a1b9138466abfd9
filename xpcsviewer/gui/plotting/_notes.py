"""Text on screen: user strings escaped where Qt or pyqtgraph read rich text, notes that say
why a plot is empty, and note lines that wrap instead of widening the window.

pyqtgraph draws titles, axis labels and legend entries as HTML, and Qt reads a label or a
tooltip as HTML when it looks like HTML (``Qt::mightBeRichText``), so a file named
``a<b.hdf`` was cut at ``<``. Every user string (file and sample names, messages that quote
them) reaches such a label through :func:`escape` or :func:`tooltip`; labels of our own
(``QLabel``) showing such strings are plain text (:func:`note_label`).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

NOTE_RGB = (170, 60, 0)  # notes in a dark orange: not data, not an error dialog


def escape(text: Any) -> str:
    """``text`` for a rich-text label: ``<``, ``>`` and ``&`` shown as themselves."""
    return html.escape(str(text), quote=False)


def tooltip(text: Any) -> str:
    """``text`` as a tooltip that Qt always reads as rich text, so it shows verbatim (a plain
    tooltip with ``<b>`` in a file name would otherwise be rendered as HTML)."""
    return "<qt>" + escape(text).replace("\n", "<br>") + "</qt>"


def note_label(text: str = " ") -> QLabel:
    """A plain-text note line that wraps and never sets a minimum width: a long note (a
    failed fit's message, a path without spaces) used to widen the whole window."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setMinimumWidth(1)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # the layout ignores its hints
    label.setSizePolicy(policy)
    return label


class PlainLegend(pg.LegendItem):
    """A legend whose entries are the curves' names verbatim (pyqtgraph reads them as HTML)."""

    def addItem(self, item: Any, name: str) -> None:  # noqa: N802 - pyqtgraph's name
        super().addItem(item, escape(name))


def add_legend(plot_item: pg.PlotItem, **kwargs: Any) -> PlainLegend:
    """A :class:`PlainLegend` beside ``plot_item``'s view box, never over its data
    (``_legend.side_legend``); ``offset`` is ignored: the legend is not anchored in the box."""
    from ._legend import side_legend

    kwargs.pop("offset", None)
    return side_legend(plot_item, PlainLegend(offset=None, **kwargs))


class PlotNote:
    """A note inside a plot's view box, in view pixels (it stays put when zoomed), plain
    text wrapped to the box's width. ``text`` is what it says ("" when hidden)."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self._vb = plot_item.vb
        self.item = pg.TextItem("", color=NOTE_RGB, anchor=(0, 0))
        self.item.setParentItem(self._vb)
        self.item.setPos(6, 4)
        self.item.setZValue(50)
        self.item.hide()
        self.text = ""
        self._vb.sigResized.connect(self._fit)

    def set(self, text: str) -> None:
        self.text = text or ""
        self.item.setText(self.text)
        self.item.setVisible(bool(self.text))
        self._fit()

    def _fit(self, *_: Any) -> None:
        self.item.setTextWidth(max(160.0, float(self._vb.width()) - 12.0))


def drawn(plot_item: pg.PlotItem) -> int:
    """How many visible items of ``plot_item`` draw at least one finite value."""
    count = 0
    for item in plot_item.items:
        if not item.isVisible():
            continue
        if isinstance(item, pg.PlotDataItem):
            x, y = item.getData()
            if y is not None and np.isfinite(np.asarray(y, np.float64)).any():
                count += 1
        elif isinstance(item, pg.ImageItem):
            image = item.image
            if image is not None and image.size and np.isfinite(np.asarray(image, np.float64)).any():
                count += 1
        elif isinstance(item, pg.PColorMeshItem):
            z = getattr(item, "z", None)
            if z is not None and np.size(z) and np.isfinite(np.asarray(z, np.float64)).any():
                count += 1
    return count


def blank_panels(root: Any) -> list[str]:
    """The plots under widget ``root`` shown empty without a note (for tests and snapshots):
    a panel says ``blank_parts()``; hidden panels do not count."""
    out: list[str] = []
    for panel in root.findChildren(pg.GraphicsView):
        if hasattr(panel, "blank_parts") and panel.isVisibleTo(root):
            out += [f"{type(panel).__name__}: {part}" for part in panel.blank_parts()]
    return out


def shown_notes(root: Any) -> list[str]:
    """Every visible note of the plots under ``root`` (for tests)."""
    out: list[str] = []
    for panel in root.findChildren(pg.GraphicsView):
        if hasattr(panel, "notes_shown") and panel.isVisibleTo(root):
            out += panel.notes_shown()
    return out


def visible_panels(root: Any) -> int:
    """How many of our plots under ``root`` are shown (for tests)."""
    return sum(1 for panel in root.findChildren(pg.GraphicsView)
               if hasattr(panel, "blank_parts") and panel.isVisibleTo(root))


class NotedPanel:
    """What every single-plot panel shares: ``show_message`` (an empty plot saying why),
    ``blank_parts`` and ``notes_shown`` (for tests and snapshots). A panel has ``plot`` (its
    PlotItem) and ``note`` (a :class:`PlotNote`) and says in ``_clear_data`` how it empties."""

    blank_word = "empty plot"  # what blank_parts calls an empty panel of this kind

    def _clear_data(self) -> None:
        raise NotImplementedError

    def _shows_data(self) -> bool:
        return bool(drawn(self.plot))

    def show_message(self, text: str) -> None:
        """An empty plot that says why it is empty."""
        self._clear_data()
        self.plot.setTitle(None)
        self.note.set(text)

    def blank_parts(self) -> list[str]:
        return [] if self._shows_data() or self.note.text else [self.blank_word]

    def notes_shown(self) -> list[str]:
        return [self.note.text] if self.note.text else []
