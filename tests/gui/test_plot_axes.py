"""Axis text as drawn: colour bars carry numbers over their range, log axes label without
overlap and give every shown decade a number. Read from pyqtgraph's own draw specs, i.e. the
labels that survive its "does it fit inside the axis" check, not just the tick values."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from xpcsviewer.gui.plotting import ColorScale, Line, LinePanel


def drawn_labels(axis) -> list[tuple[object, str]]:
    """``(rect, text)`` of every tick label ``axis`` paints now."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in specs[2]]


def settled_labels(qtbot, axis) -> list[tuple[object, str]]:
    # A colour bar shown by set_lines gets its width in the next layout pass (posted event).
    qtbot.waitUntil(lambda: bool(drawn_labels(axis)), timeout=3000)
    return drawn_labels(axis)


def assert_numbered(qtbot, axis, lo: float, hi: float, *, inside=None) -> None:
    """At least three numbered ticks, all within [lo, hi], not overlapping, and (when
    ``inside`` is a widget) the whole axis within that widget, i.e. not pushed off-screen."""
    labels = settled_labels(qtbot, axis)
    values = [float(text) for _, text in labels]
    assert len(values) >= 3, f"colour bar shows {values}"
    span = hi - lo
    assert all(lo - 1e-9 * span <= v <= hi + 1e-9 * span for v in values), (values, lo, hi)
    assert max(values) - min(values) >= 0.4 * span  # spread over the range, not bunched
    rects = sorted((r for r, _ in labels), key=lambda r: r.top())
    assert all(not a.intersects(b) for a, b in zip(rects, rects[1:], strict=False))
    if inside is not None:
        box = axis.mapRectToScene(axis.boundingRect())
        assert box.right() <= inside.width() + 1 and box.left() >= 0


def show_lines(qtbot, panel: LinePanel, lines, scale=None, log=(False, False), size=(420, 300)):
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    panel.set_axes("x", "y", *log)
    panel.set_lines(lines, scale)
    qtbot.waitExposed(panel)
    panel.plot.vb.updateAutoRange()
    return panel


@pytest.mark.parametrize("key", ["twotime", "stability"])
def test_colour_bars_show_numbers_over_their_range(qtbot, make_window, tab, data_dir, key):
    window = make_window(data_dir, select=1)
    view = tab(window, key)
    if key == "twotime":
        panels = {"C2": view.map, "window age (s)": view.g2_plot}
    else:
        panels = {"segment time (s)": view.profiles, "segment time (s) ": view.ratios}
    for label, panel in panels.items():
        bar = panel.colorbar
        assert bar.isVisible()
        assert bar.axis.labelText == label.strip()
        assert_numbered(qtbot, bar.axis, *bar.levels(), inside=panel)
        lo, hi = bar.levels()
        assert tuple(bar.axis.range) == pytest.approx((lo, hi))


def test_log_axis_labels_do_not_overlap_and_skip_no_decade(qtbot):
    q = np.geomspace(0.00112, 0.0097, 200)
    panel = show_lines(qtbot, LinePanel(), [Line(q, 1 + 0 * q)], log=(True, False), size=(420, 260))
    labels = settled_labels(qtbot, panel.plot.getAxis("bottom"))
    texts = [t for _, t in labels]
    rects = sorted((r for r, _ in labels), key=lambda r: r.left())
    assert all(b.left() - a.right() >= 4 for a, b in zip(rects, rects[1:], strict=False)), texts
    assert {"0.002", "0.005"} <= set(texts)  # 1-2-5 first when the labels crowd
    assert len(texts) >= 3


def test_log_axis_labels_the_partly_shown_top_decade(qtbot):
    # SAXS-1D's log I: 0.05 .. ~2 in a tall plot; the decade above 1 used to have no number.
    q = np.geomspace(0.001, 0.01, 100)
    intensity = 2.05 * np.exp(-((q / 0.0045) ** 2)) + 0.05
    panel = show_lines(qtbot, LinePanel(), [Line(q, intensity)], log=(True, True), size=(700, 600))
    values = [float(t) for _, t in settled_labels(qtbot, panel.plot.getAxis("left"))]
    top = 10 ** panel.plot.vb.viewRange()[1][1]
    assert any(1 < v <= top for v in values) or top < 2, (values, top)
    for k in (-2, -1, 0):  # every decade the axis shows has a number in it
        lo, hi = max(10.0**k, 10 ** panel.plot.vb.viewRange()[1][0]), min(10.0 ** (k + 1), top)
        if hi / lo > 1.5:
            assert any(lo <= v < hi * 1.0001 for v in values), (k, values)


def test_line_panel_colour_bar_numbers(qtbot):
    x = np.linspace(0, 1, 50)
    scale = ColorScale("plasma", 0.25, 1.75, "window age (s)")
    lines = [Line(x, x * k, colour=scale.rgb(a)) for k, a in enumerate((0.25, 1.0, 1.75))]
    panel = show_lines(qtbot, LinePanel(), lines, scale)
    assert panel.colorbar.axis.labelText == "window age (s)"
    assert_numbered(qtbot, panel.colorbar.axis, 0.25, 1.75, inside=panel)


def test_panel_grid_fills_its_widget_after_regrids(qtbot):
    # Re-gridding a shown grid once squashed every panel into the top of the widget.
    from xpcsviewer.gui.plotting import Line, Panel, PanelGrid

    grid = PanelGrid()
    qtbot.addWidget(grid)
    grid.resize(600, 450)
    grid.show()
    qtbot.waitExposed(grid)
    t = np.geomspace(1e-3, 10, 40)
    for n in (2, grid.per_page, 3):  # a page never holds more than fit (issue 13)
        panels = [Panel(f"bin {i}", points=[Line(t, 1 + np.exp(-t), symbol=True)]) for i in range(n)]
        grid.set_panels(panels, 1, "t (s)", "g2")
        qtbot.wait(30)  # the layout re-activates on a posted event
        box = grid.ci.geometry()
        assert (box.width(), box.height()) == (grid.width(), grid.height())
        assert grid.plots[0].vb.height() > 50


def test_panel_grid_reuses_its_curves_and_axis_pictures(qtbot):
    # A redraw gives the same items new data (making and adding them was most of the GUI
    # block while a fit arrived); only a change in what is drawn adds or removes items.
    from xpcsviewer.gui.plotting import Line, Panel, PanelGrid

    grid = PanelGrid()
    qtbot.addWidget(grid)
    grid.resize(600, 450)
    grid.show()
    qtbot.waitExposed(grid)
    t = np.geomspace(1e-3, 10, 40)
    data = Line(t, 1 + np.exp(-t), err=0.01 + 0 * t, symbol=True)
    fit = Line(t, 1 + np.exp(-t))
    grid.set_panels([Panel("a", [data], [fit]), Panel("b", [data])], 1, "t (s)", "g2")
    qtbot.wait(30)
    first = [list(p.listDataItems()) for p in grid.plots]
    axis = grid.plots[0].getAxis("bottom")
    qtbot.waitUntil(lambda: axis.picture is not None, timeout=5000)  # painted once
    picture = axis.picture
    grid.set_panels([Panel("a", [data], [fit], note="fit failed: x"), Panel("b", [data], [fit])],
                    1, "t (s)", "g2")
    qtbot.wait(30)
    assert grid.plots[0].listDataItems() == first[0]  # same objects, new data
    assert grid.plots[1].listDataItems()[0] is first[1][0]
    assert len(grid.plots[1].listDataItems()) == 2  # the new fit was added
    assert axis.picture is picture  # same range and size: the drawn axis is reused
    assert grid.notes == ["fit failed: x", ""]
    # The items' bounds are their data padded by their pixel padding, one pixel measured as
    # pyqtgraph measures it (pixelVectors), not by its slower path.
    for item in grid.plots[1].listDataItems():
        (x0, x1), (y0, y1) = item.dataBounds(0), item.dataBounds(1)
        px, py = item.pixelVectors()
        pad = item.pixelPadding()
        rect = item.boundingRect()
        np.testing.assert_allclose([rect.left(), rect.right(), rect.top(), rect.bottom()],
                                   [x0 - pad * px.length(), x1 + pad * px.length(),
                                    y0 - pad * py.length(), y1 + pad * py.length()], rtol=1e-9)
    band = (t, 1 + 0.9 * np.exp(-t), 1 + 1.1 * np.exp(-t))
    grid.set_panels([Panel("a", [data], band=band)], 1, "t (s)", "g2")
    qtbot.wait(30)
    items = grid.plots[0].listDataItems()
    assert len(items) == 3 and items[2] is first[0][0]  # band edges first, under the points
    # The fill sits where its edges are (log10 t on the log axis), not at t: the x range is
    # the data's, not stretched to 10**t_max.
    np.testing.assert_allclose(items[0].getData()[0], np.log10(t))
    fills = [i for i in grid.plots[0].vb.addedItems if type(i).__name__ == "FillBetweenItem"]
    assert len(fills) == 1
    rect = fills[0].boundingRect()
    np.testing.assert_allclose([rect.left(), rect.right()], np.log10([t.min(), t.max()]))
    assert grid.plots[0].vb.childrenBounds()[0][1] < np.log10(t.max()) + 0.5  # not 10**t_max
    # A series taken out (fewer files) is hidden and out of the plot's items and range;
    # shown again, it is the same item, stacked where it was.
    two = Line(t, 3 + np.exp(-t), err=0.01 + 0 * t, colour=1, symbol=True)
    grid.set_panels([Panel("a", [data, two])], 2, "t (s)", "g2")
    a, b = grid.plots[0].listDataItems()
    grid.set_panels([Panel("a", [data])], 2, "t (s)", "g2")
    assert grid.plots[0].listDataItems() == [a] and not b.isVisible()
    assert grid.plots[0].vb.childrenBounds()[1][1] < 2.1  # the hidden series (y ~ 3-4) not in it
    grid.set_panels([Panel("a", [data, two])], 2, "t (s)", "g2")
    assert grid.plots[0].listDataItems() == [a, b] and b.isVisible()
    assert b.parentItem() is a.parentItem() and b.zValue() == a.zValue()


def test_a_new_page_of_panels_is_painted_once(qtbot):
    # Another panel count moves the x label to another bottom row; the plots' layouts are
    # redone before the paint, not on a posted event after it (which painted the grid twice).
    from conftest import Paints

    from xpcsviewer.gui.plotting import Line, Panel, PanelGrid
    from xpcsviewer.gui.plotting._panel_grid import grid_shape

    grid = PanelGrid()
    qtbot.addWidget(grid)
    grid.resize(1000, 450)  # room for 2 x 4 panels
    grid.show()
    qtbot.waitExposed(grid)
    t = np.geomspace(1e-3, 10, 40)
    data = Line(t, 1 + np.exp(-t), err=0.01 + 0 * t, symbol=True)
    paints = Paints(grid.viewport())
    for n in (5, 2, 6, 1):  # 2 x 3, 1 x 2, 2 x 3 (full), 1 x 1
        grid.set_panels([Panel(f"bin {k}", [data]) for k in range(n)], 1, "t (s)", "g2")
        paints.count = 0
        qtbot.waitUntil(lambda: paints.count > 0, timeout=5000)
        qtbot.wait(100)  # a posted re-layout would repaint by now
        assert paints.count == 1, n
        bottom = [bool(p.getAxis("bottom").labelText) for p in grid.plots]
        rows, cols = grid_shape(n, grid.capacity()[1])
        assert bottom == [k // cols == rows - 1 or k + cols >= n for k in range(n)]


def test_one_line_type_on_screen_and_on_paper(qtbot, tmp_path, monkeypatch):
    # One Line: points with error bars placed in log10 units on log axes (pyqtgraph leaves
    # ErrorBarItem untransformed), dashed lines, and the same palette colour for colour=k on
    # screen and in the matplotlib export (light theme there).
    import pyqtgraph as pg
    from matplotlib.figure import Figure

    from xpcsviewer.gui.line import resolve
    from xpcsviewer.gui.plotting import LinesFigure, export_panels_figure
    from xpcsviewer.gui.theme import LIGHT

    q = np.array([1e-3, 2e-3, 5e-3])
    tau, err = np.array([4.0, 1.0, 0.16]), np.array([1.0, 0.5, 0.5])  # last: err > tau
    points = Line(q, tau, "data", err, 1, symbol=True)
    law = Line(q, 4e-6 / q**2, "law", colour=1, dashed=True)
    panel = show_lines(qtbot, LinePanel(), [points, law], log=(True, True))
    bars, = [i for i in panel.plot.items if isinstance(i, pg.ErrorBarItem)]
    np.testing.assert_allclose(bars.opts["x"], np.log10(q))
    np.testing.assert_allclose(bars.opts["y"], np.log10(tau))
    np.testing.assert_allclose(bars.opts["top"], np.log10(tau + err) - np.log10(tau))
    # the lower end is clipped at tau/100 where tau - err <= 0 (a log axis has no 0)
    np.testing.assert_allclose(bars.opts["bottom"],
                               np.log10(tau) - np.log10(np.maximum(tau - err, tau / 100)))
    dots, line = panel.plot.listDataItems()
    assert dots.opts["symbol"] == "o" and dots.opts["pen"] is None
    assert line.opts["pen"].style() == pg.QtCore.Qt.PenStyle.DashLine
    assert line.opts["pen"].color().getRgb()[:3] == resolve(1)
    assert panel.blank_parts() == [] and panel.notes_shown() == []
    panel.show_message("why it is empty")
    assert panel.line_data() == [] and panel.notes_shown() == ["why it is empty"]

    saved = []
    original = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (saved.append(self),
                                                                   original(self, *a, **k))[1])
    export_panels_figure(tmp_path / "f.png", [LinesFigure([points, law], "q", "τ", True, True)])
    axes = saved[-1].axes[0]
    marks = [m for m in axes.lines if m.get_linestyle() == "None" and m.get_marker() == "o"]
    dashed = [m for m in axes.lines if m.get_linestyle() == "--"]
    assert len(marks) == 1 and len(dashed) == 1
    rgb = tuple(round(c * 255) for c in dashed[0].get_color()[:3])
    assert rgb == resolve(1, 0, LIGHT) == tuple(round(c * 255) for c in marks[0].get_color()[:3])


def test_linear_tick_labels_of_a_narrow_plot_do_not_touch(qtbot):
    """A narrow linear axis (Diffusion's parameter-vs-q panel at 1366 px) printed
    "0.0020.0040.006": the major spacing now grows until its labels clear each other."""
    from xpcsviewer.gui.plotting._axes import LogAxis

    axis = LogAxis("bottom")
    for size in (120.0, 180.0, 400.0):
        levels = axis.tickValues(0.0012, 0.0095, size)
        values = sorted(v for spacing, vs in levels[:1] for v in vs)
        strings = axis.tickStrings(values, 1.0, levels[0][0])
        px = [(v - 0.0012) / (0.0095 - 0.0012) * size for v in values]
        widths = [axis._extent(text) for text in strings]
        assert len(values) >= 2, size
        for a, b, wa, wb in zip(px, px[1:], widths, widths[1:], strict=False):
            assert b - a >= (wa + wb) / 2, (size, values)
