"""The g2 tab's notes row: one line, elided, that a click opens to the whole text.

Three wrapped lines of "partitions differ from …" (five overlaid files) took the height of a
row of panels at 1366x768; one line keeps it, and nothing is hidden: the whole text is in the
tooltip, and a click shows it all (a second click folds it back).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ...plotting import tooltip

FOLDED, OPEN = "▸ ", "▾ "  # the row's first character says it can be opened or folded
_MAX_HEIGHT = 16_777_215  # QWIDGETSIZE_MAX: no limit


class NotesRow(QLabel):
    """A plain-text notes line. ``set_notes(text)`` shows ``text`` on one line, elided at
    the right end to the label's width, with the whole text in the tooltip; when elided,
    a click (``toggle``) shows every line wrapped, and another folds it. ``notes`` is the
    whole text; ``expanded`` whether it is shown whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(1)  # never widens the window (a long note used to)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.setSizePolicy(policy)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.notes = ""
        self.expanded = False
        self._fold()

    @property
    def elided(self) -> bool:
        """Whether one line cannot hold the whole text at the present width."""
        width = self.fontMetrics().horizontalAdvance(self.notes)
        return width > self.contentsRect().width() - 2

    def set_notes(self, text: str) -> None:
        self.notes = str(text)
        self.expanded = self.expanded and bool(self.notes)
        self._show()

    def toggle(self) -> None:
        """Show all of the notes, or fold them to one line again."""
        if self.expanded or self.elided:
            self.expanded = not self.expanded
            self._show()

    def _fold(self) -> None:
        line = self.fontMetrics().lineSpacing()
        self.setWordWrap(self.expanded)
        self.setMaximumHeight(_MAX_HEIGHT if self.expanded else line + 2)

    def _show(self) -> None:
        self._fold()
        elided = self.elided
        if self.expanded:
            text = OPEN + self.notes
            hint = "click: one line again"
        elif elided:
            room = self.contentsRect().width() - self.fontMetrics().horizontalAdvance(FOLDED) - 2
            text = FOLDED + self.fontMetrics().elidedText(self.notes, Qt.TextElideMode.ElideRight,
                                                         max(room, 1))
            hint = "click: show all notes"
        else:
            text, hint = self.notes, ""
        self.setText(text)
        self.setToolTip(tooltip(self.notes + (f"\n({hint})" if hint else "")) if self.notes else "")
        self.setCursor(Qt.CursorShape.PointingHandCursor if hint else Qt.CursorShape.ArrowCursor)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self.toggle()
        super().mousePressEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not self.expanded:  # elided anew for the new width (one line: no height change)
            self._show()
