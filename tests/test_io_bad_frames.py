"""Bad frames in intensity_vs_time are left out and counted, not plotted as time 0.

boost_corr marks a frame it rejected with frame index 0 in row 0 of the stored (2, n) trace.
Read as "index x frame time" the time axis jumps back to 0 and the trace zigzags; the reader
uses the stored index, leaves those frames out and says how many. Built from the real
aging_b file (1,000 frames at 2 ms, row 0 = 0..999 as every shipped file has it).
"""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.backends import get_backend
from xpcsviewer.compute import power_spectrum
from xpcsviewer.gui.tabs.intensity.controller import IntensityController, IntensityData

KEY = "/xpcs/spatial_mean/intensity_vs_time"
BAD = [0, 100, 101, 500, 999]  # column 0 too: index 0 there is the real first frame
MARKED = [100, 101, 500, 999]
NAN_FRAME = 700


@pytest.fixture
def bad_file(tmp_path, data_dir):
    path = tmp_path / "bad_frames.hdf"
    shutil.copyfile(data_dir / "aging_b_results.hdf", path)
    with h5py.File(path, "a") as h5:
        stored = h5[KEY][()]
        trace = stored.copy()
        trace[0, MARKED] = 0.0  # the correlator's mark
        trace[1, MARKED] = 0.0
        trace[1, NAN_FRAME] = np.nan
        h5[KEY][...] = trace
    return path, stored.astype(np.float64)


def test_real_traces_have_no_bad_frames(data_dir):
    for path in sorted(data_dir.glob("*_results.hdf")):
        with xpcsviewer.open(path) as f:
            t, i = f.intensity_t
            n = f.intensity_trace.n_stored
            assert f.intensity_bad_frames == 0 and t.size == i.size == n
            np.testing.assert_allclose(t, np.arange(n) * f.metadata.frame_time_s, rtol=1e-12)


def test_bad_frames_left_out_and_counted(bad_file):
    path, stored = bad_file
    with xpcsviewer.open(path) as f:
        t, i = f.intensity_t
        dt = f.metadata.frame_time_s
        assert f.intensity_bad_frames == len(MARKED) + 1
        np.testing.assert_array_equal(f.intensity_trace.bad, sorted(MARKED + [NAN_FRAME]))
    keep = np.ones(stored.shape[1], bool)
    keep[MARKED + [NAN_FRAME]] = False
    # times follow the stored index: no jump back to 0, gaps where frames were left out
    assert np.all(np.diff(t) > 0) and t[0] == 0.0
    np.testing.assert_allclose(t, stored[0, keep] * dt, rtol=1e-12)
    np.testing.assert_array_equal(i, stored[1, keep])
    assert t[99] == pytest.approx(99 * dt) and t[100] == pytest.approx(102 * dt)
    # the mean is that of the good frames (the zeros of bad frames would pull it down 0.4 %)
    assert np.mean(i) == pytest.approx(stored[1, keep].mean(), rel=1e-12)
    assert np.all(i > 0.4)


def test_segment_scale_still_holds_with_bad_frames(bad_file, data_dir):
    path, stored = bad_file
    with xpcsviewer.open(data_dir / "aging_b_results.hdf") as clean, xpcsviewer.open(path) as f:
        ref, scale = clean.segment_scale, f.segment_scale
        assert scale.ok and scale.n_frames == ref.n_frames == 1000  # N counts every frame
        assert scale.frames_per_segment == ref.frames_per_segment
    m, k = scale.frames_per_segment, len(scale.first_frame)
    covered = np.ones(stored.shape[1], bool)
    covered[MARKED + [NAN_FRAME]] = False
    covered[k * m:] = False
    assert scale.mean_intensity == pytest.approx(stored[1, covered].mean(), rel=1e-12)


def test_intensity_tab_says_how_many_and_spectrum_keeps_the_grid(bad_file):
    path, stored = bad_file
    with xpcsviewer.open(path) as f:
        trace = IntensityController.trace(f, 10)
        grid = f.intensity_trace.on_frame_grid()
        dt = f.metadata.frame_time_s
    assert trace.n_bad == 5 and trace.n_frames == 995
    data = IntensityData([trace], {"rebin": 10})
    assert data.note == "bad_frames.hdf: 5 bad frames left out"
    # rebinned time axis rises: no point back at t = 0
    assert np.all(np.diff(trace.t) > 0)
    # the spectrum is over the even frame grid (0..998, the last frame was bad) with gaps
    assert grid.size == 999 and np.isnan(grid[[100, 101, 500, 700]]).all()
    psd = power_spectrum(grid, dt, backend=get_backend("numpy"))
    assert psd.n_used == 995
    np.testing.assert_allclose(trace.power, np.asarray(psd.power)[1:], rtol=1e-12)
    df = float(psd.frequency[1] - psd.frequency[0])
    assert float(np.sum(psd.power)) * df == pytest.approx(np.nanvar(grid), rel=1e-10)


def test_legacy_trace_uses_the_same_rule(tmp_path):
    p = tmp_path / "legacy.hdf"
    with h5py.File(p, "w") as h5:
        h5["xpcs/Version"] = "0.20"
        h5["exchange/tau"] = np.arange(1, 6)[None].astype(float)
        h5["exchange/norm-0-g2"] = np.ones((5, 2))
        h5["exchange/norm-0-stderr"] = np.full((5, 2), 0.01)
        h5["exchange/pixelSum"] = np.ones((6, 7))
        h5["exchange/partition-mean-total"] = np.ones((1, 3))
        h5["exchange/frameSum"] = np.vstack([[0.0, 1, 0, 3, 4], [2.0, 2, 0, 2, 2]])
        h5["xpcs/dqlist"] = [[0.001, 0.002]]
        h5["xpcs/sqlist"] = [[0.001, 0.0015, 0.002]]
        h5["xpcs/dqmap"] = np.ones((6, 7), int)
        h5["xpcs/sqmap"] = np.ones((6, 7), int)
        h5["measurement/instrument/detector/exposure_period"] = [[0.01]]
    with xpcsviewer.open(p) as f:
        t, i = f.intensity_t
        assert f.intensity_bad_frames == 1
    np.testing.assert_allclose(t, [0.0, 0.01, 0.03, 0.04])
    np.testing.assert_array_equal(i, 2.0)
