"""``read_tree``: a file's whole HDF5 tree as plain objects, read-only, big data never loaded.

What the Metadata tab shows, and what a script can walk without h5py. The file is opened
through :class:`~xpcsviewer.io._h5.Source`, so the reader's rules hold here too: mode ``"r"``,
no locking, external links followed only to files inside the opened file's folder (and
inside those, by the same rules), and no value read whose bytes live elsewhere (virtual
datasets, external raw storage) or that declares an oversized string or attribute. Soft links
are listed with their target, not followed (the target appears at its own place).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from ._errors import XpcsFormatError
from ._h5 import Source
from ._limits import size_problem, text_problem

MAX_INLINE = 16  # datasets with at most this many elements are read into the tree
MAX_ATTR_BYTES = 1 << 20  # attributes are small; a larger one is described, not read


@dataclass(frozen=True)
class TreeNode:
    """One object of an HDF5 file.

    name: last path component (the file name for the root); path: absolute HDF5 path ("/" for
    the root); kind: "group", "dataset" or "link" (a link not followed: soft, dangling or
    outside the folder). shape: dataset shape (``()`` for a scalar), None otherwise; dtype:
    numpy dtype string ("float32", "object" for strings), "" otherwise. attrs: attribute
    name -> value (bytes decoded to str, numpy scalars as Python numbers, arrays as
    ndarray). value: the data of a dataset of at most ``max_inline`` elements (str, int,
    float, bool or ndarray), else None; loaded tells which. note: why something is absent
    ("not loaded (1,000,000 values)", a link target, a read error), "" otherwise.
    """

    name: str
    path: str
    kind: str
    shape: tuple[int, ...] | None = None
    dtype: str = ""
    attrs: Mapping[str, Any] = field(default_factory=dict)
    value: Any = None
    loaded: bool = False
    note: str = ""
    children: tuple[TreeNode, ...] = ()

    def child(self, *names: str) -> TreeNode:
        """The descendant reached by ``names`` (``node.child("xpcs", "qmap")``); KeyError."""
        node = self
        for name in names:
            node = next((c for c in node.children if c.name == name), None)
            if node is None:
                raise KeyError(f"{self.path}: no {'/'.join(names)}")
        return node

    def walk(self) -> Iterator[TreeNode]:
        """This node, then every descendant, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()


def plain(value: Any) -> Any:
    """An HDF5 value as a plain Python one: bytes -> str, numpy scalar -> int/float/bool,
    arrays of bytes -> ndarray of str; numeric arrays stay ndarray."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
        return np.array([plain(v) for v in value.ravel()], dtype=object).reshape(value.shape)
    return value


def _attrs(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        names = list(obj.attrs)
    except (OSError, RuntimeError, TypeError, ValueError) as exc:
        return {"<attributes>": f"<unreadable: {exc}>"}
    for key in names:
        try:
            declared = obj.attrs.get_id(key)
            shape = declared.shape
            size = int(np.prod(shape)) if shape else 1
            if size * max(declared.dtype.itemsize, 1) > MAX_ATTR_BYTES:
                out[key] = f"<not loaded: {size:,} values of {declared.dtype}>"
                continue
            out[key] = plain(obj.attrs[key])
        except (OSError, RuntimeError, TypeError, ValueError) as exc:
            # a damaged or exotic attribute must not hide the rest of the tree
            out[key] = f"<unreadable: {exc}>"
    return out


def _dataset(src: Source, name: str, path: str, ds: h5py.Dataset, max_inline: int) -> TreeNode:
    try:
        shape = tuple(int(n) for n in ds.shape) if ds.shape is not None else None
        str(ds.dtype)
    except (OSError, RuntimeError, TypeError, ValueError) as exc:
        return TreeNode(name, path, "dataset", note=f"cannot read: {exc}")
    size = int(np.prod(shape)) if shape is not None else 0
    common = dict(shape=shape, dtype=str(ds.dtype), attrs=_attrs(ds))
    if shape is None:  # HDF5 null dataspace: there is nothing to read
        return TreeNode(name, path, "dataset", note="empty (null dataspace)", **common)
    if size > max_inline:
        return TreeNode(name, path, "dataset", note=f"not loaded ({size:,} value{'' if size == 1 else 's'})", **common)
    # the reader's rules: bytes only from HDF5 files of the folder, no oversized strings
    problem = src.dataset_problem(path, ds) or (
        text_problem(path, shape, ds.dtype) if ds.dtype.kind in "OSU" else
        size_problem(path, shape, ds.dtype))
    if problem:
        return TreeNode(name, path, "dataset", note=f"not loaded: {problem}", **common)
    try:
        value = plain(ds[()])
    except (OSError, RuntimeError, TypeError, ValueError) as exc:
        return TreeNode(name, path, "dataset", note=f"cannot read: {exc}", **common)
    return TreeNode(name, path, "dataset", value=value, loaded=True, **common)


def read_tree(path: str | Path, max_inline: int = MAX_INLINE) -> TreeNode:
    """The tree under "/" of the HDF5 file at ``path``, opened read-only.

    Datasets of at most ``max_inline`` elements carry their values; larger ones only their
    shape and dtype (a 4 GB two-time file is walked in milliseconds). Raises
    :class:`XpcsFormatError` when the file cannot be opened as HDF5.
    """
    with Source(path) as src:
        seen: set[tuple[int, int]] = set()  # (file number, address) of groups already walked

        def identity(grp: h5py.Group) -> tuple[int, int]:
            info = h5py.h5o.get_info(grp.id)
            return info.fileno, info.addr

        def group(name: str, where: str, grp: h5py.Group) -> TreeNode:
            try:  # a damaged group header: say so here, keep the rest of the tree
                seen.add(identity(grp))
                keys = list(grp)
            except (OSError, KeyError, RuntimeError, ValueError) as exc:
                return TreeNode(name, where, "group", note=f"cannot list: {exc}")
            children = [member(grp, key, f"{where.rstrip('/')}/{key}") for key in keys]
            return TreeNode(name, where, "group", attrs=_attrs(grp), children=tuple(children))

        def member(grp: h5py.Group, key: str, where: str) -> TreeNode:
            try:
                link = grp.get(key, getlink=True)
                if isinstance(link, h5py.SoftLink):
                    return TreeNode(key, where, "link", note=f"soft link -> {link.path}")
                if isinstance(link, h5py.ExternalLink):
                    # the reader's policy: inside the file's folder only, else refused
                    obj = src.follow_external(where, link, grp.file)
                    via = f"external link -> {link.filename}:{link.path}"
                else:
                    obj, via = grp[key], ""
            except XpcsFormatError as exc:
                return TreeNode(key, where, "link", note=exc.problem)
            except (OSError, KeyError, RuntimeError, ValueError) as exc:
                return TreeNode(key, where, "link", note=f"cannot open: {exc}")
            try:
                known = isinstance(obj, h5py.Group) and identity(obj) in seen
            except (OSError, RuntimeError, ValueError) as exc:
                return TreeNode(key, where, "link", note=f"cannot open: {exc}")
            if isinstance(obj, h5py.Group):
                if known:  # a hard-link or external cycle
                    return TreeNode(key, where, "link", note=f"{via or 'hard link'} (shown above)")
                node = group(key, where, obj)
            elif isinstance(obj, h5py.Dataset):
                node = _dataset(src, key, where, obj, max_inline)
            else:  # a committed datatype: nothing to show but its name
                node = TreeNode(key, where, "link", note=f"{type(obj).__name__}")
            if via:
                node = replace(node, note=f"{node.note}; {via}".lstrip("; "))
            return node

        return group(Path(path).name, "/", src.h5["/"])
