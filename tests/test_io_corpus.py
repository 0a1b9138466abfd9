"""Broken and odd-but-valid result files, generated here: clear errors or a clean open."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio

DATA = Path(__file__).parent / "data"
REAL = DATA / "brownian_a_results.hdf"
G2 = "/xpcs/multitau/normalized_g2"


def copy_real(tmp_path: Path, name: str = "case.hdf") -> Path:
    dst = tmp_path / name
    shutil.copyfile(REAL, dst)
    return dst


def edit(path: Path, fn) -> Path:
    with h5py.File(path, "a") as h5:
        fn(h5)
    return path


def replace(key: str, data) -> callable:
    def fn(h5):
        del h5[key]
        h5[key] = data

    return fn


def tiny(path: Path, n_q=3, n_phi=2, index=None, n_tau=5, shape=(8, 9), c2=None, g2=True):
    """A small valid file from the writer: grid n_q x n_phi, ``index`` = stored bins."""
    index = np.arange(n_q * n_phi) if index is None else np.asarray(index)
    roi = np.zeros(shape, np.int64)
    roi.flat[: index.size] = np.arange(1, index.size + 1)  # compact labels: column + 1
    qm = xio.QMap(
        np.ones(shape, bool), roi, roi, np.linspace(0.001, 0.003, n_q),
        np.linspace(0, 90, n_phi), np.linspace(0.001, 0.003, n_q), np.linspace(0, 90, n_phi),
        index, index, (n_q, n_phi), (n_q, n_phi), 1.0, 2.0, 4.0, 75e-6, 10.0,
    )  # fmt: skip
    meta = xio.Metadata(10.0, 1.24, 4.0, 75e-6, 1.0, 2.0, 1e-3, 1e-3, "tiny", "t0", "bl",
                        "/raw", "/qmap", shape, {})  # fmt: skip
    n = index.size
    mt = dict(tau=np.arange(1, n_tau + 1) * 1e-3, g2=np.full((n_tau, n), 1.2),
              g2_err=np.full((n_tau, n), 0.01)) if g2 else {}  # fmt: skip
    return xio.write_result_file(
        path, metadata=meta, qmap=qm, saxs_2d=np.ones(shape), saxs_1d=np.ones(n),
        saxs_1d_segments=np.ones((2, n)), intensity=np.ones(4), c2=c2, **mt,
    )  # fmt: skip


# -- broken: each builder makes the file, the string must appear in the message -------------
def truncated(tmp):
    p = copy_real(tmp)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p, "truncated"


def missing_g2(tmp):
    return edit(copy_real(tmp), lambda h: h.__delitem__(G2)), f"missing dataset {G2}"


def delay_mismatch(tmp):
    p = edit(copy_real(tmp), replace("/xpcs/multitau/delay_list", np.arange(1, 10)))
    return p, "delay_list has 9"


def text_file(tmp):
    p = tmp / "notes.hdf"
    p.write_text("these are my notes, not HDF5\n")
    return p, "not an HDF5 file"


def zero_bytes(tmp):
    p = tmp / "empty.hdf"
    p.write_bytes(b"")
    return p, "empty file"


def link_outside(tmp):
    outside = tmp / "elsewhere"
    outside.mkdir()
    with h5py.File(outside / "secret.h5", "w") as h5:
        h5["img"] = np.ones((1, 128, 128), np.float32)
    inside = tmp / "data"
    inside.mkdir()
    key = "/xpcs/temporal_mean/scattering_2d"

    def fn(h5):
        del h5[key]
        h5[key] = h5py.ExternalLink("../elsewhere/secret.h5", "/img")

    return edit(copy_real(inside), fn), "outside the file's folder"


def link_missing(tmp):
    key = "/xpcs/temporal_mean/scattering_2d"

    def fn(h5):
        del h5[key]
        h5[key] = h5py.ExternalLink("gone.h5", "/img")

    return edit(copy_real(tmp), fn), "missing file gone.h5"


def empty_g2(tmp):
    p = edit(copy_real(tmp), replace(G2, np.zeros((0, 12), np.float32)))
    return p, "is empty"


def empty_delay_list(tmp):
    p = edit(copy_real(tmp), replace("/xpcs/multitau/delay_list", np.zeros(0, np.int64)))
    return p, "delay_list is empty"


def string_g2(tmp):
    p = edit(copy_real(tmp), replace(G2, np.array([[b"a", b"b"]] * 48)))
    return p, "expected numbers"


def g2_one_dim(tmp):
    return edit(copy_real(tmp), replace(G2, np.ones(48, np.float32))), "expected 2-D"


def no_xpcs(tmp):
    p = tmp / "bare.hdf"
    with h5py.File(p, "w") as h5:
        h5["entry/title"] = "nothing"
    return p, "unsupported layout"


def other_beamline(tmp):
    p = tmp / "esrf.h5"
    with h5py.File(p, "w") as h5:
        h5["entry_0000/measurement/correlation"] = np.ones((10, 3))
        h5["entry_0000"].attrs["NX_class"] = "NXentry"
    return p, "unsupported layout"


def xpcs_without_results(tmp):
    p = tmp / "partial.hdf"
    with h5py.File(p, "w") as h5:
        h5["xpcs/qmap/mask"] = np.ones((4, 4))
    return p, "neither multitau nor twotime"


def err_shape(tmp):
    p = edit(copy_real(tmp), replace("/xpcs/multitau/normalized_g2_err", np.ones((48, 11))))
    return p, "normalized_g2_err shape"


def column_mismatch(tmp):
    p = edit(copy_real(tmp), replace("/xpcs/qmap/dynamic_index_mapping", np.arange(11)))
    return p, "12 columns"


def index_out_of_range(tmp):
    p = edit(copy_real(tmp), replace("/xpcs/qmap/dynamic_index_mapping", np.arange(12) + 5))
    return p, "outside 0..11"


def no_frame_time(tmp):
    p = edit(copy_real(tmp), lambda h: h.__delitem__("/entry/instrument/detector_1/frame_time"))
    return p, "frame_time is missing"


def saxs_1d_bins(tmp):
    key = "/xpcs/temporal_mean/scattering_1d"
    return edit(copy_real(tmp), replace(key, np.ones((1, 7)))), "has 7 bins"


def intensity_rows(tmp):
    key = "/xpcs/spatial_mean/intensity_vs_time"
    return edit(copy_real(tmp), replace(key, np.ones((3, 5)))), "expected (2, n)"


def c2_missing_map(tmp):
    p = tiny(tmp / "tt.hdf", c2={0: np.ones((4, 4)), 1: np.ones((4, 4))})
    return edit(p, lambda h: h.__delitem__("/xpcs/twotime/correlation_map/c2_00002")), "c2_00002"


def no_such_file(tmp):
    return tmp / "never_written.hdf", "no such file"


BROKEN = [
    truncated, missing_g2, delay_mismatch, text_file, zero_bytes, link_outside, link_missing,
    empty_g2, empty_delay_list, string_g2, g2_one_dim, no_xpcs, other_beamline,
    xpcs_without_results, err_shape, column_mismatch, index_out_of_range, no_frame_time,
    saxs_1d_bins, intensity_rows, c2_missing_map, no_such_file,
]  # fmt: skip


@pytest.mark.parametrize("build", BROKEN, ids=lambda b: b.__name__)
def test_broken_file_raises_clear_error(tmp_path, build):
    path, expected = build(tmp_path)
    with pytest.raises(xio.XpcsFormatError) as info:
        xio.open_file(path)
    message = str(info.value)
    assert path.name in message and expected in message, message
    assert isinstance(info.value, ValueError) and info.value.path == path
    # scan never raises: it lists the file (it only probes, so deep problems show on open)
    if path.exists():
        assert path in [r.path for r in xio.scan(path.parent)]


# -- odd but valid -----------------------------------------------------------------------------
def test_nan_in_g2_and_zero_error_open(tmp_path):
    g2 = h5py.File(REAL, "r")[G2][()]
    g2[-5:, 3] = np.nan
    p = edit(copy_real(tmp_path), replace(G2, g2))
    f = xio.open_file(p)
    assert np.isnan(f.g2[-5:, 3]).all() and np.isfinite(f.g2[:-5]).all()
    assert (f.g2_err[-1] == 0).any() or f.g2_err.min() >= 0


def test_multi_phi_with_empty_roi_maps_columns_q_major(tmp_path):
    f = xio.open_file(tiny(tmp_path / "phi.hdf", n_q=3, n_phi=2, index=[0, 1, 3, 5]))
    q, phi = np.linspace(0.001, 0.003, 3), np.array([0.0, 90.0])
    np.testing.assert_allclose(f.dynamic_q, q[[0, 0, 1, 2]])
    np.testing.assert_allclose(f.dynamic_phi, phi[[0, 1, 1, 1]])
    assert f.n_bins == 4 and f.g2.shape == (5, 4) and "φ=90°" in f.bin_label(1)


def test_single_phi_single_q_and_one_by_one(tmp_path):
    f = xio.open_file(tiny(tmp_path / "q1.hdf", n_q=1, n_phi=1, shape=(1, 1), n_tau=1))
    assert f.g2.shape == (1, 1) and f.tau.shape == (1,) and f.saxs_2d.shape == (1, 1)
    assert f.qmap.shape == (1, 1) and f.saxs_1d[1].shape == (1,)
    g = xio.open_file(tiny(tmp_path / "phi1.hdf", n_q=4, n_phi=1))
    np.testing.assert_array_equal(g.dynamic_phi, 0.0)


def test_zero_frame_intensity_opens(tmp_path):
    key = "/xpcs/spatial_mean/intensity_vs_time"
    f = xio.open_file(edit(copy_real(tmp_path), replace(key, np.zeros((2, 0), np.float32))))
    t, i = f.intensity_t
    assert t.shape == i.shape == (0,)


def test_missing_optional_segments_and_trace(tmp_path):
    def fn(h5):
        del h5["/xpcs/temporal_mean/scattering_1d_segments"]
        del h5["/xpcs/spatial_mean"]

    f = xio.open_file(edit(copy_real(tmp_path), fn))
    assert f.saxs_1d_segments.shape == (0, 120) and f.intensity_t[0].size == 0


def test_external_link_inside_folder_is_followed(tmp_path):
    with h5py.File(tmp_path / "frames.h5", "w") as h5:
        h5["img"] = np.full((1, 128, 128), 7.0, np.float32)
    key = "/xpcs/temporal_mean/scattering_2d"

    def fn(h5):
        del h5[key]
        h5[key] = h5py.ExternalLink("frames.h5", "/img")

    f = xio.open_file(edit(copy_real(tmp_path), fn))
    assert (f.saxs_2d == 7.0).all()


def test_twotime_only_file(tmp_path):
    full = np.arange(16.0).reshape(4, 4)
    full = full + full.T
    f = xio.open_file(tiny(tmp_path / "tt.hdf", g2=False, c2={2: full}))
    assert f.kinds == {"twotime"} and f.tau is None and f.g2 is None and f.c2_bins == (2,)
    with h5py.File(f.path, "r") as h5:
        assert "/xpcs/multitau" not in h5
        assert (np.tril(h5["/xpcs/twotime/correlation_map/c2_00001"][()], -1) == 0).all()
    np.testing.assert_array_equal(f.c2(2).matrix, full)
    np.testing.assert_allclose(f.c2(2).t, np.arange(4) * 1e-3)


def test_legacy_layout(tmp_path):
    p = tmp_path / "old_style.hdf"
    g2 = 1 + 0.2 * np.exp(-np.arange(1, 6)[:, None] / np.array([[3.0, 5.0]]))
    with h5py.File(p, "w") as h5:
        h5["xpcs/Version"] = "0.20"
        h5["exchange/tau"] = np.arange(1, 6)[None].astype(float)
        h5["exchange/norm-0-g2"] = g2
        h5["exchange/norm-0-stderr"] = g2 * 0.01
        h5["exchange/pixelSum"] = np.ones((6, 7))
        h5["exchange/partition-mean-total"] = np.ones((1, 3))
        h5["exchange/frameSum"] = np.vstack([np.arange(4.0), np.ones(4)])
        h5["xpcs/dqlist"] = [[0.001, 0.002]]
        h5["xpcs/sqlist"] = [[0.001, 0.0015, 0.002]]
        h5["xpcs/dqmap"] = np.ones((6, 7), int)
        h5["xpcs/sqmap"] = np.ones((6, 7), int)
        h5["xpcs/stride_frames"] = 2
        h5["measurement/instrument/detector/exposure_period"] = [[0.01]]
        h5["measurement/instrument/source_begin/energy"] = 11.0
    f = xio.open_file(p)
    assert f.layout == "aps-legacy" and f.kinds == {"multitau"}
    np.testing.assert_allclose(f.tau, np.arange(1, 6) * 0.01 * 2)
    np.testing.assert_array_equal(f.g2, g2)
    np.testing.assert_array_equal(f.dynamic_q, [0.001, 0.002])
    assert f.metadata.energy_kev == 11.0 and f.saxs_2d.shape == (6, 7)
    assert f.qmap.dynamic_num_pts == (2, 1)
    assert xio.scan(tmp_path)[0].layout == "aps-legacy"
