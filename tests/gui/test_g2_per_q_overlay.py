"""The g2 per-q φ mode with several φ-resolved files overlaid (issue 13 item 1): a curve's
colour is its φ sector, the same in every file, and its point shape its file; the key
names the sectors, then the files with their shapes, and fits a 1366x768 window. A colour
per (file, φ) made 24 colours of a palette of 8 for 4 files (repeating) and a key of 24
entries clipped on both sides.

The second and third φ-resolved files are phi_c with its g2 contrast scaled (written here,
in tmp_path), so their curves differ from phi_c's on the same (q, φ) partition."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest
from conftest import show_tab, wait_idle
from PySide6.QtGui import QColor

import xpcsviewer as xv
from xpcsviewer.gui.line import MARKER_GLYPHS, MARKERS, palette
from xpcsviewer.gui.plotting import _export
from xpcsviewer.gui.plotting._panel_grid import MIN_PANEL_PX
from xpcsviewer.gui.plotting._panel_points import PointsItem
from xpcsviewer.gui.tabs.g2._bins import load, slots
from xpcsviewer.gui.tabs.g2.controller import G2Data
from xpcsviewer.gui.tabs.g2.view import G2View

SCALES = {"phi_c_results.hdf": 1.0, "phi_c_cold_results.hdf": 1.25, "phi_c_warm_results.hdf": 0.7}


def _phi_files(folder, data_dir, names=tuple(SCALES)):
    folder.mkdir()
    for name in names:
        shutil.copy(data_dir / "phi_c_results.hdf", folder / name)
        if SCALES[name] != 1.0:
            with h5py.File(folder / name, "r+") as h:
                g2 = h["/xpcs/multitau/normalized_g2"]
                g2[...] = 1 + SCALES[name] * (g2[...] - 1)
    return folder


def _sectors(path):
    with xv.open(path) as f:
        return sorted({round(float(p), 6) for p in f.dynamic_phi})


def _per_q(qtbot, window, view):
    view.state.phi_mode = "per_q"
    qtbot.waitUntil(lambda: view.last_data is not None
                    and view.last_data.settings["phi_mode"] == "per_q"
                    and not window.current_driver().busy, timeout=60_000)
    wait_idle(qtbot, window)
    qtbot.wait(300)  # the layout settles on posted events
    return view.last_data


def _inside(view, item):
    shown = view.grid.mapToScene(view.grid.viewport().rect()).boundingRect()
    rect = item.sceneBoundingRect()
    return shown.left() <= rect.left() and rect.right() <= shown.right()


def test_slots_colour_by_sector_and_shape_by_file(tmp_path, data_dir):
    folder = _phi_files(tmp_path / "phi", data_dir, ("phi_c_results.hdf", "phi_c_warm_results.hdf"))
    opened = [xv.open(folder / name) for name in ("phi_c_results.hdf", "phi_c_warm_results.hdf")]
    with xv.open(data_dir / "brownian_a_results.hdf") as b:
        files = [load(f) for f in opened] + [load(b)]
    for f in opened:
        f.close()
    sectors = sorted(set(np.round(files[0].phi, 9)))
    for r in (0, 1):
        chosen, _, n_colours = slots(files, "per_q", reference=r)
        assert n_colours == len(sectors) == 6  # one colour per φ sector, not per (file, φ)
        members = [m for s in chosen for m in s.members]
        assert {m.file_index for m in members} == {0, 1}  # brownian_a (one φ) pairs nothing
        for m in members:
            phi = files[m.file_index].phi[m.column]
            assert m.colour == sectors.index(np.round(phi, 9)) and m.marker == m.file_index
            assert m.key == f"φ={phi:.3g}°"
        data = G2Data(files, [], {"phi_mode": "per_q"}, slots=chosen, n_colours=n_colours)
        assert G2View.legend(data) == [f"φ={p:.3g}°" for p in sectors]
        # a shape per file; "" for the file with no curve, left out of the key
        assert G2View.markers(data) == [files[0].name, files[1].name, ""]


def test_overlaid_phi_files_per_q_colour_sector_shape_file_and_the_key_fits(
        qtbot, make_window, data_dir, tmp_path, monkeypatch):
    folder = _phi_files(tmp_path / "phi3", data_dir)
    window = make_window(folder, select=3)
    window.resize(1366, 768)
    view = show_tab(qtbot, window, "g2")
    data = _per_q(qtbot, window, view)
    names = [f.name for f in data.files]
    assert sorted(names) == sorted(SCALES)
    sectors = _sectors(folder / "phi_c_results.hdf")
    api = {}
    for name in names:
        with xv.open(folder / name) as f:
            api[name] = (np.asarray(f.g2), np.asarray(f.dynamic_phi))
    assert view.page_label.text().startswith("q rings 1–")
    assert data.n_colours == 6

    # every curve: colour = its φ sector's index (the same φ, the same colour in each
    # file), shape = its file's; values the API's
    seen = set()
    for slot, panel in zip(data.slots, view.panels(data), strict=True):
        for m, series in zip(slot.members, panel.points, strict=True):
            g2, phi = api[data.files[m.file_index].name]
            np.testing.assert_array_equal(series.y, g2[:, m.column])
            assert m.colour == series.colour == sectors.index(round(float(phi[m.column]), 6))
            assert series.marker == MARKERS[m.file_index]
            seen.add((m.file_index, m.colour))
    assert seen == {(k, c) for k in range(3) for c in range(6)}  # each file in each sector

    # on screen: the page's point items in those colours and shapes
    per_page = len(view.grid.plots)
    for items, slot in zip(view.grid._items[:per_page], data.slots[:per_page], strict=True):
        points = [item for item in items.shown if isinstance(item, PointsItem)]
        assert [(p.colour(), p.shape_name()) for p in points] == [
            (QColor(*palette(m.colour)), MARKERS[m.file_index]) for m in slot.members]
    assert len({MARKERS[k] for k in range(3)}) == 3  # each file its own shape

    # the key: one entry per sector, then one per file in ink, all inside the grid's width
    text = view.grid.heading.item.toPlainText()
    key = "\n".join(text.split("\n")[1:])
    assert sum(key.count(g) for g in MARKER_GLYPHS.values()) == 6 + 3
    assert all(f"φ={p:.3g}°" in key for p in sectors)
    assert key.count(MARKER_GLYPHS["s"]) == key.count(MARKER_GLYPHS["^"]) == 1
    assert "cold" in key and "warm" in key
    assert _inside(view, view.grid.heading.item)
    # its second key line costs no panel its readable size, and sits above the panels
    heading = view.grid.heading.item.sceneBoundingRect()
    for plot in view.grid.plots:
        rect = plot.sceneBoundingRect()
        assert rect.width() >= MIN_PANEL_PX[0] - 10 and rect.height() >= MIN_PANEL_PX[1] - 10
        assert rect.top() >= heading.bottom() - 1

    # the export: the same shapes and the same key
    figures = []
    monkeypatch.setattr(_export, "_save", lambda figure, path: figures.append(figure) or path)
    view.export_figure(tmp_path / "g2.png")
    legend = figures[0].legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [f"φ={p:.3g}°" for p in sectors] + names
    assert [h.get_marker() for h in legend.legend_handles] == ["o"] * 6 + list(MARKERS[:3])
    drawn = {line.get_marker() for line in figures[0].axes[0].lines}
    assert set(MARKERS[:3]) <= drawn


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_one_file_per_q_is_circles_in_sector_colours(qtbot, make_window, data_dir, tmp_path, size):
    folder = _phi_files(tmp_path / "phi1", data_dir, ("phi_c_results.hdf",))
    window = make_window(folder, select=1)
    window.resize(*size)
    view = show_tab(qtbot, window, "g2")
    data = _per_q(qtbot, window, view)
    sectors = _sectors(folder / "phi_c_results.hdf")
    assert view.legend(data) == [f"φ={p:.3g}°" for p in sectors] and view.markers(data) == []
    for items in view.grid._items[:len(view.grid.plots)]:
        assert {p.shape_name() for p in items.shown if isinstance(p, PointsItem)} == {"o"}
    lines = view.grid.heading.item.toPlainText().split("\n")
    assert len(lines) == 2 and lines[1].count("●") == 6  # a heading and one key line, as before
    assert _inside(view, view.grid.heading.item)
    assert view.page_label.text().startswith("q rings 1–")
