"""Trends controller without Qt: a chosen (q, φ) is matched in every file by (q, φ), the
values are ``fit_g2``'s, and a two-time only file is left out with its reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import xpcsviewer as xv
from xpcsviewer.gui._token import CancelToken
from xpcsviewer.gui.tabs.trends.controller import (
    TrendsController,
    parse_q_values,
    reference_columns,
    start_hours,
)


def test_a_chosen_sector_is_followed_across_files(data_dir):
    phi_c = xv.open(data_dir / "phi_c_results.hdf")
    files = [phi_c, xv.open(data_dir / "dstep_c_results.hdf"), xv.open(data_dir / "phi_c_results.hdf")]
    controller = TrendsController()
    q = float(phi_c.dynamic_q[10])
    controller.state.q_values = f"{q:.6g}"
    controller.state.phi = 25.0  # nearest sector at that q
    controller.state.model = "single"
    data = controller.prepare(files, CancelToken(), lambda *a: None)
    assert data.names == ["phi_c_results.hdf", "phi_c_results.hdf"]
    assert any("dstep_c_results.hdf: no multi-tau g2" in n for n in data.notes)
    at_q = np.flatnonzero(np.isclose(phi_c.dynamic_q, phi_c.dynamic_q[10]))
    d = np.abs((phi_c.dynamic_phi[at_q] - 25.0 + 180) % 360 - 180)
    column = int(at_q[np.argmin(d)])
    (trend,) = data.trends["contrast"]
    assert f"φ={phi_c.dynamic_phi[column]:.3g}°" in trend.label
    fit = xv.fit_g2([phi_c, phi_c], model="single")
    values, errors = fit.param("contrast")
    rows = [int(np.flatnonzero((fit.file_index == k) & (fit.column == column))[0]) for k in (0, 1)]
    np.testing.assert_allclose(trend.y, values[rows], rtol=1e-10)
    np.testing.assert_allclose(trend.err, errors[rows], rtol=1e-10)
    # the mean intensity is the mean of the kept frames
    np.testing.assert_allclose(data.trends["mean intensity"][0].y[0], phi_c.intensity_t[1].mean())


def test_helpers():
    assert parse_q_values(" 0.002, 0.004 ;") == [0.002, 0.004]
    assert parse_q_values("") == []
    q = np.array([0.001, 0.002, 0.002, 0.003])
    phi = np.array([0.0, -30.0, 90.0, 0.0])
    assert reference_columns(q, phi, [], None) == [0]
    assert reference_columns(q, phi, [0.0021], 80.0) == [2]
    assert reference_columns(q, phi, [0.0021, 0.0029], None) == [1, 3]
    hours, label = start_hours(["2026-01-01T01:00:00", "2026-01-01T00:30:00", "garbled"])
    np.testing.assert_array_equal(hours[:2], [0.5, 0.0])
    assert np.isnan(hours[2]) and label == "hours since 2026-01-01T00:30:00"


def test_a_new_file_is_fitted_alone_and_the_others_reused(data_dir, tmp_path, monkeypatch):
    """A live folder's new file costs one file's fit: the files seen before are not refitted,
    and the trend equals a fresh controller's (one call on all files)."""
    import shutil

    paths = [shutil.copy(data_dir / "brownian_a_results.hdf", tmp_path / f"run_{k}.hdf") for k in range(3)]
    calls = []
    real_fit = xv.fit_g2

    def counting_fit(files, **kwargs):
        calls.append([Path(f.path).name for f in files])
        return real_fit(files, **kwargs)

    monkeypatch.setattr(xv, "fit_g2", counting_fit)
    controller = TrendsController()
    controller.prepare([xv.open(p) for p in paths[:2]], CancelToken(), lambda *a: None)
    data = controller.prepare([xv.open(p) for p in paths], CancelToken(), lambda *a: None)
    assert calls == [["run_0.hdf", "run_1.hdf"], ["run_2.hdf"]]
    fresh = TrendsController().prepare([xv.open(p) for p in paths], CancelToken(), lambda *a: None)
    for name in ("tau", "contrast", "D", "α"):
        for ours, theirs in zip(data.trends[name], fresh.trends[name], strict=True):
            np.testing.assert_allclose(ours.y, theirs.y, rtol=1e-9)
            np.testing.assert_allclose(ours.err, theirs.err, rtol=1e-9)
    assert data.fit.paths == tuple(str(p) for p in paths)
    # a rewritten file (new mtime) is fitted again
    import os

    os.utime(paths[0], ns=(1, 1))
    controller.prepare([xv.open(p) for p in paths], CancelToken(), lambda *a: None)
    assert calls[-1] == ["run_0.hdf"]
