"""Partitions of degenerate masks: the same answer on both backends, never a lost pixel.

Before: a one-pixel mask gave a cryptic bincount error on NumPy and, on JAX, a partition
with every count 0 (the pixel silently dropped); an empty mask gave NaN bin values.
"""

from __future__ import annotations

import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import compute_qmap, make_partition

BACKENDS = pytest.mark.parametrize("b", [get_backend("jax"), get_backend("numpy")],
                                   ids=["jax", "numpy"])


@pytest.fixture(scope="module")
def geometry():
    qm = compute_qmap(10.0, 4.0, 75e-6, 20.5, 15.5, (40, 30), backend=get_backend("numpy"))
    return np.asarray(qm.q), np.asarray(qm.phi)


@BACKENDS
@pytest.mark.parametrize("scale", ["linear", "log"])
def test_empty_mask_is_refused(geometry, b, scale):
    q, phi = geometry
    with pytest.raises(ValueError, match="no valid pixel"):
        make_partition(q, phi, np.zeros(q.shape), 4, 2, scale=scale, backend=b)
    nan_q = np.full(q.shape, np.nan)  # valid pixels, but none with a finite q
    with pytest.raises(ValueError, match="no valid pixel"):
        make_partition(nan_q, phi, np.ones(q.shape), 4, backend=b)


@BACKENDS
def test_one_pixel_needs_a_q_range_then_keeps_its_pixel(geometry, b):
    q, phi = geometry
    mask = np.zeros(q.shape)
    mask[7, 11] = 1
    with pytest.raises(ValueError, match="1 valid pixel.*give q_range"):
        make_partition(q, phi, mask, 4, backend=b)
    lo, hi = 0.8 * q[7, 11], 1.2 * q[7, 11]
    part = make_partition(q, phi, mask, 4, 1, q_range=(lo, hi), backend=b)
    counts = np.asarray(part.counts)
    roi = np.asarray(part.roi_map)
    # q[7, 11] sits in the middle of the range: q bin 2 of 4 (0-based), the only cell used
    # (asserted through index_mapping, the cell's grid index, whatever the roi numbering)
    assert counts.sum() == 1
    assert roi[7, 11] > 0 and np.count_nonzero(roi) == 1
    np.testing.assert_array_equal(np.asarray(part.index_mapping), [2])
    with pytest.raises(ValueError, match="no valid pixel has q in q_range"):
        make_partition(q, phi, mask, 4, q_range=(2 * hi, 3 * hi), backend=b)


@BACKENDS
def test_pixels_all_at_one_q_and_log_range_at_zero(b):
    q = np.full((6, 5), 0.003)
    phi = np.zeros((6, 5))
    with pytest.raises(ValueError, match="30 valid pixel.*all have q = 0.003"):
        make_partition(q, phi, np.ones((6, 5)), 3, backend=b)
    part = make_partition(q, phi, np.ones((6, 5)), 3, q_range=(0.002, 0.004), backend=b)
    assert np.asarray(part.counts).sum() == 30 and np.asarray(part.index_mapping).tolist() == [1]
    assert np.unique(np.asarray(part.roi_map)).size == 1 and np.asarray(part.roi_map).min() > 0
    with pytest.raises(ValueError, match="log q bins need q_range"):
        make_partition(q, phi, np.ones((6, 5)), 3, scale="log", q_range=(0.0, 0.004), backend=b)


def test_two_pixels_same_partition_on_both_backends(geometry):
    q, phi = geometry
    mask = np.zeros(q.shape)
    mask[3, 4] = mask[30, 25] = 1
    jx, npy = (make_partition(q, phi, mask, 5, 2, backend=get_backend(n)) for n in ("jax", "numpy"))
    np.testing.assert_array_equal(np.asarray(jx.roi_map), np.asarray(npy.roi_map))
    assert np.asarray(npy.counts).sum() == 2 and np.count_nonzero(np.asarray(npy.roi_map)) == 2


@BACKENDS
def test_valid_pixel_without_an_angle_is_refused(geometry, b):
    q, phi = geometry
    holed = phi.copy()
    holed[5, 6] = np.nan
    with pytest.raises(ValueError, match="phi is not finite at 1 valid pixel"):
        make_partition(q, holed, np.ones(q.shape), 4, 3, backend=b)
    mask = np.ones(q.shape)
    mask[5, 6] = 0  # masked: its angle does not matter
    part = make_partition(q, holed, mask, 4, 3, backend=b)
    assert np.asarray(part.counts).sum() == q.size - 1
