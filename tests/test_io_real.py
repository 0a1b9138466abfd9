"""The reader against the real correlator files in tests/data: every field vs raw h5py."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio

DATA = Path(__file__).parent / "data"
FILES = ["brownian_a", "aging_b"]


def raw(path: Path, key: str):
    with h5py.File(path, "r") as f:
        return f[key][()]


@pytest.fixture(scope="module", params=FILES)
def case(request):
    path = DATA / f"{request.param}_results.hdf"
    truth = json.loads((DATA / f"{request.param}_truth.json").read_text())
    return xio.open_file(path), path, truth


def test_kinds_and_layout(case):
    f, path, truth = case
    expect = {"multitau"} | ({"twotime"} if truth["name"] == "aging_b" else set())
    assert f.kinds == expect
    assert f.layout == "aps-8idi-nexus"
    assert f.path == path and f.name == path.name


def test_tau_is_delay_list_times_frame_time(case):
    f, path, truth = case
    delays = raw(path, "/xpcs/multitau/delay_list")
    dt = raw(path, "/entry/instrument/detector_1/frame_time")
    stride = raw(path, "/xpcs/multitau/config/stride_frame")
    avg = raw(path, "/xpcs/multitau/config/avg_frame")
    assert f.tau.dtype == np.float64
    np.testing.assert_allclose(f.tau, delays * dt * stride * avg, rtol=1e-12)
    np.testing.assert_array_equal(delays, truth["delay_frames"][: delays.size])
    assert np.isclose(f.metadata.frame_time_s, truth["frame_time_s"])


def test_g2_and_err_as_stored(case):
    f, path, _ = case
    g2 = raw(path, "/xpcs/multitau/normalized_g2")
    err = raw(path, "/xpcs/multitau/normalized_g2_err")
    assert f.g2.shape == g2.shape == (f.tau.size, f.n_bins)
    assert f.g2.dtype == np.float64 and f.g2_err.dtype == np.float64
    np.testing.assert_array_equal(f.g2, g2.astype(np.float64))
    np.testing.assert_array_equal(f.g2_err, err.astype(np.float64))
    assert not f.g2.flags.writeable


def test_dynamic_and_static_q_through_index_mapping(case):
    f, path, truth = case
    q0 = raw(path, "/xpcs/qmap/dynamic_v_list_dim0")
    p0 = raw(path, "/xpcs/qmap/dynamic_v_list_dim1")
    n_q, n_phi = raw(path, "/xpcs/qmap/dynamic_num_pts")
    idx = raw(path, "/xpcs/qmap/dynamic_index_mapping")
    np.testing.assert_array_equal(f.dynamic_q, q0[idx // n_phi])
    np.testing.assert_array_equal(f.dynamic_phi, p0[idx % n_phi])
    for roi in truth["rois"]:
        col = roi["g2_column"]
        assert np.isclose(f.dynamic_q[col], roi["q_center"], rtol=1e-9)
        assert np.isclose(f.dynamic_phi[col], roi["phi_center_deg"], atol=1e-9)
    sq = raw(path, "/xpcs/qmap/static_v_list_dim0")
    sn_phi = raw(path, "/xpcs/qmap/static_num_pts")[1]
    sidx = raw(path, "/xpcs/qmap/static_index_mapping")
    np.testing.assert_array_equal(f.static_q, sq[sidx // sn_phi])
    assert "Å⁻¹" in f.bin_label(0) and "φ=" in f.bin_label(0)


def test_saxs_segments_intensity(case):
    f, path, _ = case
    s2 = raw(path, "/xpcs/temporal_mean/scattering_2d")
    np.testing.assert_array_equal(f.saxs_2d, s2[0])
    assert f.saxs_2d.dtype == np.float64 and not f.saxs_2d.flags.writeable
    q, i1 = f.saxs_1d
    np.testing.assert_array_equal(q, f.static_q)
    np.testing.assert_array_equal(i1, raw(path, "/xpcs/temporal_mean/scattering_1d")[0])
    np.testing.assert_array_equal(
        f.saxs_1d_segments, raw(path, "/xpcs/temporal_mean/scattering_1d_segments")
    )
    ivt = raw(path, "/xpcs/spatial_mean/intensity_vs_time")
    t, it = f.intensity_t
    np.testing.assert_allclose(t, ivt[0].astype(np.float64) * f.metadata.frame_time_s)
    np.testing.assert_array_equal(it, ivt[1])
    assert f.saxs_2d is f.saxs_2d  # cached


def test_qmap(case):
    f, path, _ = case
    qm = f.qmap
    np.testing.assert_array_equal(qm.mask, raw(path, "/xpcs/qmap/mask") != 0)
    np.testing.assert_array_equal(qm.dynamic_roi_map, raw(path, "/xpcs/qmap/dynamic_roi_map"))
    np.testing.assert_array_equal(qm.static_roi_map, raw(path, "/xpcs/qmap/static_roi_map"))
    np.testing.assert_array_equal(qm.dynamic_q_list, raw(path, "/xpcs/qmap/dynamic_v_list_dim0"))
    np.testing.assert_array_equal(qm.static_q_list, raw(path, "/xpcs/qmap/static_v_list_dim0"))
    np.testing.assert_array_equal(
        qm.static_index_mapping, raw(path, "/xpcs/qmap/static_index_mapping")
    )
    assert qm.dynamic_num_pts == tuple(raw(path, "/xpcs/qmap/dynamic_num_pts"))
    assert qm.shape == f.metadata.detector_shape == (128, 128)
    assert qm.beam_center_x == raw(path, "/xpcs/qmap/beam_center_x")
    # roi label r is column r-1 here (every roi has pixels)
    for roi in (1, f.n_bins):
        assert (qm.dynamic_roi_map == roi).sum() > 0


def test_metadata(case):
    f, path, truth = case
    m = f.metadata
    assert m.energy_kev == truth["energy_keV"]
    assert np.isclose(m.wavelength_a, 12.398419843320026 / truth["energy_keV"])
    assert m.detector_distance_m == truth["detector_distance_m"]
    assert m.pixel_size_m == truth["pixel_size_m"]
    assert (m.beam_center_x, m.beam_center_y) == tuple(truth["beam_center_xy"])
    assert m.count_time_s == raw(path, "/entry/instrument/detector_1/count_time")
    assert m.sample_name == truth["name"]
    assert m.start_time == raw(path, "/entry/start_time").decode()
    assert m.beamline == raw(path, "/entry/instrument/bluesky/metadata/beamline").decode()
    assert m.raw_data_path == raw(path, "/xpcs/rawdata_path").decode()
    assert m.qmap_path == raw(path, "/xpcs/multitau/config/qmap").decode()
    assert m.correlator["multitau"]["stride_frame"] == 1


def test_brownian_has_no_twotime():
    f = xio.open_file(DATA / "brownian_a_results.hdf")
    assert f.c2_bins == ()
    with pytest.raises(KeyError):
        f.c2(0)


def test_c2_symmetric_and_matches_stored_upper_triangle():
    path = DATA / "aging_b_results.hdf"
    f = xio.open_file(path)
    processed = raw(path, "/xpcs/twotime/processed_bins")
    # processed_bins are 1-based roi labels: roi r -> g2 column r-1; c2_0000k is the k-th
    assert f.c2_bins == tuple(int(b) - 1 for b in processed)
    tt_g2 = raw(path, "/xpcs/twotime/normalized_g2")
    for k, col in enumerate(f.c2_bins, start=1):
        c2 = f.c2(col)
        stored = raw(path, f"/xpcs/twotime/correlation_map/c2_{k:05d}")
        # float32 as stored (boost_corr), not widened on read (issue 16)
        assert c2.column == col and c2.matrix.dtype == stored.dtype == np.float32
        np.testing.assert_array_equal(c2.matrix, c2.matrix.T)
        np.testing.assert_array_equal(np.triu(c2.matrix), np.triu(stored))
        np.testing.assert_allclose(c2.t, np.arange(stored.shape[0]) * 0.002)
        # the map belongs to that column: its lag-1 diagonal mean is the two-time g2 at lag 1
        assert np.isclose(np.mean(np.diag(c2.matrix, 1)), tt_g2[1, k - 1], rtol=2e-3)
        assert abs(np.mean(np.diag(c2.matrix, 1)) - f.g2[0, col]) < 0.01
    with pytest.raises(IndexError):
        f.c2(99)


def test_small_cache_budget_still_reads():
    with xio.open_file(DATA / "aging_b_results.hdf", cache_mb=1) as f:
        assert f.c2(f.c2_bins[0]).matrix.shape == (1000, 1000)  # bigger than budget: still works
        assert f.n_bins == 10
