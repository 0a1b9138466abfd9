"""Diffusion tab on tests/data: says "fit g2 first" without fits; with the g2 tab's fits its
alpha and D are ``fit_tauq``'s; exports carry provenance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import show_tab, wait_idle
from PySide6.QtCore import Qt

import xpcsviewer
from xpcsviewer.gui.line import INK
from xpcsviewer.gui.tabs.diffusion.controller import NO_FIT

WAIT_MS = 120_000


def test_diffusion_from_g2_fits_equals_fit_tauq(qtbot, make_window, tmp_path, data_dir):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "brownian_a_results.hdf").symlink_to(data_dir / "brownian_a_results.hdf")
    window = make_window(folder, select=1)
    view = show_tab(qtbot, window, "diffusion")
    assert view.last_data.fit is None and view.last_data.message == NO_FIT
    assert "g2 tab → Fit" in view.tauq.note.text

    g2 = show_tab(qtbot, window, "g2")
    g2.state.fit_on = True
    qtbot.waitUntil(lambda: g2.last_data.fit is not None, timeout=WAIT_MS)
    view = show_tab(qtbot, window, "diffusion")
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=WAIT_MS)
    wait_idle(qtbot, window)
    fit = g2.last_data.fit
    assert view.last_data.fit is fit
    free, fixed = xpcsviewer.fit_tauq(fit, alpha=None), xpcsviewer.fit_tauq(fit, alpha=2.0)
    np.testing.assert_allclose(view.last_data.fixed.D, fixed.D, rtol=1e-12)
    np.testing.assert_allclose(view.last_data.free.alpha, free.alpha, rtol=1e-12)
    assert f"D = {fixed.D[0]:.4g} ± {fixed.D_err[0]:.2g} Å²/s" in view.summary.text()
    assert f"α = {free.alpha[0]:.3f} ± {free.alpha_err[0]:.3f}" in view.summary.text()
    # tau(q) points (with error bars) and the power-law line are drawn.
    items = view.tauq.plot.listDataItems()
    assert len(items) == 2 and items[0].getData()[0].size == int(free.n_used[0])

    view.state.alpha_free = False  # the line becomes tau = 1 / (D q^2)
    assert "D q²" in view.tauq.plot.listDataItems()[1].name()

    out = window.export_csv(tmp_path / "tauq.csv")
    text = out.read_text()
    assert text.startswith("# alpha fitted") and '"model": "single"' in text
    assert str(Path(fit.paths[0])) in text
    assert (tmp_path / "tauq_points.csv").read_text().count("\n") == fit.n_rows + 2
    assert view.export_figure(tmp_path / "tauq.pdf").stat().st_size > 1000


def test_phi_resolved_diffusion_on_the_multi_phi_file(qtbot, make_window, tmp_path, data_dir,
                                                     monkeypatch):
    # phi_c: isotropic Brownian motion, D = 1.5e5 Å²/s, 18 q x 6 φ. Each φ sector gets its
    # own power law (fit_tauq on that sector's bins), all near the truth; the isotropic fit
    # stays; the CSV carries φ.
    import json
    import shutil

    folder = tmp_path / "phi"
    folder.mkdir()
    shutil.copy(data_dir / "phi_c_results.hdf", folder)
    truth = json.loads((data_dir / "phi_c_truth.json").read_text())["diffusion_A2_per_s"][0]
    window = make_window(folder, select=1)
    first = show_tab(qtbot, window, "diffusion")  # "fit g2 first": the parameter panel hides
    assert not first.params.isVisibleTo(first)
    g2 = show_tab(qtbot, window, "g2")
    g2.state.fit_on = True
    qtbot.waitUntil(lambda: g2.last_data.fit is not None, timeout=WAIT_MS)
    view = show_tab(qtbot, window, "diffusion")
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=WAIT_MS)
    wait_idle(qtbot, window)
    data, fit = view.last_data, g2.last_data.fit
    phi = g2.last_data.files[0].phi
    assert sorted(s.phi for s in data.sectors) == sorted(set(phi.tolist())) and len(data.sectors) == 6
    said = []  # each sector's α and D, as the tab writes them
    for sector in data.sectors:
        cols = np.flatnonzero(np.isclose(phi, sector.phi))
        ref = xpcsviewer.fit_tauq(fit, alpha=2.0, bins=cols)
        ref_free = xpcsviewer.fit_tauq(fit, alpha=None, bins=cols)
        assert sector.value("fixed", "D") == ref.D[0]
        assert sector.value("free", "alpha") == ref_free.alpha[0]
        assert sector.value("free", "alpha_err") == ref_free.alpha_err[0]
        d, err = sector.value("fixed", "D"), sector.value("fixed", "D_err")
        assert abs(d - truth) < max(4 * err, 0.1 * truth), (sector.phi, d, err)
        # isotropic Brownian motion: α near 2 in every direction (phi_c's sectors 1.75-2.24)
        assert abs(ref_free.alpha[0] - 2.0) < max(4 * ref_free.alpha_err[0], 0.3), sector.phi
        said.append(f"{sector.label}: α = {ref_free.alpha[0]:.3f} ± {ref_free.alpha_err[0]:.3f}, "
                    f"D = {ref.D[0]:.3g} ± {ref.D_err[0]:.2g}")
    assert abs(data.fixed.D[0] - truth) / truth < 0.05  # the isotropic fit, all 59 bins
    text = view.summary.text()
    assert "phi_c_results.hdf by φ (D in Å²/s at α = 2)" in text and "roi 1–" in text
    for words in said:
        assert words in text, words
    assert view.params.isVisibleTo(view)  # the parameter-vs-q panel comes back, by φ too
    items = view.tauq.plot.listDataItems()
    assert len(items) == 13  # six sectors: points and a power law each; the isotropic law
    # The isotropic power law (all φ together) is drawn over the sectors: fit_tauq's curve.
    iso = xpcsviewer.fit_tauq(fit, alpha=None)
    (line,) = [i for i in items if i.name() == f"all φ, α = {iso.alpha[0]:.2f}"]
    assert line is items[-1] and line.opts["pen"].style() == Qt.PenStyle.DashLine
    q, tau = iso.curve(0)
    np.testing.assert_allclose(line.getData()[1], np.log10(tau), rtol=1e-12)  # log axes
    np.testing.assert_allclose(line.getData()[0], np.log10(q), rtol=1e-12)
    # The figure export draws what the window shows: τ(q) coloured by φ, the sectors' D.
    from xpcsviewer.gui.tabs.diffusion import view as view_module

    exported = {}
    monkeypatch.setattr(view_module, "export_panels_figure",
                        lambda path, panels, text="": exported.update(panels=panels, text=text))
    view.export_figure(tmp_path / "d.png")
    tauq = exported["panels"][0]
    points = [line for line in tauq.lines if line.symbol]
    laws = [line for line in tauq.lines if line.dashed]
    assert [s.label for s in points] == [f"φ={sector.phi:g}°" for sector in data.sectors]
    assert [s.colour for s in points] == list(range(6)) and len(laws) == 7
    assert [s.colour for s in laws] == [*range(6), INK]  # the sectors', then all φ in ink
    assert laws[-1].label == f"all φ, α = {iso.alpha[0]:.2f}"
    np.testing.assert_array_equal(laws[-1].y, iso.curve(0)[1])
    for series, sector in zip(points, data.sectors, strict=True):
        np.testing.assert_array_equal(series.x, data.fixed.q[sector.rows & data.fixed.used])
    for words in said:  # α and D per φ in the export's text too
        assert words in exported["text"], words
    out = window.export_csv(tmp_path / "d.csv")
    assert "per phi sector" in out.read_text()
    points = (tmp_path / "d_points.csv").read_text().splitlines()
    assert points[1].split(",")[3] == "phi_deg"
    # φ averaged in the g2 tab: the fitted columns are q rings, and are named so (they are
    # no roi labels of the file: phi_c's rois are 1-59).
    show_tab(qtbot, window, "g2")
    g2.state.phi_mode = "average"
    qtbot.waitUntil(lambda: g2.last_data.settings["phi_mode"] == "average"
                    and g2.last_data.fit is not None, timeout=WAIT_MS)
    view = show_tab(qtbot, window, "diffusion")
    qtbot.waitUntil(lambda: "bins (q rings 1–" in view.summary.text(), timeout=WAIT_MS)
    assert "(roi " not in view.summary.text()
    assert g2.table.cell(0, "roi") == "ring 1" and g2.table.cell(0, "φ (°)") == "avg"  # so in g2


def test_a_two_time_only_file_says_it_has_no_multitau_g2(qtbot, make_window, tmp_path, data_dir):
    import shutil

    folder = tmp_path / "tt"
    folder.mkdir()
    shutil.copy(data_dir / "dstep_c_results.hdf", folder)
    window = make_window(folder, select=1)
    view = show_tab(qtbot, window, "diffusion")
    assert "no multi-tau g2" in view.last_data.message
    assert "no multi-tau g2" in view.tauq.note.text
    # the g2 tab says so on a line of the grid's own width, with nothing to fit
    g2 = show_tab(qtbot, window, "g2")
    g2.resize(700, 500)
    assert "no multi-tau g2" in g2.grid.notes_shown()[0]
    assert not g2.fit_panel.fit_button.isEnabled() and not g2.fit_panel.bayes_button.isEnabled()
    lines = g2.grid.heading.text.split("<br>")
    assert len(lines) > 1 and max(len(line) for line in lines) <= g2.grid.width() / 8.5


def test_a_two_time_only_file_in_a_mixed_selection_is_named(qtbot, make_window, tmp_path, data_dir):
    import shutil

    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("brownian_a_results.hdf", "dstep_c_results.hdf"):
        shutil.copy(data_dir / name, folder)
    window = make_window(folder, select=2)
    g2 = show_tab(qtbot, window, "g2")
    g2.state.fit_on = True
    qtbot.waitUntil(lambda: g2.last_data is not None and g2.last_data.fit is not None, timeout=WAIT_MS)
    view = show_tab(qtbot, window, "diffusion")
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=WAIT_MS)
    assert view.last_data.left_out == ["dstep_c_results.hdf"]
    assert "dstep_c_results.hdf: not in the g2 fit" in view.summary.text()
    assert view.last_data.names == ["brownian_a_results.hdf"]


def test_single_phi_files_beside_a_multi_phi_file_are_drawn_by_phi(qtbot, data_dir):
    """phi_c (6 φ) selected with aging_b and brownian_a (one φ each): "by φ sector" draws
    each single-φ file as one sector, in the legend, with its power law equal to the file's
    isotropic one (the same bins); the multi-φ file keeps its six sectors."""
    from xpcsviewer.fitting import fit_g2
    from xpcsviewer.gui._token import CancelToken
    from xpcsviewer.gui.tabs.diffusion.controller import DiffusionController
    from xpcsviewer.gui.tabs.diffusion.view import DiffusionView

    paths = [data_dir / f"{n}_results.hdf" for n in ("aging_b", "brownian_a", "phi_c")]
    files = [xpcsviewer.open(p) for p in paths]
    controller = DiffusionController()
    view = DiffusionView(controller)
    qtbot.addWidget(view)
    controller.state.g2_fit = fit = fit_g2(files, model="single", backend="numpy")
    controller.state.g2_phi = [f.dynamic_phi for f in files]
    assert controller.state.by_phi  # the default
    data = controller.prepare(paths, CancelToken(), lambda *_: None)
    view.render(data)
    per_file = [[s.phi for s in data.sectors if s.file_index == k] for k in range(3)]
    assert per_file == [[0.0], [0.0], [-150.0, -90.0, -30.0, 30.0, 90.0, 150.0]]
    items = view.tauq.plot.listDataItems()
    names = [item.name() for item in items]
    assert "aging_b_results.hdf φ=0°" in names and "brownian_a_results.hdf φ=0°" in names
    assert len(items) == 2 * 8 + 1  # points and a power law per sector, all eight fitted;
    assert items[-1].name() == f"phi_c_results.hdf: all φ, α = {data.free.alpha[2]:.2f}"  # + phi_c's
    for k in (0, 1):  # one sector = the whole file: its points and D are the file's own
        sector = next(s for s in data.sectors if s.file_index == k)
        used = (data.free.file_index == k) & data.free.used
        assert sector.rows.sum() == (fit.file_index == k).sum()
        (points,) = [i for i in items if i.name() == f"{data.names[k]} φ=0°"]
        np.testing.assert_allclose(points.getData()[0], np.log10(data.free.q[used]), rtol=1e-12)  # log axes
        assert sector.value("fixed", "D") == data.fixed.D[k]
    # their D is said once, in the summary; the multi-φ file's by-φ line stays
    text = view.summary.text()
    assert "phi_c_results.hdf by φ" in text and "aging_b_results.hdf by φ" not in text
    for f in files:
        f.close()
