"""Exported g2 fits contrast with their points as on screen (issue 13 §5): the theme's ink
for one file, a deeper shade of each file's colour for several; drawn over the points."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgb


@pytest.mark.parametrize("n_files", [1, 3])
def test_exported_fit_lines_are_the_screens_fit_colours_over_the_points(qtbot, tmp_path,
                                                                      monkeypatch, n_files):
    from xpcsviewer.gui.line import Line, resolve
    from xpcsviewer.gui.plotting import _export
    from xpcsviewer.gui.plotting._panel_grid import Panel
    from xpcsviewer.gui.plotting._panel_items import fit_colour
    from xpcsviewer.gui.theme import LIGHT

    t = np.geomspace(1e-3, 10, 30)
    g2 = 1 + 0.2 * np.exp(-2 * t)
    panels = [Panel(f"roi {b + 1}",
                    [Line(t, g2 + 0.01 * k, err=0.01 + 0 * t, symbol=True, colour=k)
                     for k in range(n_files)],
                    lines=[Line(t, g2 + 0.01 * k, colour=k) for k in range(n_files)])
              for b in range(2)]
    figures = []
    monkeypatch.setattr(_export, "_save", lambda figure, path: figures.append(figure) or path)
    _export.export_grid_figure(tmp_path / "g2.png", panels, "t (s)", "g2", n_colours=n_files)
    (figure,) = figures
    ax = figure.axes[0]
    points = [c for c in ax.containers]  # one errorbar container per file's points
    fits = [line for line in ax.get_lines() if line.get_linestyle() == "-"
            and not any(line is c[0] for c in points)]
    assert len(points) == len(fits) == n_files
    ink = np.array(to_rgb(LIGHT.foreground))
    for k, (p, f) in enumerate(zip(points, fits, strict=True)):
        point_rgb = np.array(to_rgb(p[0].get_color()))
        fit_rgb = np.array(to_rgb(f.get_color()))
        np.testing.assert_allclose(point_rgb, np.array(resolve(k, 0, LIGHT)) / 255, atol=1e-6)
        want = fit_colour(k, n_files, LIGHT)
        np.testing.assert_allclose(fit_rgb, np.array([want.red(), want.green(), want.blue()]) / 255,
                                   atol=1e-6)
        if n_files == 1:
            np.testing.assert_allclose(fit_rgb, ink, atol=1e-6)  # black on paper
        assert np.abs(fit_rgb - point_rgb).sum() > 0.25  # not the points' colour
        # drawn after (over) the points
        assert ax.get_children().index(f) > ax.get_children().index(p[0])
