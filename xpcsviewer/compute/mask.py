"""Mask tools: shapes, thresholds, ring outliers, and an editor with undo/redo (Qt-free).

Conventions: a mask is an (ny, nx) bool array, **True = valid pixel** (as ``/xpcs/qmap/mask``
stores 1 = used). Pixel ``[row, col]`` has its centre at ``(x = col, y = row)`` (``compute/qmap``),
and a shape selects the pixels whose **centres** lie inside it (boundary included), so the
selection of a shape is exact and independent of how it is drawn. Selections are NumPy bool
arrays; the editor applies them as ``"exclude"`` (mask them out) or ``"include"`` (give them
back), the combine modes of pySimpleMask's and XPCS-Toolkit's editors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.indices(shape, dtype=np.float64)
    return cols, rows  # x, y of each pixel centre


def rectangle(shape: tuple[int, int], x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Pixels with centres in the axis-aligned box spanning (x0, y0)-(x1, y1), any corner order."""
    x, y = _grid(shape)
    (xa, xb), (ya, yb) = sorted((x0, x1)), sorted((y0, y1))
    return (x >= xa) & (x <= xb) & (y >= ya) & (y <= yb)


def ellipse(shape: tuple[int, int], cx: float, cy: float, rx: float, ry: float | None = None,
            angle_deg: float = 0.0) -> np.ndarray:
    """Pixels with centres in the ellipse of semi-axes (rx, ry) (a circle when ry is None)
    about (cx, cy), the rx axis turned ``angle_deg`` from +x towards +y (rows)."""
    ry = rx if ry is None else ry
    if rx <= 0 or ry <= 0:
        raise ValueError(f"semi-axes must be positive, got {rx}, {ry}")
    x, y = _grid(shape)
    t = np.deg2rad(angle_deg)
    u = (x - cx) * np.cos(t) + (y - cy) * np.sin(t)
    v = -(x - cx) * np.sin(t) + (y - cy) * np.cos(t)
    return (u / rx) ** 2 + (v / ry) ** 2 <= 1.0


def polygon(shape: tuple[int, int], vertices: Sequence[tuple[float, float]]) -> np.ndarray:
    """Pixels with centres inside the polygon (x, y) vertices (even-odd rule, closed
    automatically); raises ValueError with fewer than 3 vertices."""
    pts = np.asarray(vertices, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[0] < 3 or pts.shape[1] != 2:
        raise ValueError("a polygon needs at least 3 (x, y) vertices")
    x, y = _grid(shape)
    inside = np.zeros(shape, bool)
    for (xa, ya), (xb, yb) in zip(pts, np.roll(pts, -1, axis=0), strict=True):
        if ya == yb:
            continue  # a horizontal edge never crosses a horizontal ray
        crosses = (ya > y) != (yb > y)
        x_cross = xa + (y - ya) * (xb - xa) / (yb - ya)
        inside ^= crosses & (x < x_cross)
    return inside | _on_edges(x, y, pts)


def _on_edges(x: np.ndarray, y: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Pixels whose centre lies on an edge (within 1e-9 px): the boundary is included."""
    on = np.zeros(x.shape, bool)
    for a, b in zip(pts, np.roll(pts, -1, axis=0), strict=True):
        on |= _segment_distance(x, y, a, b) <= 1e-9
    return on


def _segment_distance(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = b - a
    length2 = float(d @ d)
    if length2 == 0:
        return np.hypot(x - a[0], y - a[1])
    t = np.clip(((x - a[0]) * d[0] + (y - a[1]) * d[1]) / length2, 0.0, 1.0)
    return np.hypot(x - (a[0] + t * d[0]), y - (a[1] + t * d[1]))


def thick_line(shape: tuple[int, int], x0: float, y0: float, x1: float, y1: float,
               width: float) -> np.ndarray:
    """Pixels with centres within ``width / 2`` of the segment (x0, y0)-(x1, y1) (a beamstop
    arm); raises ValueError for a non-positive width."""
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    x, y = _grid(shape)
    return _segment_distance(x, y, np.array([x0, y0], float), np.array([x1, y1], float)) <= width / 2


def threshold(image: np.ndarray, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Pixels below ``low`` or above ``high`` (either may be None), and non-finite pixels."""
    img = np.asarray(image, dtype=np.float64)
    out = ~np.isfinite(img)
    with np.errstate(invalid="ignore"):
        if low is not None:
            out |= img < low
        if high is not None:
            out |= img > high
    return out


def ring_outliers(image: np.ndarray, rings: np.ndarray, valid: np.ndarray,
                  n_sigma: float = 5.0) -> np.ndarray:
    """Valid pixels far from their ring's median: ``|I - median| > n_sigma * 1.4826 * MAD``.

    rings: (ny, nx) int labels (e.g. a static roi map; 0 = no ring). The MAD scale makes the
    threshold ``n_sigma`` standard deviations for Gaussian scatter; a ring whose MAD is 0 (all
    equal, or integer counts mostly equal) flags only pixels that differ from the median by
    more than ``n_sigma`` times the ring's standard deviation, so a flat ring flags nothing.
    """
    img = np.asarray(image, dtype=np.float64)
    labels = np.asarray(rings)
    use = np.asarray(valid, bool) & (labels > 0) & np.isfinite(img)
    out = np.zeros(img.shape, bool)
    flat = np.flatnonzero(use)
    if flat.size == 0:
        return out
    lab = labels.ravel()[flat]
    order = np.argsort(lab, kind="stable")
    flat, lab = flat[order], lab[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    for s, e in zip(starts, np.r_[starts[1:], lab.size], strict=True):
        idx = flat[s:e]
        v = img.ravel()[idx]
        med = np.median(v)
        spread = 1.4826 * np.median(np.abs(v - med))
        if spread == 0:
            spread = v.std()
        if spread > 0:
            out.ravel()[idx[np.abs(v - med) > n_sigma * spread]] = True
    return out


class MaskEditor:
    """A mask with an edit history: every change is one undoable step.

    ``mask``: (ny, nx) bool, True = valid (read-only view; change it through the methods).
    ``apply(selection, mode)`` with mode ``"exclude"`` or ``"include"``; ``invert()``;
    ``set(mask)`` (an imported mask, or ``combine`` with ``"and"``: keep pixels valid in both,
    ``"or"``: valid in either). ``undo()`` / ``redo()`` return False when there is nothing to
    undo/redo; a new edit clears the redo list. ``valid_count`` is the number of valid pixels.
    """

    def __init__(self, shape_or_mask: tuple[int, int] | np.ndarray, max_undo: int = 100) -> None:
        if isinstance(shape_or_mask, tuple):
            start = np.ones(shape_or_mask, bool)
        else:
            start = np.asarray(shape_or_mask) != 0
            if start.ndim != 2:
                raise ValueError(f"a mask is 2-D, got shape {start.shape}")
        self._mask = start
        self._undo: list[np.ndarray] = []
        self._redo: list[np.ndarray] = []
        self.max_undo = max_undo

    @property
    def mask(self) -> np.ndarray:
        view = self._mask.view()
        view.flags.writeable = False
        return view

    @property
    def shape(self) -> tuple[int, int]:
        return self._mask.shape  # type: ignore[return-value]

    @property
    def valid_count(self) -> int:
        return int(np.count_nonzero(self._mask))

    def _commit(self, new: np.ndarray) -> None:
        if new.shape != self._mask.shape:
            raise ValueError(f"mask {new.shape} does not match the detector {self._mask.shape}")
        self._undo.append(self._mask)
        del self._undo[: -self.max_undo]
        self._redo.clear()
        self._mask = new

    def apply(self, selection: np.ndarray, mode: str = "exclude") -> None:
        sel = np.asarray(selection, bool)
        if mode == "exclude":
            self._commit(self._mask & ~sel)
        elif mode == "include":
            self._commit(self._mask | sel)
        else:
            raise ValueError(f"mode must be 'exclude' or 'include', got {mode!r}")

    def invert(self) -> None:
        self._commit(~self._mask)

    def set(self, mask: np.ndarray, combine: str = "replace") -> None:
        other = np.asarray(mask) != 0
        if combine == "replace":
            self._commit(other.copy())
        elif combine == "and":
            self._commit(self._mask & other)
        elif combine == "or":
            self._commit(self._mask | other)
        else:
            raise ValueError(f"combine must be 'replace', 'and' or 'or', got {combine!r}")

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._mask)
        self._mask = self._undo.pop()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._mask)
        self._mask = self._redo.pop()
        return True
