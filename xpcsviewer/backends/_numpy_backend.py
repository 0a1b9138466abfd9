"""NumPy backend: eager, CPU-only. ``jit`` is a no-op and gradients are not available.

``vmap``, ``scan`` and ``fori_loop`` are plain Python loops with the same semantics as
their JAX counterparts, so code written for JAX runs here unchanged (only slower).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._arraymath import ArrayMathMixin
from ._tree import tree_leaves, tree_map, tree_stack, tree_unstack


class NumPyBackend(ArrayMathMixin):
    """Eager NumPy implementation of :class:`BackendProtocol`, float64 by default."""

    xp = np

    @property
    def name(self) -> str:
        return "numpy"

    @property
    def supports_grad(self) -> bool:
        return False

    @property
    def supports_jit(self) -> bool:
        return False

    @property
    def device(self) -> str:
        return "cpu"

    def set_at(self, x, index, values):
        out = np.array(x, copy=True)
        out[index] = values
        return out

    def bincount(self, x, weights=None, length=0):
        return np.bincount(np.asarray(x), weights=weights, minlength=length)[: length or None]

    def segment_sum(self, data, segment_ids, num_segments):
        data = np.asarray(data)
        out = np.zeros((num_segments,) + data.shape[1:], dtype=np.result_type(data, np.float64))
        np.add.at(out, np.asarray(segment_ids), data)
        return out

    def solve(self, a, b):
        return np.linalg.solve(a, b)

    def inv(self, a):
        return np.linalg.inv(a)

    # -- transformations ----------------------------------------------------------
    def jit(self, fn: Callable, static_argnums: Any = None) -> Callable:
        return fn

    def grad(self, fn: Callable, argnums: int = 0) -> Callable:
        raise NotImplementedError(
            "The NumPy backend cannot differentiate. Use the JAX backend "
            "(XPCS_USE_JAX=true), or check backend.supports_grad before asking for gradients."
        )

    def value_and_grad(self, fn: Callable, argnums: int = 0) -> Callable:
        return self.grad(fn, argnums)

    def vmap(self, fn: Callable, in_axes: Any = 0, out_axes: int = 0) -> Callable:
        def mapped(*args):
            axes = in_axes if isinstance(in_axes, (tuple, list)) else (in_axes,) * len(args)
            sizes = {
                np.shape(leaf)[ax]
                for arg, ax in zip(args, axes, strict=True)
                if ax is not None
                for leaf in tree_leaves(arg)
            }
            if len(sizes) != 1:
                raise ValueError(f"vmap: mapped axes must share one size, got {sorted(sizes)}")
            (n,) = sizes
            outs = []
            for i in range(n):
                sliced = [
                    arg
                    if ax is None
                    else tree_map(lambda a, ax=ax, i=i: np.take(a, i, axis=ax), arg)
                    for arg, ax in zip(args, axes, strict=True)
                ]
                outs.append(fn(*sliced))
            return tree_stack(outs, axis=out_axes)

        return mapped

    def scan(self, fn: Callable, init: Any, xs: Any, length: int | None = None):
        carry = init
        steps = tree_unstack(xs) if xs is not None else [None] * int(length)
        ys = []
        for x in steps:
            carry, y = fn(carry, x)
            ys.append(y)
        return carry, (tree_stack(ys) if ys and ys[0] is not None else None)

    def fori_loop(self, lower: int, upper: int, body: Callable, init: Any) -> Any:
        val = init
        for i in range(int(lower), int(upper)):
            val = body(i, val)
        return val

    # -- conversion -----------------------------------------------------------------
    def to_numpy(self, x):
        return np.asarray(x)

    def from_numpy(self, x):
        return np.asarray(x)

    def device_put(self, x):
        return np.asarray(x)
