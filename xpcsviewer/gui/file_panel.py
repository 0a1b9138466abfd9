"""The file panel: the folder's files (filter, sort) above the "selected" list.

Clicking or arrowing through either list sets the current file (what SAXS-2D, Q-map and
Metadata show); Enter, double-click or "Add" puts files on the selected list, which the
overlay tabs plot. The table is a model/view pair, so thousands of rows cost nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ._words import counted
from .plotting import note_label, tooltip
from .session import Session
from .theme import active

COLUMNS = ("name", "kind", "sample", "start time", "bins", "size")
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # numbers for bins and size, else the text
READING = "reading…"  # kind of a row listed but not read yet (filled in the background)
# The kind column's short words (the narrow dock clipped "multitau+twotime"): what the
# tabs call them, g2 (multi-tau) and C2 (two-time); the full kinds are in the tooltip.
KIND_WORDS = {"multitau": "g2", "twotime": "C2"}
KIND_HELP = "g2: multi-tau g2; C2: two-time correlation maps"
FILTER_ROLE = Qt.ItemDataRole.UserRole + 3  # what the filter matches: the text, and full kinds


def kind_label(kinds: Any) -> str:
    """``"g2+C2"`` for {"multitau", "twotime"}; "—" for none; unknown kinds as they are."""
    if not kinds:
        return "—"
    order = list(KIND_WORDS)
    ranked = sorted(kinds, key=lambda k: (order.index(k) if k in order else len(order), k))
    return "+".join(KIND_WORDS.get(k, k) for k in ranked)


def file_size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} kB"


def summary_row(summary: Any, pending: bool = False) -> tuple[str, str, str, str, str, str]:
    """Column texts for one ``FileSummary`` (``pending``: still being written)."""
    size = file_size(getattr(summary, "size_bytes", 0) or 0)
    if pending:
        return (summary.name, "writing…", "", "", "", "")
    if not getattr(summary, "summarized", True):
        return (summary.name, READING, "", "", "", size)
    if getattr(summary, "error", None):
        return (summary.name, "unreadable", "", "", "", size)
    kinds = kind_label(summary.kinds)
    bins = "" if summary.n_bins is None else str(summary.n_bins)
    return (summary.name, kinds, summary.sample_name or "", str(summary.start_time or ""), bins, size)


def widget_shortcut(key: Qt.Key, widget: QWidget, slot: Any) -> QShortcut:
    """``key`` runs ``slot`` only while ``widget`` has the focus (Enter in a tab's colour-limit
    box must not add files). The context is set after construction: PySide6 6.x ignores a
    ``context=`` keyword given with a callable and leaves the window-wide default."""
    shortcut = QShortcut(QKeySequence(key), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
    return shortcut


class FileTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []
        self._summaries: list[Any] = []
        self._pending: set[Path] = set()

    def set_summaries(self, summaries: list[Any], pending: set[Path] = frozenset()) -> None:
        self.beginResetModel()
        self._summaries = list(summaries)
        self._pending = set(pending)
        self._rows = [summary_row(s, Path(s.path) in self._pending) for s in self._summaries]
        self.endResetModel()

    def update_summaries(self, summaries: list[Any], pending: set[Path] = frozenset()) -> None:
        """Like ``set_summaries``, but rows for the same files in the same order are updated
        in place (the background scan filling rows in keeps the user's highlight and scroll)."""
        if [Path(s.path) for s in summaries] != [Path(s.path) for s in self._summaries]:
            self.set_summaries(summaries, pending)
            return
        before, self._pending = self._pending, set(pending)
        changed = []
        for row, summary in enumerate(summaries):
            path = Path(summary.path)
            if summary is not self._summaries[row] or (path in before) != (path in self._pending):
                self._summaries[row] = summary
                self._rows[row] = summary_row(summary, path in self._pending)
                changed.append(row)
        if changed:
            last = self.index(max(changed), len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(min(changed), 0), last)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section] == "kind":
            return KIND_HELP
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        summary = self._summaries[index.row()]
        error = getattr(summary, "error", None)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == PATH_ROLE:
            return str(summary.path)
        if role == FILTER_ROLE:  # "twotime" still finds a file shown as "g2+C2"
            text = self._rows[index.row()][index.column()]
            kinds = getattr(summary, "kinds", None)
            return f"{text} {'+'.join(sorted(kinds))}" if index.column() == 1 and kinds else text
        if role == SORT_ROLE:
            if index.column() == 4:
                return int(getattr(summary, "n_bins", 0) or 0)
            if index.column() == 5:
                return int(getattr(summary, "size_bytes", 0) or 0)
            return self._rows[index.row()][index.column()]
        notes = getattr(summary, "notes", ())
        # A state of its own, not an error. Only a Path is built when the summary holds a
        # str: data() runs thousands of times per repaint of a 200-file table.
        path = summary.path if isinstance(summary.path, Path) else Path(summary.path)
        if self._pending and path in self._pending:
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{summary.name}: being written; listed when complete"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#808080"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return tooltip(f"{summary.name}: {error}")
            kinds = getattr(summary, "kinds", None)
            if index.column() == 1 and kinds:  # the short words in full
                return tooltip(" + ".join(f"{KIND_WORDS.get(k, k)}: {k}" for k in sorted(kinds)))
            return tooltip("\n".join([str(summary.path), *notes]))
        if role == Qt.ItemDataRole.ForegroundRole and (error or notes):
            # red: unreadable; amber: readable, with values the reader left out (see tooltip)
            return QBrush(QColor(active().alarm if error else active().note))
        return None


class FilePanel(QWidget):
    open_folder_requested = Signal()
    reload_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.folder_label = note_label("no folder")  # plain text, wrapped: a folder is user text
        open_button = QPushButton("Open folder…")
        open_button.clicked.connect(self.open_folder_requested)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("filter by name, kind, sample, time…")
        self.filter_edit.setClearButtonEnabled(True)

        self.model = FileTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterRole(FILTER_ROLE)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((160, 80, 80, 140, 40)):
            header.resizeSection(column, width)
        # The kind column as wide as its widest word ("reading…", "unreadable", "g2+C2"):
        # the dock is narrow (a quarter of a 1366 px window), and the name needs the room.
        words = ("kind", "g2+C2", READING, "unreadable", "writing…")
        header.resizeSection(1, max(self.table.fontMetrics().horizontalAdvance(w) for w in words) + 14)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.selectionModel().currentRowChanged.connect(self._table_current_changed)
        self.table.doubleClicked.connect(lambda _index: self.add_highlighted())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            widget_shortcut(key, self.table, self.add_highlighted)

        add_button = QPushButton("Add ↓")
        add_button.setToolTip("add the highlighted files to the selection (Enter)")
        add_button.clicked.connect(self.add_highlighted)
        remove_button = QPushButton("Remove")
        remove_button.setToolTip("remove the highlighted selected files (Delete)")
        remove_button.clicked.connect(self.remove_highlighted)
        clear_button = QPushButton("Clear")
        clear_button.clicked.connect(lambda: self.session.set_selected([]))
        self.selected_list = QListWidget()
        self.selected_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.selected_list.currentRowChanged.connect(self._selected_current_changed)
        widget_shortcut(Qt.Key.Key_Delete, self.selected_list, self.remove_highlighted)
        self.count_label = QLabel("")

        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(open_button)
        buttons = QHBoxLayout()
        for button in (add_button, remove_button, clear_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("selected (overlaid in SAXS-1D):"))
        layout.addWidget(self.selected_list, 1)
        session.changed.connect(self._session_changed)

    # -- reading the widgets -------------------------------------------------------------------
    def visible_paths(self) -> list[Path]:
        """Files in display order (after filter and sort)."""
        return [Path(self.proxy.index(r, 0).data(PATH_ROLE)) for r in range(self.proxy.rowCount())]

    def highlighted_paths(self) -> list[Path]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [Path(self.proxy.index(r, 0).data(PATH_ROLE)) for r in rows]

    # -- actions ----------------------------------------------------------------------------
    def add_highlighted(self) -> None:
        self.session.add_selected([p for p in self.highlighted_paths() if p not in self.session.pending])

    def remove_highlighted(self) -> None:
        rows = [self.selected_list.row(item) for item in self.selected_list.selectedItems()]
        self.session.remove_selected([self.session.selected[r] for r in rows])

    def select_first(self, count: int) -> None:
        """Put the first ``count`` readable files in display order on the selected list."""
        readable = {Path(s.path) for s in self.session.summaries if not getattr(s, "error", None)}
        chosen = [p for p in self.visible_paths() if p in readable][: max(count, 0)]
        self.session.set_selected(chosen)
        if chosen:
            self.session.set_current(chosen[0])

    def _table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            path = Path(self.proxy.index(current.row(), 0).data(PATH_ROLE))
            if path not in self.session.pending:  # nothing to show until it is complete
                self.session.set_current(path)

    def _selected_current_changed(self, row: int) -> None:
        if 0 <= row < len(self.session.selected):
            self.session.set_current(self.session.selected[row])

    def _session_changed(self, reason: str) -> None:
        s = self.session
        if reason in ("listing", "files"):
            self.folder_label.setText(str(s.folder) if s.folder else "no folder")
            self.folder_label.setToolTip(tooltip(s.folder) if s.folder else "")
            if reason == "listing":
                self.model.set_summaries(s.summaries, s.pending)
            else:
                self.model.update_summaries(s.summaries, s.pending)
            self._show_current()
            bad = sum(1 for x in s.summaries if getattr(x, "error", None))
            self.count_label.setText(
                counted(len(s.summaries), "file") + (f", {bad} unreadable (red; hover for why)" if bad else "")
                + (f", {len(s.pending)} being written (grey)" if s.pending else "")
                + (f", {unread} being read" if (unread := len(s.unsummarized())) else "")
            )
        if reason in ("listing", "files", "selected"):
            self.selected_list.blockSignals(True)
            self.selected_list.clear()
            self.selected_list.addItems([p.name for p in s.selected])
            self.selected_list.blockSignals(False)
        if reason in ("current", "selected"):
            self._follow_current()

    def _follow_current(self) -> None:
        """Move both lists' highlight to the current file when something other than a click
        in them made it current (View → Next file, a session, the live folder). A row the
        user already stands on is left alone, so a multi-row highlight survives its clicks."""
        current = self.session.current
        index = self.table.currentIndex()
        on_row = index.isValid() and Path(self.proxy.index(index.row(), 0).data(PATH_ROLE)) == current
        paths = self.visible_paths()
        if not on_row and current in paths:
            # set_current(current) from the signal this emits is a no-op: no loop.
            self.table.setCurrentIndex(self.proxy.index(paths.index(current), 0))
            self.table.scrollTo(self.table.currentIndex())
        row = self.session.selected.index(current) if current in self.session.selected else -1
        if self.selected_list.currentRow() != row:
            was = self.selected_list.blockSignals(True)
            self.selected_list.setCurrentRow(row)
            self.selected_list.blockSignals(was)

    def _show_current(self) -> None:
        """After the rows changed, highlight the current file's row again (a live folder
        adds rows under the user's hands)."""
        paths = self.visible_paths()
        if self.session.current in paths:
            row = paths.index(self.session.current)
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
