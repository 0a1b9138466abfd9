"""Where a small panel's note goes: the corner of the plot with the fewest data under it.

A note pinned to the top-left corner ("no bin of demo_aging here", "fit failed: …") sat on
the first points of a g2 decay, which start high at short delays. A decay leaves another
corner free (top-right above its tail, bottom-left below its start), so the note takes the
corner whose box covers the fewest points, then the fewest fit-line vertices; on a tie the
top-left, as before. It is placed again when the plot's size or range changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF

_PAD = (4.0, 2.0)  # px from the plot's edges


def corner_boxes(view: QRectF, width: float, height: float) -> list[QRectF]:
    """The note's box (``width`` x ``height`` px) in each corner of ``view`` (the view box's
    own pixel rectangle): top-left, top-right, bottom-left, bottom-right."""
    px, py = _PAD
    left, right = view.left() + px, view.right() - px - width
    top, bottom = view.top() + py, view.bottom() - py - height
    return [QRectF(x, y, width, height) for y in (top, bottom) for x in (left, right)]


def _xy(items: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """All drawn (x, y) values of ``items`` (view coordinates), as two flat arrays."""
    data = [item.getData() for item in items]
    if not data:
        return np.zeros(0), np.zeros(0)
    return (np.concatenate([np.asarray(x, np.float64) for x, _ in data]),
            np.concatenate([np.asarray(y, np.float64) for _, y in data]))


def _inside(box: QRectF, vb: Any, x: np.ndarray, y: np.ndarray) -> int:
    """How many of the values (x, y) (view coordinates) fall in ``box`` (view box pixels)."""
    a, b = vb.mapToView(box.topLeft()), vb.mapToView(box.bottomRight())
    x0, x1 = sorted((a.x(), b.x()))
    y0, y1 = sorted((a.y(), b.y()))
    return int(np.count_nonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)))


def quiet_corner(vb: Any, sizes: list[tuple[float, float]], points: list[Any],
                 lines: list[Any]) -> tuple[int, QPointF]:
    """Of the note's boxes (``sizes``: (width, height) px each, in ``vb``'s pixels, in the
    order preferred) in each corner, the one that covers the fewest of ``points``' values,
    then of ``lines``' vertices (items with ``getData()`` in view coordinates: log10 t on a
    log-x plot): (its index in ``sizes``, its top-left)."""
    (px, py), (lx, ly) = _xy(points), _xy(lines)
    best = None
    for rank, (width, height) in enumerate(sizes):
        for corner, box in enumerate(corner_boxes(vb.rect(), width, height)):
            score = (_inside(box, vb, px, py), _inside(box, vb, lx, ly), rank, corner)
            if best is None or score < best[0]:
                best = (score, rank, box.topLeft())
    return best[1], best[2]
