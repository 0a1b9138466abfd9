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


def _inside(box: QRectF, vb: Any, items: list[Any]) -> int:
    """How many of ``items``' drawn (x, y) values fall in ``box`` (view box pixels)."""
    a, b = vb.mapToView(box.topLeft()), vb.mapToView(box.bottomRight())
    x0, x1 = sorted((a.x(), b.x()))
    y0, y1 = sorted((a.y(), b.y()))
    n = 0
    for item in items:
        x, y = (np.asarray(v, np.float64) for v in item.getData())
        n += int(np.count_nonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)))
    return n


def quiet_corner(vb: Any, width: float, height: float, points: list[Any],
                 lines: list[Any]) -> QPointF:
    """The top-left of the corner box (``width`` x ``height`` px, in ``vb``'s pixels) that
    covers the fewest of ``points``' values, then of ``lines``' vertices (items with
    ``getData()`` in view coordinates: log10 t on a log-x plot)."""
    boxes = corner_boxes(vb.rect(), width, height)
    scores = [(_inside(box, vb, points), _inside(box, vb, lines), i) for i, box in enumerate(boxes)]
    return boxes[min(scores)[2]].topLeft()
