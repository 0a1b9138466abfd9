"""Metadata widgets: a filter box and a tree of name, value, shape, dtype."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ...plotting import tooltip
from .._base import TabView
from .controller import MetadataController, MetadataData, TreeNode

COLUMNS = ["name", "value", "shape", "dtype"]
AUTO_EXPAND_DEPTH = 2  # groups this deep open by themselves; deeper ones on demand


class MetadataView(TabView):
    def __init__(self, controller: MetadataController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("filter names and values…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(lambda text: setattr(self.state, "filter_text", text))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree, 1)

    def render(self, data: MetadataData) -> None:
        text = self.state.filter_text
        self.tree.clear()
        summary = QTreeWidgetItem(["reader summary", data.name])
        for key, value in data.summary:
            if not text or text.lower() in f"{key} {value}".lower():
                summary.addChild(QTreeWidgetItem([key, value]))
        self.tree.addTopLevelItem(summary)
        summary.setExpanded(True)
        root = self._item(data.tree, text, 0)
        if root is not None:
            self.tree.addTopLevelItem(root)
            self._expand(root, 0, bool(text))
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, max(self.tree.columnWidth(0), 260))
        self.tree.setColumnWidth(1, 420)

    def _item(self, node: TreeNode, text: str, depth: int) -> QTreeWidgetItem | None:
        if not self.controller.matches(node, text):
            return None
        item = QTreeWidgetItem([node.name, node.value, node.shape, node.dtype])
        item.setToolTip(1, tooltip(node.value))
        for child in node.children:
            child_item = self._item(child, text, depth + 1)
            if child_item is not None:
                item.addChild(child_item)
        return item

    def _expand(self, item: QTreeWidgetItem, depth: int, everything: bool) -> None:
        if everything or depth < AUTO_EXPAND_DEPTH:
            item.setExpanded(True)
            for index in range(item.childCount()):
                self._expand(item.child(index), depth + 1, everything)

    def show_message(self, text: str) -> None:
        self.tree.clear()
        self.tree.addTopLevelItem(QTreeWidgetItem(["", text]))
