"""Intensity tab: traces and spectra equal compute.rebin_intensity / power_spectrum."""

from __future__ import annotations

import numpy as np

import xpcsviewer
from xpcsviewer.compute import power_spectrum, rebin_intensity


def test_intensity_overlay_equals_the_api(qtbot, make_window, tab, idle, data_dir, tmp_path):
    window = make_window(data_dir, select=2)
    view = tab(window, "intensity")
    view.rebin_spin.setValue(7)
    idle(window)
    traces = {label: (x, y) for x, y, label in view.trace_plot.line_data()}
    spectra = view.psd_plot.line_data()
    assert len(traces) == len(spectra) == 2
    assert "rebinned ×7" in view.trace_plot.plot.titleLabel.text
    for path, (fx, fy, _) in zip(window.session.selected, spectra, strict=True):
        with xpcsviewer.open(path) as f:
            t, intensity = f.intensity_t
        ref = rebin_intensity(t, intensity, 7)
        x, y = traces[path.name]
        np.testing.assert_allclose(x, np.asarray(ref.t), rtol=1e-12)
        np.testing.assert_allclose(y, np.asarray(ref.intensity), rtol=1e-12)
        psd = power_spectrum(intensity, float(t[1] - t[0]))
        np.testing.assert_allclose(fx, np.asarray(psd.frequency)[1:], rtol=1e-12)
        np.testing.assert_allclose(fy, np.asarray(psd.power)[1:], rtol=1e-12)
    assert view.export_figure(tmp_path / "intensity.pdf").read_bytes().startswith(b"%PDF")
    assert "psd" in window.export_csv(tmp_path / "intensity.csv").read_text()


def test_bad_frames_are_left_out_and_named_in_the_title(qtbot, make_window, tab, idle, data_dir, tmp_path):
    import shutil

    import h5py

    folder = tmp_path / "runs"
    folder.mkdir()
    path = folder / "bad_results.hdf"
    shutil.copyfile(data_dir / "brownian_a_results.hdf", path)
    with h5py.File(path, "a") as h5:
        h5["xpcs/spatial_mean/intensity_vs_time"][:, [2000, 2001, 7000]] = 0.0  # marked bad
    window = make_window(folder, select=1)
    view = tab(window, "intensity")
    view.rebin_spin.setValue(100)
    idle(window)
    assert "bad_results.hdf: 3 bad frames left out" in view.trace_plot.plot.titleLabel.text
    (x, y, _), = view.trace_plot.line_data()
    assert np.all(np.diff(x) > 0) and x.size == 100  # 9,997 frames in 100 blocks, no zigzag
    assert y.min() > 0.4  # no block pulled down by the zeros of the bad frames
