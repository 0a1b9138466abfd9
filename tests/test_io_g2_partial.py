"""``XpcsFile.g2_partial``: g2 per part of a boost_corr ``-np`` run, read lazily as stored
(NaN where a part was not written); None without it; a wrong shape is an XpcsFormatError."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.io._keys import NEXUS_8IDI

KEY = NEXUS_8IDI["g2_partial"]


def with_partial(data_dir, tmp_path, parts_of) -> tuple:
    """A copy of brownian_a with ``parts_of(g2)`` stored at the partial-g2 key."""
    target = tmp_path / "partial_results.hdf"
    shutil.copy(data_dir / "brownian_a_results.hdf", target)
    with h5py.File(target, "r+") as h:  # our copy in tmp_path, never the data file
        g2 = h[NEXUS_8IDI["g2"]][()]
        parts = parts_of(g2)
        h[KEY] = parts
    return target, g2, parts


def three_parts(g2: np.ndarray) -> np.ndarray:
    """Cumulative parts drifting towards the final g2; the last written for the first
    delays only (NaN-padded, as a run still in progress leaves it)."""
    parts = np.stack([1 + (g2 - 1) * 0.8, 1 + (g2 - 1) * 0.9, g2.copy()])
    parts[2, g2.shape[0] // 2:, :] = np.nan
    return parts


def test_g2_partial_is_read_as_stored(data_dir, tmp_path):
    path, g2, parts = with_partial(data_dir, tmp_path, three_parts)
    f = xv.open(path)
    assert f.g2_partial.shape == (3, *f.g2.shape) and f.g2_partial.dtype == np.float64
    np.testing.assert_array_equal(f.g2_partial, parts)  # NaN where not written, kept NaN
    assert np.isnan(f.g2_partial[2, -1]).all() and np.isfinite(f.g2_partial[:2]).all()
    assert not f.g2_partial.flags.writeable
    assert xv.open(data_dir / "brownian_a_results.hdf").g2_partial is None


def test_a_single_stored_part_is_one_part(data_dir, tmp_path):
    path, g2, _ = with_partial(data_dir, tmp_path, lambda g2: g2 * 1.0)
    np.testing.assert_array_equal(xv.open(path).g2_partial, g2[None])


def test_g2_partial_of_the_wrong_shape_is_refused_by_name(data_dir, tmp_path):
    path, _, _ = with_partial(data_dir, tmp_path, lambda g2: np.ones((2, g2.shape[0], g2.shape[1] + 1)))
    f = xv.open(path)  # the rest of the file stays usable
    assert f.g2.shape[1] == 12
    with pytest.raises(xv.XpcsFormatError, match="normalized_g2_partial has shape") as info:
        _ = f.g2_partial
    assert "partial_results.hdf" in str(info.value)
