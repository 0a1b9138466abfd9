"""Diffusion figure exports and the tab on a laptop (issue 13 §3, §5): every mode (plain,
by φ; one file, several files; contrast or τ against q) exports as PNG and SVG laid out by
matplotlib without overprinted ticks, clipped text or squeezed axes; at 1280x720 both plots
keep a readable width with their q tick labels.

The exported figures are checked with matplotlib's renderer: each text's window extent
after the figure is drawn. pytest's warnings-as-errors makes constrained layout's "not
applied" warning (what a too-wide results line caused) a failure.
"""

from __future__ import annotations

import pytest
from conftest import show_tab, wait_idle
from matplotlib.figure import Figure
from test_export_layout import layout_problems

import xpcsviewer
from xpcsviewer.gui.plotting._mpl_text import drawn_tick_labels

WAIT_MS = 120_000
READABLE_PX = 220  # the smallest readable plot width, as for the g2 panels (issue 13 §1)
FILE_SETS = {"phi_c": ("phi_c",), "two": ("brownian_a", "aging_b"),
             "three": ("aging_b", "brownian_a", "phi_c")}


def crowded_ticks(figure: Figure) -> list[str]:
    """Tick labels of one axis that overlap or touch (1 px apart or less)."""
    renderer = figure.canvas.get_renderer()
    out = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = drawn_tick_labels(axis)
            boxes = [t.get_window_extent(renderer).padded(1) for t in labels]
            out += [f"{ax.get_title()!r} {axis.axis_name}: {a.get_text()!r} / {b.get_text()!r}"
                    for i, (a, p) in enumerate(zip(labels, boxes, strict=True))
                    for b, r in zip(labels[i + 1:], boxes[i + 1:], strict=True) if p.overlaps(r)]
    return out


@pytest.fixture(scope="module")
def fits(data_dir):
    """The g2 fit (single exponential, NumPy) of each file set, and its files' φ."""
    from xpcsviewer.fitting import fit_g2

    out = {}
    for key, names in FILE_SETS.items():
        paths = [data_dir / f"{n}_results.hdf" for n in names]
        files = [xpcsviewer.open(p) for p in paths]
        out[key] = (paths, fit_g2(files, model="single", backend="numpy"),
                    [f.dynamic_phi for f in files])
        for f in files:
            f.close()
    return out


@pytest.mark.parametrize("key", list(FILE_SETS))
def test_every_diffusion_mode_exports_laid_out(qtbot, fits, key, tmp_path, monkeypatch):
    from xpcsviewer.gui._token import CancelToken
    from xpcsviewer.gui.tabs.diffusion.controller import DiffusionController
    from xpcsviewer.gui.tabs.diffusion.view import DiffusionView

    saved: list[Figure] = []
    original = Figure.savefig
    monkeypatch.setattr(Figure, "savefig",
                        lambda self, *a, **k: (saved.append(self), original(self, *a, **k))[1])
    paths, fit, phis = fits[key]
    controller = DiffusionController()
    view = DiffusionView(controller)
    qtbot.addWidget(view)
    controller.state.g2_fit, controller.state.g2_phi = fit, phis
    report = {}
    for by_phi in (True, False):
        for param in ("contrast", "tau"):
            controller.state.by_phi, controller.state.param_view = by_phi, param
            data = controller.prepare(paths, CancelToken(), lambda *_: None)
            view.render(data)
            view.last_data = data  # what the tab's driver does after render
            for suffix in ("png", "svg"):
                name = f"{key}_{'phi' if by_phi else 'plain'}_{param}.{suffix}"
                assert view.export_figure(tmp_path / name).stat().st_size > 1000
                figure = saved[-1]
                problems = layout_problems(figure) + crowded_ticks(figure)
                shown = [ax.get_window_extent() for ax in figure.axes if ax.axison]
                assert len(shown) == 2  # τ(q) and the parameter, side by side
                page = figure.bbox.width
                span = (max(b.x1 for b in shown) - min(b.x0 for b in shown)) / page
                if span < 0.8 or min(b.width for b in shown) < 0.3 * page:
                    problems.append(f"axes squeezed: span {span:.2f} of the width, "
                                    f"widths {[round(b.width / page, 2) for b in shown]}")
                words = " ".join(t.get_text() for ax in figure.axes for t in ax.texts)
                if by_phi and "phi_c" in key:  # α and D per φ below the plots
                    sector = data.sectors[-1]
                    alpha = f"α = {sector.value('free', 'alpha'):.3f}"
                    if f"{sector.label}: {alpha}" not in words.replace("\n", " "):
                        problems.append(f"no α per φ in the text: {words!r}")
                report[name] = problems
    assert report == {name: [] for name in report}


def test_diffusion_at_1280x720_keeps_both_plots_readable(qtbot, make_window, tmp_path, data_dir):
    """Three files, φ-resolved (eight sectors in τ(q)'s legend) and plain: neither plot is
    squeezed beside a legend, and each bottom axis draws its q tick labels."""
    from PySide6.QtGui import QImage, QPainter

    folder = tmp_path / "three"
    folder.mkdir()
    for name in FILE_SETS["three"]:
        (folder / f"{name}_results.hdf").symlink_to(data_dir / f"{name}_results.hdf")
    window = make_window(folder, select=3)
    window.resize(1280, 720)
    g2 = show_tab(qtbot, window, "g2")
    g2.state.fit_on = True
    qtbot.waitUntil(lambda: g2.last_data is not None and g2.last_data.fit is not None,
                    timeout=WAIT_MS)
    view = show_tab(qtbot, window, "diffusion")
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert view.state.by_phi and len(view.last_data.sectors) == 8
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    for by_phi in (True, False):  # by φ: nine sectors in the legend; plain: files and laws
        view.state.by_phi = by_phi
        wait_idle(qtbot, window)
        qtbot.wait(50)  # the legends' layout
        for panel in (view.tauq, view.params):
            data_box = panel.plot.vb.sceneBoundingRect()
            assert data_box.width() >= READABLE_PX, (by_phi, panel.plot.titleLabel.text,
                                                     data_box.width())
            assert data_box.right() <= panel.width() + 1
            painter = QPainter(image)
            try:
                ticks = [text for _rect, _flags, text in
                         panel.plot.getAxis("bottom").generateDrawSpecs(painter)[2]]
            finally:
                painter.end()
            assert len(ticks) >= 3, ticks
            assert all(float(t) > 0 for t in ticks)  # q values, not blanks
        assert not view.params.legend.items  # its colours are τ(q)'s: one legend for both
