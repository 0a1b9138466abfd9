"""The g2 grid's panel titles and notes in an overlay of files with different partitions
(issue 13): a pair's title is readable at the smallest panel width, not only in its tooltip,
and no note covers a panel's points."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

import xpcsviewer
from xpcsviewer.gui.line import Line
from xpcsviewer.gui.plotting._panel_grid import (
    _MARGIN_PX,
    _SPACING_PX,
    MIN_PANEL_PX,
    Panel,
    PanelGrid,
)
from xpcsviewer.gui.tabs.g2._bins import load, slots


@pytest.fixture(scope="module")
def overlay(data_dir):
    """aging_b (10 bins) with brownian_a (12 bins): bins paired by nearest q."""
    with xpcsviewer.open(data_dir / "aging_b_results.hdf") as a, \
            xpcsviewer.open(data_dir / "brownian_a_results.hdf") as b:
        files = [load(a), load(b)]
    return files, slots(files, "each")[0]


def _grid(qtbot, columns: int) -> PanelGrid:
    """A grid whose panels are the smallest a page uses (``MIN_PANEL_PX`` wide)."""
    grid = PanelGrid()
    qtbot.addWidget(grid)
    grid.resize(columns * (MIN_PANEL_PX[0] + _SPACING_PX) - _SPACING_PX + _MARGIN_PX, 500)
    grid.show()
    qtbot.waitExposed(grid)
    assert grid.capacity()[1] == columns
    return grid


def _panels(files, chosen) -> list[Panel]:
    return [Panel(s.title, [Line(files[m.file_index].t, files[m.file_index].g2[:, m.column], m.label,
                                 None, m.colour, symbol=True) for m in s.members], note=s.note, tip=s.tip)
            for s in chosen]


def test_a_pairs_title_is_whole_at_the_smallest_panel_width(qtbot, overlay):
    # The partner's own q was elided ("roi 1: q=…; brownian_a: q=…") at any width; now the
    # bin and the partner's q are two lines, each whole in a 220 px panel.
    files, all_slots = overlay
    pairs = [s for s in all_slots if len(s.members) == 2 and "\n" in s.title]
    assert len(pairs) >= 6
    grid = _grid(qtbot, 3)
    grid.set_panels(_panels(files, pairs[:6]), 2, "t (s)", "g2")
    assert len(grid.plots) == 6
    for plot, slot in zip(grid.plots, pairs, strict=False):
        assert plot.width() <= MIN_PANEL_PX[0] + 2
        title = plot.titleLabel
        first, second = slot.title.split("\n")
        assert second.startswith("brownian_a: q=")
        assert title.shown() == (first, second)  # nothing elided
        # both lines inside the plot's width and inside the 30 px title row, one under the other
        boxes = [item.mapRectToItem(plot, item.boundingRect()) for item in (title.item, title.second)]
        assert all(0 <= box.left() and box.right() <= plot.width() for box in boxes)
        rows = [item.mapRectToItem(title, item.boundingRect()) for item in (title.item, title.second)]
        assert 0 <= rows[0].top() and rows[0].bottom() <= rows[1].top() + 0.5
        assert rows[1].bottom() <= title.rect().height() + 0.5
        assert "brownian_a roi" in title.toolTip()  # the partner's roi and Δq in the tooltip


def test_a_long_partner_name_is_shortened_before_its_q(qtbot):
    grid = _grid(qtbot, 1)
    t = np.geomspace(1e-3, 10, 30)
    name = "silica_nanoparticles_in_glycerol_T15C_att02_run0017"
    title = f"roi 3: q=0.003314 Å⁻¹\n{name}: q=0.003172 Å⁻¹"
    grid.set_panels([Panel(title, [Line(t, 1 + np.exp(-t), "a", None, 0, symbol=True)], tip="whole")],
                    1, "t (s)", "g2")
    first, second = grid.plots[0].titleLabel.shown()
    assert first == "roi 3: q=0.003314 Å⁻¹"
    # the unit first (the line above names it), then the name's middle; the q stays whole
    assert second.endswith(": q=0.003172") and "…" in second and second.startswith("silica")
    assert name in grid.plots[0].titleLabel.toolTip() and "whole" in grid.plots[0].titleLabel.toolTip()


def test_pairing_is_said_in_titles_not_over_the_points(overlay):
    # "no bin of <file> here" and "only in <file>" sat over a panel's first points: they are
    # the second line of the title now, and the panel keeps no pairing note.
    _, all_slots = overlay
    alone = [s for s in all_slots if len(s.members) == 1]
    assert alone and all(s.title.split("\n")[1].startswith(("no bin of", "only in")) for s in alone)
    assert not any(s.note for s in all_slots)
    missing = [s for s in alone if s.members[0].file_index == 0]
    assert missing and all("no bin of brownian_a near here" in s.tip for s in missing)


@pytest.mark.parametrize("decay_s", [0.03, 0.3])
def test_a_panels_note_covers_none_of_its_points(qtbot, overlay, decay_s):
    # A note ("fit failed: …") was pinned over the first points of a decay; it goes to the
    # corner of the plot where it covers no point.
    grid = _grid(qtbot, 2)
    t = np.geomspace(1e-3, 10, 60)
    points = [Line(t, 1 + 0.25 * np.exp(-2 * t / decay_s), "a", None, 0, symbol=True),
              Line(t, 1 + 0.22 * np.exp(-2 * t / (2 * decay_s)), "b", None, 1, symbol=True)]
    grid.set_panels([Panel("roi 1", points, note="fit failed: no convergence"),
                     Panel("roi 2", points)], 2, "t (s)", "g2")
    qtbot.waitUntil(lambda: grid.notes_shown() == ["fit failed: no convergence"])
    items = grid._items[0]
    note = items.note.textItem.sceneBoundingRect()
    assert note.width() > 50
    assert items.plot.vb.sceneBoundingRect().contains(note)  # inside the plot, readable
    for item in items.points:
        x, y = item.getData()
        for xi, yi in zip(x, y, strict=True):
            assert not note.contains(items.plot.vb.mapViewToScene(QPointF(xi, yi)))

