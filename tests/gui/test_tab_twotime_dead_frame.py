"""Two-time tab on a map with one dead frame (a NaN row and column, as a detector glitch
leaves it): every age window keeps its g2 and its fitted tau; none is silently dropped."""

from __future__ import annotations

import shutil

import h5py
import numpy as np

DEAD = 300  # frame (t = 0.6 s of 2 s): inside age window 2 of 4


def test_dead_frame_drops_no_age_window(qtbot, make_window, tab, idle, data_dir, tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    path = folder / "dead_frame_results.hdf"
    shutil.copyfile(data_dir / "aging_b_results.hdf", path)
    with h5py.File(path, "a") as h5:
        for ds in h5["xpcs/twotime/correlation_map"].values():
            m = ds[()]
            m[DEAD, :] = np.nan
            m[:, DEAD] = np.nan
            ds[...] = m
    window = make_window(folder, select=1)
    view = tab(window, "twotime")
    idle(window)
    data = view.last_data
    assert not data.missing and data.tau_note == ""  # no window failed or hit a bound
    taus = np.asarray(data.tau_age.y)
    assert taus.size == 4 and np.isfinite(taus).all()
    assert np.all(np.diff(taus) > 0)  # the sample still ages from window to window
    for series in data.window_g2:
        # each window's g2 is finite wherever the clean map has pixels
        assert np.isfinite(series.y[:50]).all()
