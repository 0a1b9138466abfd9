"""Readable plots and exports (issue 13 §5): legends beside the data, never over it, and
every tab's exported figure laid out by matplotlib without overprinted or clipped text.

The exported figure is checked with matplotlib's own renderer after its constrained layout:
every tick label, axis label, title, legend and text box lies inside the figure; no text of
one axes overlaps text of another (ticks of neighbouring panels); tick labels of one axis do
not overlap each other; and no legend or text box covers an axes' data area.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from xpcsviewer.gui.plotting._mpl_text import drawn_tick_labels

WAIT_MS = 120_000  # the g2 fit behind the Diffusion tab: a cold JAX compile on a busy machine
EXPORTED_TABS = ("g2", "diffusion", "intensity", "saxs_1d", "stability", "twotime")


def _texts(figure: Figure) -> list[tuple[str, object, object]]:
    """(kind, owner, bbox) of every visible, non-empty text drawn in ``figure``."""
    renderer = figure.canvas.get_renderer()
    out = []

    def add(kind, owner, text):
        if text.get_visible() and text.get_text().strip():
            out.append((kind, owner, text.get_window_extent(renderer)))

    for ax in figure.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            for label in drawn_tick_labels(axis):  # major and minor, as drawn
                add(f"tick{axis.axis_name}", (ax, axis.axis_name), label)
            add("label", ax, axis.label)
        add("title", ax, ax.title)
        for text in ax.texts:
            add("text", ax, text)
    for text in figure.texts:
        add("figtext", figure, text)
    return out


def layout_problems(figure: Figure) -> list[str]:
    figure.canvas.draw()  # the layout engine places everything for this size
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    problems = []
    texts = _texts(figure)
    for ax in figure.axes:  # rich text of the screen (a coloured ● per file) never on paper
        if "<span" in ax.get_title() or "&lt;" in ax.get_title():
            problems.append(f"markup in a title: {ax.get_title()!r}")
    for kind, _owner, box in texts:
        if box.x0 < page.x0 - 1 or box.y0 < page.y0 - 1 or box.x1 > page.x1 + 1 or box.y1 > page.y1 + 1:
            problems.append(f"{kind} clipped at the figure's edge: {box}")
    for i, (kind_a, owner_a, a) in enumerate(texts):
        for kind_b, owner_b, b in texts[i + 1:]:
            same_axes = (owner_a[0] if isinstance(owner_a, tuple) else owner_a) is (
                owner_b[0] if isinstance(owner_b, tuple) else owner_b)
            one_axis_ticks = owner_a == owner_b and kind_a.startswith("tick")
            if (not same_axes or one_axis_ticks) and a.overlaps(b) and a.width and b.width:
                problems.append(f"{kind_a} overlaps {kind_b}: {a} / {b}")
    data_areas = [ax.get_window_extent(renderer) for ax in figure.axes
                  if ax.get_visible() and ax.axison]
    legends = [ax.get_legend() for ax in figure.axes if ax.get_legend() is not None]
    for legend in [*legends, *figure.legends]:
        box = legend.get_window_extent(renderer)
        for area in data_areas:
            if box.overlaps(area):
                problems.append(f"legend over the data area {area}")
    return problems


def show(qtbot, window, key: str):
    """Tab ``key`` shown and drawn (the Two-time maps and fits may take a while here)."""
    from xpcsviewer.gui.tabs import TABS

    index = [spec.key for spec in TABS].index(key)
    window.tabs.setCurrentIndex(index)
    driver = window.drivers[index]
    qtbot.waitUntil(lambda: not driver.busy and not driver.stale
                    and driver.view.last_data is not None, timeout=WAIT_MS)
    return driver.view


@pytest.fixture
def two_files(tmp_path: Path, data_dir: Path) -> Path:
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("aging_b_results.hdf", "brownian_a_results.hdf"):
        (folder / name).symlink_to(data_dir / name)
    return folder


def test_every_exported_figure_is_laid_out_without_overprint(qtbot, make_window, two_files,
                                                            tmp_path, monkeypatch):
    saved: list[Figure] = []
    original = Figure.savefig

    def keep(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    window = make_window(two_files, select=2)
    g2 = show(qtbot, window, "g2")
    g2.fit_panel.fit_button.click()
    qtbot.waitUntil(lambda: g2.last_data is not None and g2.last_data.fit is not None,
                    timeout=WAIT_MS)
    out = tmp_path / "exports"
    out.mkdir()
    report = {}
    for key in EXPORTED_TABS:
        view = show(qtbot, window, key)
        # The layout is the figure's, whatever the format: every tab in PNG, and the two
        # busiest figures (the g2 grid, Two-time's five panels) in SVG and PDF too.
        suffixes = ("png", "svg", "pdf") if key in ("g2", "twotime") else ("png",)
        for suffix in suffixes:
            written = view.export_figure(out / f"{key}.{suffix}")
            assert written is not None and written.stat().st_size > 0, key
        report[key] = layout_problems(saved[-1])
    assert report == {key: [] for key in EXPORTED_TABS}


def test_diffusion_export_keeps_the_parameter_panel_and_results(qtbot, make_window, two_files,
                                                                tmp_path, monkeypatch):
    saved: list[Figure] = []
    original = Figure.savefig
    monkeypatch.setattr(Figure, "savefig",
                        lambda self, *a, **k: (saved.append(self), original(self, *a, **k))[1])
    window = make_window(two_files, select=2)
    g2 = show(qtbot, window, "g2")
    g2.fit_panel.fit_button.click()
    qtbot.waitUntil(lambda: g2.last_data is not None and g2.last_data.fit is not None,
                    timeout=WAIT_MS)
    view = show(qtbot, window, "diffusion")
    view.export_figure(tmp_path / "diffusion.png")
    figure = saved[-1]
    shown = [ax for ax in figure.axes if ax.axison]
    assert [ax.get_title() for ax in shown][1].startswith(view.param.currentText())
    # The parameter panel plots the values the tab shows (the g2 fit's, per file).
    x_screen = sorted(np.concatenate([item.getData()[0] for item in view.params.plot.listDataItems()]))
    x_export = sorted(np.concatenate([line.get_xdata() for line in shown[1].lines
                                      if line.get_linestyle() == "None"]))
    np.testing.assert_allclose(x_export, x_screen)
    words = " ".join(t.get_text() for ax in figure.axes for t in ax.texts)
    for name in ("aging_b_results", "brownian_a_results"):
        assert name in words  # each file's D / α in words, below the axes
    # Both axes keep a sensible width (they were squeezed beside an in-axes legend).
    widths = [ax.get_window_extent().width / figure.bbox.width for ax in shown]
    assert min(widths) > 0.25, widths


def test_screen_legends_sit_beside_the_data(qtbot):
    from xpcsviewer.gui.plotting import Line, LinePanel
    from xpcsviewer.gui.plotting._legend import set_legend_shown

    plot = LinePanel()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.show()
    q = np.logspace(-3, -1, 20)
    plot.set_axes("q", "τ", log_x=True, log_y=True)
    plot.set_lines([Line(q, 1 / q**2, "a_long_sample_name_results.hdf", 0.1 / q**2, 0, symbol=True),
                    Line(q, 1 / q**2, "power law", colour=0, dashed=True)])
    qtbot.waitExposed(plot)
    qtbot.waitUntil(lambda: plot.legend.sceneBoundingRect().left() > 300)  # laid out
    box, data = plot.legend.sceneBoundingRect(), plot.plot.vb.sceneBoundingRect()
    assert box.left() >= data.right() - 1  # beside the view box, not over it
    assert box.right() <= plot.width() + 1  # and not cut at the widget's edge
    assert len(plot.legend.items) == 2
    width = data.width()
    plot.plot.legend_action.setChecked(False)  # the plot's menu: "Show legend" off
    qtbot.waitUntil(lambda: plot.plot.vb.sceneBoundingRect().width() > width + 50)
    assert not plot.legend.isVisible()
    plot.set_axes("q", "y")
    plot.set_lines([Line(q, q, "x")])
    assert not plot.legend.isVisible()  # the user's choice survives a redraw
    plot.plot.legend_action.setChecked(True)
    set_legend_shown(plot.plot, True)
    assert plot.legend.isVisible()


def test_image_colour_bar_label_clear_of_its_numbers(qtbot):
    """Q-map / SAXS-2D colour bars: the label beside the numbers, not over them, and the
    whole bar inside the widget, from the first paint."""
    from PySide6.QtGui import QImage, QPainter

    from xpcsviewer.gui.plotting import ImagePanel

    panel = ImagePanel()
    qtbot.addWidget(panel)
    panel.resize(420, 330)
    panel.show()
    y, x = np.mgrid[0:128, 0:128]
    panel.set_image(1e-4 * np.hypot(x - 20.0, y - 30.0), label="q (Å⁻¹)")
    qtbot.waitExposed(panel)
    axis = panel.colorbar.axis
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        ticks = [rect for rect, _flags, _text in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()
    assert len(ticks) >= 3
    label = axis.label.mapRectToParent(axis.label.boundingRect())
    assert label.left() >= max(rect.right() for rect in ticks), (label, ticks)
    assert axis.mapRectToScene(axis.boundingRect()).right() <= panel.width() + 1


def test_a_long_image_title_leaves_the_colour_bar_inside(qtbot):
    """The Q-map's φ map, one of two panels side by side: a title wider than the plot
    overhangs it; it used to widen the plot and push the colour bar's numbers and label
    past the widget's right edge."""
    from PySide6.QtWidgets import QGridLayout, QWidget

    from xpcsviewer.gui.plotting import ImagePanel

    window = QWidget()
    qtbot.addWidget(window)
    grid = QGridLayout(window)
    panel = ImagePanel()
    grid.addWidget(panel, 0, 0)
    grid.addWidget(ImagePanel(), 0, 1)
    window.resize(900, 330)
    window.show()
    y, x = np.mgrid[0:128, 0:128]
    panel.set_image(np.degrees(np.arctan2(y - 70.0, x - 54.0)), label="φ (°)")
    panel.set_titles("aging_b_results.hdf: φ map (from +x, counter-clockwise)")
    qtbot.waitExposed(window)
    qtbot.wait(50)
    axis = panel.colorbar.axis
    assert axis.mapRectToScene(axis.boundingRect()).right() <= panel.width() + 1
    label = axis.label.mapRectToScene(axis.label.boundingRect())
    assert label.right() <= panel.width() + 1
