"""Pairing bins across files by (q, φ), pixel counts per g2 column and the φ average, against
the truth of the shipped files (phi_c: 18 q x 6 φ with empty cells; brownian_a: 1 φ)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.compute.bins import column_pixel_counts, match_bins, phi_average


@pytest.fixture(scope="module")
def phi_c(data_dir):
    with xv.open(data_dir / "phi_c_results.hdf") as f:
        qm = f.qmap
        yield f, qm, json.loads((data_dir / "phi_c_truth.json").read_text())


def test_pixel_counts_and_q_groups_per_column_equal_the_truth(phi_c):
    f, qm, truth = phi_c
    counts = column_pixel_counts(qm.dynamic_roi_map, f.n_bins)
    rois = sorted(truth["rois"], key=lambda r: r["g2_column"])
    assert [r["g2_column"] for r in rois] == list(range(f.n_bins)) == list(range(59))
    np.testing.assert_array_equal(counts, [r["pixels"] for r in rois])
    n_phi = qm.dynamic_num_pts[1]
    q_index = np.asarray(qm.dynamic_index_mapping) // n_phi
    # the truth's indices are 1-based, as the correlator's labels
    np.testing.assert_array_equal(q_index + 1, [r["q_index"] for r in rois])
    np.testing.assert_array_equal(np.asarray(qm.dynamic_index_mapping) % n_phi + 1,
                                  [r["phi_index"] for r in rois])


def test_phi_average_is_the_pixel_weighted_mean_and_matches_the_truth(phi_c):
    f, qm, truth = phi_c
    counts = column_pixel_counts(qm.dynamic_roi_map, f.n_bins)
    q_index = np.asarray(qm.dynamic_index_mapping) // qm.dynamic_num_pts[1]
    avg = phi_average(f.g2, f.g2_err, f.dynamic_q, q_index, counts)
    assert avg.g2.shape == (f.g2.shape[0], 18) and avg.n_pixels.sum() == counts.sum()
    cols = avg.columns[2]  # q bin 2: six sectors
    assert cols.size == 6
    w = counts[cols] / counts[cols].sum()
    np.testing.assert_allclose(avg.g2[:, 2], f.g2[:, cols] @ w, rtol=1e-12)
    # Against the truth: the same average of the correlator's expected g2 per column.
    rois = sorted(truth["rois"], key=lambda r: r["g2_column"])
    expected = np.array([r["expected_g2"] for r in rois]).T  # (n_tau, n_bins)
    exp_avg = phi_average(expected, np.zeros_like(expected), f.dynamic_q, q_index, counts)
    inner = slice(0, 10)  # bright inner q; the outer bins hold a handful of pixels
    z = (avg.g2[:, inner] - exp_avg.g2[:, inner]) / avg.g2_err[:, inner]
    assert np.nanmean(z**2) < 3.0  # chi^2/n of order 1 (truth README: 1-2)
    # Isotropic Brownian sample: each sector scatters around the φ average.
    spread = (f.g2[:, cols] - avg.g2[:, [2]]) / f.g2_err[:, cols]
    assert np.nanmean(spread**2) < 3.0


def test_a_nan_column_does_not_poison_the_phi_average():
    g2 = np.array([[1.2, np.nan, 1.3], [1.1, 1.15, np.nan]])
    err = np.full_like(g2, 0.01)
    avg = phi_average(g2, err, [0.01, 0.01, 0.02], [0, 0, 1], [10, 30, 5])
    np.testing.assert_allclose(avg.g2[:, 0], [1.2, (10 * 1.1 + 30 * 1.15) / 40])
    assert avg.g2[0, 1] == 1.3 and np.isnan(avg.g2[1, 1])
    np.testing.assert_allclose(avg.g2_err[1, 0], np.sqrt(100 + 900) * 0.01 / 40)
    with pytest.raises(ValueError, match="shapes differ"):
        phi_average(g2, err[:, :2], [0.01, 0.01, 0.02], [0, 0, 1], [10, 30, 5])


def test_bins_pair_by_q_and_phi_not_by_column(phi_c, data_dir):
    f, _, _ = phi_c
    same = match_bins(f.dynamic_q, f.dynamic_phi, f.dynamic_q, f.dynamic_phi)
    assert same.same_partition and np.array_equal(same.partner, np.arange(59))
    # Another file missing the first q ring (as a bigger beamstop would): columns shift by 6,
    # yet each bin pairs with its own (q, φ) cell; the first ring is unmatched.
    q2, phi2 = f.dynamic_q[6:], f.dynamic_phi[6:]
    m = match_bins(f.dynamic_q, f.dynamic_phi, q2, phi2)
    assert not m.same_partition
    np.testing.assert_array_equal(m.unmatched, np.arange(6))
    np.testing.assert_array_equal(m.partner[6:], np.arange(53))
    # q 1 % off pairs (the outer bins are 5 % apart); a file whose q lie half-way between
    # the reference's bins pairs with none of them (tolerance: 40 % of the local spacing).
    assert (match_bins(f.dynamic_q, f.dynamic_phi, f.dynamic_q * 1.01, f.dynamic_phi).partner
            == np.arange(59)).all()
    rings = np.unique(f.dynamic_q)
    between = 0.5 * (rings[:-1] + rings[1:])
    half = match_bins(rings, np.zeros(rings.size), between, np.zeros(between.size))
    assert (half.partner == -1).all() and half.orphans.size == between.size
    assert (match_bins(f.dynamic_q, f.dynamic_phi, f.dynamic_q, f.dynamic_phi, q_tol=0.5)
            .partner == np.arange(59)).all()
    # φ: a sector rotated by a full bin (60°) is another cell.
    rotated = match_bins(f.dynamic_q, f.dynamic_phi, f.dynamic_q, f.dynamic_phi + 60.0)
    assert not np.array_equal(rotated.partner, np.arange(59))
    # An isotropic file (1 φ) never pairs with sectors; orphans are named.
    with xv.open(data_dir / "brownian_a_results.hdf") as b:
        iso = match_bins(b.dynamic_q, b.dynamic_phi, f.dynamic_q, f.dynamic_phi)
        assert (iso.partner == -1).all() and iso.orphans.size == 59
        two = match_bins(b.dynamic_q, b.dynamic_phi, b.dynamic_q[::-1], b.dynamic_phi)
        np.testing.assert_array_equal(two.partner, np.arange(12)[::-1])  # by q, not column
