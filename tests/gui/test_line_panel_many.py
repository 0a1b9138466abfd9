"""A line plot of many overlaid files (200 selected on SAXS-1D, Intensity, Average) draws
every line, names the first ones in the legend, and stays cheap to build and paint: 200
intensity traces of 10,000 frames froze the window for over 100 s (a 2 px antialiased
polyline of a noisy trace is slow for Qt to stroke), and 200 legend rows took 0.6 s."""

from __future__ import annotations

import numpy as np


def _panel(qtbot):
    from xpcsviewer.gui.plotting import LinePanel

    panel = LinePanel()
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_many_lines_all_drawn_the_first_named_the_rest_grouped(qtbot):
    from xpcsviewer.gui.line import Line
    from xpcsviewer.gui.plotting._lines import CROWD_POINTS, GROUP_OVER, NAMED_LINES

    rng = np.random.default_rng(1)
    q = np.geomspace(1e-3, 1e-1, 100)
    lines = [Line(q, 1e3 * q ** -2 * (1 + 0.01 * k) + rng.normal(0, 1, q.size), f"run_{k:03d}")
             for k in range(200)]
    panel = _panel(qtbot)
    panel.set_axes("q (1/A)", "I", log_x=True, log_y=True)
    panel.set_lines(lines)
    items = panel.plot.listDataItems()
    named = [i for i in items if i.name()]
    assert [i.name() for i in named] == [f"run_{k:03d}" for k in range(NAMED_LINES)]
    for item, line in zip(named, lines, strict=False):
        np.testing.assert_array_equal(item.getOriginalDataset()[1], line.y)
    # The others: one item per colour of the palette (8), their points all there, each
    # line's points once (100 points < CROWD_POINTS: not thinned), NaN between lines.
    grouped = [i for i in items if not i.name()]
    assert 1 <= len(grouped) <= 8 and 100 < CROWD_POINTS
    ys = np.concatenate([i.getOriginalDataset()[1] for i in grouped])
    assert np.isnan(ys).sum() == 200 - NAMED_LINES
    np.testing.assert_array_equal(np.sort(ys[np.isfinite(ys)]),
                                  np.sort(np.concatenate([ln.y for ln in lines[NAMED_LINES:]])))
    legend_rows = [label.text for _, label in panel.legend.items]
    assert len(legend_rows) == NAMED_LINES + 1
    assert legend_rows[-1].startswith(f"… {200 - NAMED_LINES} more")
    tip = panel.legend.toolTip()
    assert f"run_{NAMED_LINES:03d}" in tip and "run_199" not in tip and "more" in tip
    # up to GROUP_OVER lines (a Diffusion plot by φ of several files): every line named
    panel.set_lines(lines[:GROUP_OVER])
    assert [i.name() for i in panel.plot.listDataItems()] == [ln.label for ln in lines[:GROUP_OVER]]


def test_long_noisy_lines_are_drawn_thin_and_at_screen_resolution(qtbot):
    from xpcsviewer.gui.line import Line
    from xpcsviewer.gui.plotting._lines import CROWD_POINTS, LONG_LINE, _peaks

    rng = np.random.default_rng(2)
    t = np.arange(1, 10_001) * 1e-3
    traces = [Line(t, 1e3 + rng.normal(0, 30, t.size), f"f{k}") for k in range(50)]
    panel = _panel(qtbot)
    panel.set_axes("t (s)", "I")
    panel.set_lines(traces)
    items = panel.plot.listDataItems()
    for item in items:
        assert item.opts["pen"].widthF() == 1.0  # > LONG_LINE points: 1 px
    named = [i for i in items if i.name()]
    assert all(i.opts["autoDownsample"] and i.opts["clipToView"] for i in named)
    assert t.size > LONG_LINE
    # a short line beside a long one is drawn 1 px as well (a width would look meaningful)
    panel.set_lines([traces[0], Line(t[:100], traces[1].y[:100], "short")])
    assert [i.opts["pen"].widthF() for i in panel.plot.listDataItems()] == [1.0, 1.0]
    panel.set_lines([Line(t[:100], traces[1].y[:100], "short")])  # alone: the usual 2 px
    assert [i.opts["pen"].widthF() for i in panel.plot.listDataItems()] == [2.0]
    # a grouped trace keeps its outline: min and max of each run, spikes included
    runs = CROWD_POINTS // 2
    run = t.size // runs  # 78 points a run; the 16 left over are kept as they are
    x, y = _peaks(t, traces[-1].y, runs)
    assert x.size == CROWD_POINTS + t.size - runs * run
    assert y.max() == traces[-1].y.max() and y.min() == traces[-1].y.min()
    np.testing.assert_array_equal(x[:CROWD_POINTS:2], t[:runs * run:run])
    np.testing.assert_array_equal(y[1:CROWD_POINTS:2], traces[-1].y[:runs * run].reshape(runs, run).max(1))
