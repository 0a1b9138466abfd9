"""Show a file's HDF5 tree. :func:`xpcsviewer.io.read_tree` walks it read-only (small datasets
read, large ones described by shape and dtype and never loaded, so a 4 GB two-time file opens
instantly); this controller only turns its nodes into display text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer import io

from ..._events import State
from .._model import TabController

MAX_SHOWN_ELEMENTS = 16  # datasets up to this many elements are read and shown
MAX_TEXT = 200  # characters of a value shown in the tree


class MetadataState(State):
    filter_text = ""


@dataclass
class TreeNode:
    """One entry: ``kind`` is "group", "dataset" or "attribute"; ``value`` is display text."""

    name: str
    kind: str
    value: str = ""
    shape: str = ""
    dtype: str = ""
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True)
class MetadataData:
    name: str
    summary: list[tuple[str, str]]  # the reader's parsed metadata, or one ("error", text)
    tree: TreeNode


def format_value(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            value = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in value.ravel()]
        else:
            value = np.array2string(value, precision=6, separator=", ", threshold=MAX_SHOWN_ELEMENTS)
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _display(node: io.TreeNode) -> TreeNode:
    """The io layer's tree as display rows: attributes become "@name" children."""
    if node.kind == "dataset":
        shape = "scalar" if node.shape == () else "×".join(str(n) for n in node.shape or ())
        value = format_value(node.value) if node.loaded else node.note
    else:
        shape, value = "", node.note
    rows = [TreeNode(f"@{key}", "attribute", format_value(v)) for key, v in node.attrs.items()]
    rows += [_display(child) for child in node.children]
    return TreeNode(node.name, node.kind, value, shape, node.dtype, rows)


def read_tree(path: Path) -> TreeNode:
    """The tree under "/" of the HDF5 file at ``path`` (read by :func:`xpcsviewer.io.read_tree`,
    read-only, datasets over ``MAX_SHOWN_ELEMENTS`` elements not loaded), as display rows."""
    return _display(io.read_tree(path, max_inline=MAX_SHOWN_ELEMENTS))


def reader_summary(path: Path) -> list[tuple[str, str]]:
    """What ``xpcsviewer.open`` makes of the file, or why it cannot read it."""
    from xpcsviewer.io import open_file

    try:
        f = open_file(path)
    except Exception as exc:  # noqa: BLE001 - the tree is still worth showing
        return [("error", str(exc))]
    meta = f.metadata
    rows = [("layout", f.layout), ("kinds", ", ".join(sorted(f.kinds))), ("g2 bins", str(f.n_bins))]
    for item in dataclasses.fields(meta):
        if item.name != "correlator":
            rows.append((item.name, format_value(getattr(meta, item.name))))
    f.close()
    return rows


class MetadataController(TabController):
    key = "metadata"
    title = "Metadata"
    files_from = "current"
    opens_files = False  # reads the tree itself, so files the reader rejects still show
    state_class = MetadataState
    render_only = frozenset({"filter_text"})

    def prepare(self, files: list[Any], token: Any, progress: Any) -> MetadataData:
        path = Path(files[0])
        return MetadataData(path.name, reader_summary(path), read_tree(path))

    @staticmethod
    def matches(node: TreeNode, text: str) -> bool:
        """Whether a node or any descendant mentions ``text`` (case-insensitive)."""
        if not text:
            return True
        text = text.lower()
        if text in node.name.lower() or text in node.value.lower():
            return True
        return any(MetadataController.matches(child, text) for child in node.children)
