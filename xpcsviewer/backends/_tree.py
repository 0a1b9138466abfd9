"""Minimal pytree helpers (tuples, lists, dicts, arrays) for the loop-based NumPy backend."""

from __future__ import annotations

from typing import Any

import numpy as np


def tree_leaves(tree: Any) -> list:
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in tree_leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree) for leaf in tree_leaves(tree[key])]
    return [] if tree is None else [tree]


def tree_map(fn, tree: Any) -> Any:
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)(*(tree_map(fn, item) for item in tree))
    if isinstance(tree, (tuple, list)):
        return type(tree)(tree_map(fn, item) for item in tree)
    if isinstance(tree, dict):
        return {key: tree_map(fn, value) for key, value in tree.items()}
    return None if tree is None else fn(tree)


def tree_stack(trees: list, axis: int = 0) -> Any:
    """Stack a list of same-structure trees leaf by leaf."""
    first = trees[0]
    if isinstance(first, tuple) and hasattr(first, "_fields"):
        return type(first)(*(tree_stack([t[i] for t in trees], axis) for i in range(len(first))))
    if isinstance(first, (tuple, list)):
        return type(first)(tree_stack([t[i] for t in trees], axis) for i in range(len(first)))
    if isinstance(first, dict):
        return {key: tree_stack([t[key] for t in trees], axis) for key in first}
    return np.stack([np.asarray(t) for t in trees], axis=axis)


def tree_unstack(tree: Any) -> list:
    """Split a tree of arrays along axis 0 into a list of trees."""
    leaves = tree_leaves(tree)
    n = len(leaves[0])
    return [tree_map(lambda a, i=i: np.asarray(a)[i], tree) for i in range(n)]
