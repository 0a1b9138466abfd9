"""Reading a C2 map keeps float32 and mirrors the upper triangle in place (issue 16).

The reference is the former read: the stored upper triangle widened to float64 and
mirrored. float32 -> float64 is exact, so the values must be equal, not merely close.
"""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

import xpcsviewer.io as xio
from xpcsviewer.io._file import symmetrise

MAPS = "/xpcs/twotime/correlation_map"


def _reference(stored: np.ndarray) -> np.ndarray:
    up = np.triu(np.asarray(stored, dtype=np.float64))
    return up + np.triu(up, 1).T


@pytest.mark.parametrize("name", ["aging_b", "dstep_c"])
def test_c2_equals_the_float64_mirror_of_the_stored_map(data_dir, name):
    path = data_dir / f"{name}_results.hdf"
    with h5py.File(path, "r") as h5:
        stored = {k: h5[f"{MAPS}/{k}"][()] for k in h5[MAPS]}
    f = xio.open_file(path)
    assert len(f.c2_bins) == len(stored) > 0
    for k, col in enumerate(f.c2_bins, start=1):
        raw = stored[f"c2_{k:05d}"]
        m = f.c2(col).matrix
        assert m.dtype == np.float32 and raw.dtype == np.float32
        np.testing.assert_array_equal(m.astype(np.float64), _reference(raw))
        np.testing.assert_array_equal(np.tril(m, -1), np.triu(m, 1).T)
        assert not m.flags.writeable  # shared through the file's cache


@pytest.mark.parametrize("n", [1, 2, 127, 128, 129, 300])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_symmetrise_any_size_ignores_what_is_below_the_diagonal(n, dtype):
    rng = np.random.default_rng(n)
    stored = rng.normal(size=(n, n)).astype(dtype)  # lower triangle deliberately not 0
    before = stored.copy()
    out = symmetrise(stored)
    assert out.dtype == dtype and out is not stored
    np.testing.assert_array_equal(stored, before)  # a copy unless asked otherwise
    np.testing.assert_array_equal(out.astype(np.float64), _reference(stored))
    assert symmetrise(stored, inplace=True) is stored  # no copy when the caller owns it
    np.testing.assert_array_equal(stored, out)


def test_symmetrise_widens_integers_and_keeps_nan_in_place():
    stored = np.triu(np.arange(16, dtype=np.int32).reshape(4, 4))
    out = symmetrise(stored, inplace=True)
    assert out.dtype == np.float64 and out is not stored
    np.testing.assert_array_equal(out, _reference(stored))
    upper = np.triu(np.ones((3, 3), dtype=np.float32))
    upper[0, 2] = np.nan
    out = symmetrise(upper)
    assert np.isnan(out[2, 0]) and np.isnan(out[0, 2]) and np.isfinite(out[1, 0])


def test_symmetrise_rejects_a_non_square_map():
    with pytest.raises(ValueError, match="square"):
        symmetrise(np.zeros((3, 4)))


def test_compute_on_the_float32_map_equals_compute_on_the_float64_one(data_dir):
    from xpcsviewer.compute import g2_from_c2, prepare_display

    f = xio.open_file(data_dir / "aging_b_results.hdf")
    c2 = f.c2(f.c2_bins[0])
    wide = c2.matrix.astype(np.float64)  # what the read returned before issue 16
    windows = [(0.0, 0.9), (0.9, 1.998)]
    for backend in ("numpy", "jax"):
        a = g2_from_c2(c2.matrix, c2.t, windows, backend=backend)
        b = g2_from_c2(wide, c2.t, windows, backend=backend)
        np.testing.assert_array_equal(np.asarray(a.g2), np.asarray(b.g2))
        np.testing.assert_array_equal(np.asarray(a.g2_err), np.asarray(b.g2_err))
        da = prepare_display(c2.matrix, c2.t, max_size=300, backend=backend)
        db = prepare_display(wide, c2.t, max_size=300, backend=backend)
        assert np.asarray(da.matrix).dtype == np.float64
        np.testing.assert_array_equal(np.asarray(da.matrix), np.asarray(db.matrix))


def _peer_mirror(half: np.ndarray) -> np.ndarray:
    """What other viewers show for a stored half map: c + c.T, the doubled diagonal halved."""
    full = half + half.T
    full[np.diag_indices(half.shape[0])] /= 2
    return full


@pytest.mark.parametrize("name", ["aging_b", "dstep_c"])
def test_every_map_equals_a_bare_h5py_read_mirrored_in_float32(data_dir, name):
    """Each map as read (cache emptied before each) equals, bit for bit, the stored float32
    half read with plain h5py and mirrored the peers' way (the stored lower triangle is 0)."""
    path = data_dir / f"{name}_results.hdf"
    f = xio.open_file(path)
    with h5py.File(path, "r") as h5:
        for k, col in enumerate(f.c2_bins, start=1):
            half = h5[f"{MAPS}/c2_{k:05d}"][()]
            assert half.dtype == np.float32 and not np.tril(half, -1).any()
            f.close()
            m = f.c2(col).matrix
            assert m.dtype == np.float32 and m.flags.c_contiguous
            np.testing.assert_array_equal(m, _peer_mirror(half))


def test_a_big_endian_float32_map_stays_float32(tmp_path, data_dir):
    """float32 stored big-endian is still float32 (native order), with the same values."""
    path = tmp_path / "be.hdf"
    shutil.copyfile(data_dir / "aging_b_results.hdf", path)
    key = f"{MAPS}/c2_00001"
    with h5py.File(path, "a") as h5:
        half = h5[key][()]
        del h5[key]
        h5.create_dataset(key, data=half.astype(">f4"), compression="lzf")
    f = xio.open_file(path)
    m = f.c2(f.c2_bins[0]).matrix
    assert m.dtype == np.float32 and m.dtype.isnative
    np.testing.assert_array_equal(m, _peer_mirror(half))
    assert f.c2(f.c2_bins[1]).matrix.dtype == np.float32  # the untouched little-endian maps
