"""g2 tab, "partial g2 per part": the curves drawn are the file's stored parts."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
from conftest import show_tab, wait_idle

import xpcsviewer
from xpcsviewer.io._keys import NEXUS_8IDI


def with_parts(data_dir, tmp_path):
    """A copy of brownian_a with 3 cumulative parts, the last written for half the delays."""
    target = tmp_path / "run" / "partial_results.hdf"
    target.parent.mkdir()
    shutil.copy(data_dir / "brownian_a_results.hdf", target)
    with h5py.File(target, "r+") as h:  # our copy in tmp_path, never the data file
        g2 = h[NEXUS_8IDI["g2"]][()]
        parts = np.stack([1 + (g2 - 1) * 0.8, 1 + (g2 - 1) * 0.9, g2.copy()])
        parts[2, g2.shape[0] // 2:, :] = np.nan
        h[NEXUS_8IDI["g2_partial"]] = parts
    return target, parts


def test_partial_g2_curves_equal_the_stored_parts(qtbot, make_window, tmp_path, data_dir):
    path, parts = with_parts(data_dir, tmp_path)
    window = make_window(path.parent, select=1)
    view = show_tab(qtbot, window, "g2")
    plot = view.grid.plots[0]
    assert len(plot.listDataItems()) == 1  # the data only: parts are off by default
    view.partial.setChecked(True)
    wait_idle(qtbot, window)
    assert view.state.show_partial
    tau = xpcsviewer.open(path).tau
    for column, plot in enumerate(view.grid.plots[:3]):
        lines = plot.listDataItems()[1:]  # after the data points: one curve per part
        assert [i.name().split()[-1] for i in lines] == ["1/3", "2/3", "3/3"]
        for k, item in enumerate(lines):
            x, y = np.asarray(item.xData), np.asarray(item.yData)
            written = np.isfinite(parts[k, :, column])
            np.testing.assert_allclose(x, tau[written], rtol=1e-12)
            np.testing.assert_array_equal(y, parts[k, written, column])
    # A file without parts draws none, and says nothing about it.
    view.partial.setChecked(False)
    wait_idle(qtbot, window)
    assert len(view.grid.plots[0].listDataItems()) == 1
