"""The one image helper (``gui/plotting/_image.py``) on physical axes: a C2 map's cells are
found from the mouse through the map's extent, row 0 at the bottom, and only a left click
picks, once (a double click zooms)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from xpcsviewer.gui.plotting import MapPanel

EXTENT = (0.0, 2.0, 0.0, 2.0)  # seconds: 40 x 40 cells of 0.05 s


def _shown(qtbot) -> MapPanel:
    panel = MapPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 400)
    panel.show()
    t = np.arange(40) * 0.05
    panel.set_image(np.exp(-np.abs(t[:, None] - t[None, :])), extent=EXTENT, label="C2")
    qtbot.waitExposed(panel)
    panel.plot.vb.updateAutoRange()
    return panel


def _at(panel: MapPanel, x: float, y: float) -> QPoint:
    at = panel.mapFromScene(panel.plot.vb.mapViewToScene(QPointF(x, y)))
    return QPoint(at.x(), at.y())


# Nothing under the cursor accepts the press (pyqtgraph reports the click from its scene).
@pytest.mark.qt_log_ignore("not accepted by receiving widget")
def test_a_left_click_on_the_map_gives_seconds_and_its_cell(qtbot):
    panel = _shown(qtbot)
    clicks, picks = [], []
    panel.clicked.connect(lambda x, y: clicks.append((x, y)))
    panel.picked.connect(lambda c, r: picks.append((c, r)))
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=_at(panel, 0.43, 1.02))
    assert len(clicks) == 1 and np.allclose(clicks[0], (0.43, 1.02), atol=0.02)
    assert picks == [(8, 20)]  # t1 = 0.43 s is in [0.40, 0.45); t2 = 1.02 s in [1.00, 1.05)
    qtbot.mouseDClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=_at(panel, 0.43, 1.02))
    assert len(clicks) == 1 and len(picks) == 1  # a double click zooms, it does not pick


def test_hovering_the_map_counts_rows_from_the_bottom(qtbot):
    panel = _shown(qtbot)
    seen = []
    panel.hovered.connect(lambda c, r: seen.append((c, r)))
    for x, y in ((0.01, 0.01), (1.99, 1.99), (0.43, 1.02)):
        panel.scene().sigMouseMoved.emit(panel.plot.vb.mapViewToScene(QPointF(x, y)))
    panel.scene().sigMouseMoved.emit(panel.plot.vb.mapViewToScene(QPointF(2.5, 1.0)))
    assert seen == [(0, 0), (39, 39), (8, 20), (-1, -1)]
