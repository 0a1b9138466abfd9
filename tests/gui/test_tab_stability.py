"""Stability tab: plotted segments, ratios, drift and segment times equal the Qt-free API
(``XpcsFile.saxs_1d_segments_normalised``, ``segment_scale``, ``compute.saxs_stability``)."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.compute import saxs_stability
from xpcsviewer.demo import make
from xpcsviewer.gui.tabs.stability.controller import mean_over_phi

# name: (frames per segment m, frame time s, frames after the last segment)
REAL = {"brownian_a": (1024, 1e-3, 784), "aging_b": (64, 2e-3, 40)}


@pytest.fixture
def folder(tmp_path, data_dir):
    """Both real files and one demo file, whose segments have no known scale."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in REAL:
        (folder / f"{name}_results.hdf").symlink_to(data_dir / f"{name}_results.hdf")
    demo = make(tmp_path / "demo")[0]
    (folder / demo.name).symlink_to(demo)
    return folder


def _labels(panel):
    return panel.plot.getAxis("left").labelText, panel.plot.getAxis("bottom").labelText


def _assert_plotted(view, q, segments, result, times):
    plotted = view.profiles.line_data()
    assert len(plotted) == segments.shape[0]
    for k, (x, y, _) in enumerate(plotted):
        np.testing.assert_array_equal(x, q)
        np.testing.assert_allclose(y, segments[k], rtol=1e-12)
    for k, (_, y, _) in enumerate(view.ratios.line_data()):
        np.testing.assert_allclose(y, np.asarray(result.ratio)[k], rtol=1e-12, equal_nan=True)
    (t, drift, _), = view.drift.line_data()
    np.testing.assert_allclose(drift, 100 * np.asarray(result.drift), rtol=1e-12)
    np.testing.assert_allclose(t, times, rtol=1e-12)


def test_segments_in_photons_against_the_whole_run(qtbot, make_window, tab, idle, folder, tmp_path):
    window = make_window(folder, select=0)
    paths = {p.name: p for p in window.file_panel.visible_paths()}
    view = None
    for name, (m, frame_time, left) in REAL.items():
        window.session.set_current(paths[f"{name}_results.hdf"])
        view = tab(window, "stability") if view is None else view
        idle(window)
        f = xpcsviewer.open(paths[f"{name}_results.hdf"])
        q, segments, _ = mean_over_phi(f.static_q, f.static_phi, f.saxs_1d_segments_normalised)
        reference = mean_over_phi(f.static_q, f.static_phi, f.saxs_1d[1])[1]
        result = saxs_stability(segments, q, reference=reference)
        k = np.arange(segments.shape[0])
        times = (k * m + m / 2) * frame_time  # centre of frames [k m, (k + 1) m)
        _assert_plotted(view, q, segments, result, times)
        assert view.last_data.normalised and np.array_equal(view.last_data.reference, reference)
        assert _labels(view.profiles)[0] == "I (photons/pixel/frame)"
        assert _labels(view.ratios)[0] == "segment / whole run"
        n = f.intensity_t[1].size
        assert f"the last {left:,} of {n:,} frames are in no segment" in view.note.text()
        assert "whole run" in view.summary.text()
        f.close()
    # brownian_a's last segment holds frames 8192..9215: centre 8.704 s, not 9.44 s as an
    # equal ninth of the 10 s run would put it.
    window.session.set_current(paths["brownian_a_results.hdf"])
    idle(window)
    assert view.last_data.times[-1] == pytest.approx(8.704, abs=1e-12)
    rows = window.export_csv(tmp_path / "stability.csv").read_text().splitlines()
    assert "photons/pixel/frame" in rows[0] and "reference = whole run" in rows[0]
    assert len(rows) == 2 + 9 * 120
    assert view.profiles.colorbar.isVisible()  # segments are coloured by time, with a scale
    assert view.export_figure(tmp_path / "stability.svg").read_text().startswith("<?xml")


def test_unknown_scale_falls_back_to_stored_segments(qtbot, make_window, tab, idle, folder):
    window = make_window(folder, select=0)
    demo = next(p for p in window.file_panel.visible_paths() if p.name.startswith("demo"))
    window.session.set_current(demo)
    view = tab(window, "stability")
    f = xpcsviewer.open(demo)
    assert f.saxs_1d_segments_normalised is None and f.segment_scale.reason
    q, segments, _ = mean_over_phi(f.static_q, f.static_phi, f.saxs_1d_segments)
    result = saxs_stability(segments, q)  # against the segments' own mean
    t = f.intensity_t[0]
    dt = f.metadata.frame_time_s
    n_seg = segments.shape[0]
    times = t[0] + (np.arange(n_seg) + 0.5) * (t[-1] - t[0] + dt) / n_seg  # equal slices
    _assert_plotted(view, q, segments, result, times)
    assert not view.last_data.normalised
    assert _labels(view.profiles)[0] == "I (stored segment units)"
    assert _labels(view.ratios)[0] == "segment / mean of segments"
    note = view.note.text()
    assert f.segment_scale.reason in note and "equal slices" in note
    f.close()
