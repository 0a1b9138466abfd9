"""Stability tab: plotted segments, ratios and drift equal compute.saxs_stability."""

from __future__ import annotations

import numpy as np

import xpcsviewer
from xpcsviewer.compute import saxs_stability


def test_stability_equals_the_api(qtbot, make_window, tab, data_dir, tmp_path):
    window = make_window(data_dir, select=1)
    view = tab(window, "stability")
    f = xpcsviewer.open(window.session.current)
    order = np.argsort(f.static_q, kind="stable")
    ref = saxs_stability(f.saxs_1d_segments[:, order])
    segments = view.profiles.line_data()
    assert len(segments) == f.saxs_1d_segments.shape[0]
    for k, (x, y, _) in enumerate(segments):
        np.testing.assert_array_equal(x, f.static_q[order])
        np.testing.assert_allclose(y, np.asarray(ref.segments)[k], rtol=1e-12)
    (t, drift, _), = view.drift.line_data()
    np.testing.assert_allclose(drift, 100 * np.asarray(ref.drift), rtol=1e-12)
    assert np.all(np.diff(t) > 0)
    assert view.profiles.colorbar.isVisible()  # segments are coloured by time, with a scale
    assert view.export_figure(tmp_path / "stability.svg").read_text().startswith("<?xml")
    rows = window.export_csv(tmp_path / "stability.csv").read_text().splitlines()
    assert len(rows) == 2 + f.saxs_1d_segments.size
    f.close()
