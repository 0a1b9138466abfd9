"""Compact roi numbering end to end (issue 10 §1): label r is column r - 1 and
``index_mapping[r - 1]`` its (q, phi) cell, in the cursor, the writer, the reader and two-time."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

import xpcsviewer
import xpcsviewer.io as xio
from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import bin_at_pixel, compute_qmap, make_partitions, saxs_1d


def _cell_bounds(centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edges of equal-width bins with these centres."""
    half = 0.5 * (centres[1] - centres[0]) if centres.size > 1 else np.inf
    return centres - half, centres + half


def test_cursor_names_the_column_whose_pixels_it_is_on(data_dir):
    """phi_c: 59 of 108 cells hold pixels, so label r is not grid cell r - 1; for random
    pixels, the picked column's stored q and phi are those of the pixel's own cell."""
    f = xpcsviewer.open(data_dir / "phi_c_results.hdf")
    qm = f.qmap
    assert not np.array_equal(qm.dynamic_index_mapping, np.arange(f.n_bins))  # a real test
    geo = compute_qmap(qm.energy_kev, qm.detector_distance_m, qm.pixel_size_m,
                       qm.beam_center_x, qm.beam_center_y, qm.shape, backend="numpy")
    q, phi = ensure_numpy(geo.q), ensure_numpy(geo.phi)
    q_lo, q_hi = _cell_bounds(qm.dynamic_q_list)
    p_lo, p_hi = _cell_bounds(qm.dynamic_phi_list)
    rows, cols = np.nonzero(qm.mask & (qm.dynamic_roi_map > 0))
    pick = np.random.default_rng(7).choice(rows.size, 400, replace=False)
    eps = 1e-9
    for row, col in zip(rows[pick], cols[pick], strict=True):
        c = bin_at_pixel(qm.dynamic_roi_map, qm.dynamic_index_mapping, qm.mask, int(col), int(row))
        assert c is not None
        iq = int(np.flatnonzero(qm.dynamic_q_list == f.dynamic_q[c])[0])
        ip = int(np.flatnonzero(qm.dynamic_phi_list == f.dynamic_phi[c])[0])
        assert q_lo[iq] * (1 - eps) <= q[row, col] <= q_hi[iq] * (1 + eps)
        assert p_lo[ip] - eps <= phi[row, col] <= p_hi[ip] + eps
    # Excluded, masked and off-detector pixels pick nothing.
    r0, c0 = np.argwhere(qm.dynamic_roi_map == 0)[0]
    assert bin_at_pixel(qm.dynamic_roi_map, qm.dynamic_index_mapping, qm.mask, int(c0), int(r0)) is None
    assert bin_at_pixel(qm.dynamic_roi_map, qm.dynamic_index_mapping, None, -1, 0) is None
    r1, c1 = rows[0], cols[0]
    unused = np.ones(qm.shape, bool)
    unused[r1, c1] = False
    assert bin_at_pixel(qm.dynamic_roi_map, qm.dynamic_index_mapping, unused, int(c1), int(r1)) is None


def _phi_c_partitions(data_dir):
    f = xpcsviewer.open(data_dir / "phi_c_results.hdf")
    qm, meta = f.qmap, f.metadata
    det = compute_qmap(meta.energy_kev, meta.detector_distance_m, meta.pixel_size_m,
                       meta.beam_center_x, meta.beam_center_y, meta.detector_shape, backend="numpy")
    parts = make_partitions(det, qm.mask, dynamic=(18, 6), static=(90, 6), backend="numpy")
    return f, parts


def test_partitions_written_compactly_round_trip(data_dir, tmp_path):
    """Partitions made by compute.make_partitions on phi_c's geometry: compact labels equal to
    the stored ones, written with the writer and read back cell for cell."""
    f, parts = _phi_c_partitions(data_dir)
    d = parts.to_qmap_dict()
    ref = f.qmap
    np.testing.assert_array_equal(d["dynamic_roi_map"], ref.dynamic_roi_map)
    np.testing.assert_array_equal(d["static_index_mapping"], ref.static_index_mapping)
    qm = xio.QMap(
        ref.mask, d["dynamic_roi_map"].astype(np.int64), d["static_roi_map"].astype(np.int64),
        d["dynamic_v_list_dim0"], d["dynamic_v_list_dim1"], d["static_v_list_dim0"],
        d["static_v_list_dim1"], d["dynamic_index_mapping"], d["static_index_mapping"],
        (18, 6), (90, 6), ref.beam_center_x, ref.beam_center_y, ref.detector_distance_m,
        ref.pixel_size_m, ref.energy_kev,
    )  # fmt: skip
    s1 = saxs_1d(f.saxs_2d, qm.static_roi_map, qm.static_index_mapping, qm.static_q_list,
                 qm.static_phi_list, backend="numpy")
    sm = qm.static_index_mapping
    columns = np.asarray(s1.intensity)[sm % 6, sm // 6]  # back to stored column order
    k = qm.dynamic_index_mapping.size
    c2 = {col: np.eye(3) + col for col in (0, k // 2, k - 1)}
    out = xio.write_result_file(
        tmp_path / "made.hdf", metadata=f.metadata, qmap=qm, saxs_2d=f.saxs_2d, saxs_1d=columns,
        tau=f.tau, g2=f.g2, g2_err=f.g2_err, c2=c2,
    )  # fmt: skip
    with h5py.File(out, "r") as h5:  # labels of the processed bins: column + 1
        np.testing.assert_array_equal(h5["/xpcs/twotime/processed_bins"][()], [1, k // 2 + 1, k])
    g = xpcsviewer.open(out)
    np.testing.assert_array_equal(g.qmap.dynamic_roi_map, ref.dynamic_roi_map)
    np.testing.assert_array_equal(g.qmap.static_roi_map, ref.static_roi_map)
    np.testing.assert_allclose(g.dynamic_q, f.dynamic_q, rtol=1e-12)
    np.testing.assert_allclose(g.dynamic_phi, f.dynamic_phi, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(g.saxs_1d[1], f.saxs_1d[1], rtol=2e-6)
    assert g.c2_bins == tuple(sorted(c2))
    for col, m in c2.items():
        np.testing.assert_array_equal(g.c2(col).matrix, m)


def _drop_dynamic_label(src, dst, label: int) -> None:
    """Copy ``src`` and empty dynamic cell of ``label``: its pixels leave the partition, later
    labels move down by one, its column leaves g2 and index_mapping, processed_bins follow."""
    shutil.copyfile(src, dst)
    with h5py.File(dst, "a") as h5:
        def put(key, value):
            del h5[key]
            h5[key] = value

        roi = h5["/xpcs/qmap/dynamic_roi_map"][()].astype(np.int64)
        roi[roi == label] = 0
        roi[roi > label] -= 1
        put("/xpcs/qmap/dynamic_roi_map", roi.astype(np.uint32))
        put("/xpcs/qmap/dynamic_index_mapping",
            np.delete(h5["/xpcs/qmap/dynamic_index_mapping"][()], label - 1))
        for key in ("normalized_g2", "normalized_g2_err"):
            put(f"/xpcs/multitau/{key}", np.delete(h5[f"/xpcs/multitau/{key}"][()], label - 1, axis=1))
        bins = h5["/xpcs/twotime/processed_bins"][()]
        put("/xpcs/twotime/processed_bins", np.where(bins > label, bins - 1, bins))


def test_two_time_file_with_an_empty_cell_opens_with_the_right_maps(data_dir, tmp_path):
    """aging_b with dynamic cell 2 emptied (so labels 3..10 become 2..9 and processed_bins
    [4..8] become [3..7]): it opens, multi-tau g2 intact, each C2 on its own column."""
    src = data_dir / "aging_b_results.hdf"
    orig = xpcsviewer.open(src)
    _drop_dynamic_label(src, tmp_path / "aging_gap.hdf", 2)
    f = xpcsviewer.open(tmp_path / "aging_gap.hdf")
    assert f.n_bins == 9 and f.kinds == {"multitau", "twotime"}
    np.testing.assert_array_equal(f.g2, np.delete(orig.g2, 1, axis=1))
    np.testing.assert_array_equal(f.dynamic_q, np.delete(orig.dynamic_q, 1))
    # columns 3..7 of the original (labels 4..8) are columns 2..6 now
    assert orig.c2_bins == (3, 4, 5, 6, 7) and f.c2_bins == (2, 3, 4, 5, 6)
    for col in f.c2_bins:
        assert f.dynamic_q[col] == orig.dynamic_q[col + 1]
        np.testing.assert_array_equal(f.c2(col).matrix, orig.c2(col + 1).matrix)
    # and the cursor agrees: a pixel of new label 4 picks column 3, the map of old column 4
    row, column = np.argwhere(f.qmap.dynamic_roi_map == 4)[0]
    assert bin_at_pixel(f.qmap.dynamic_roi_map, f.qmap.dynamic_index_mapping, f.qmap.mask,
                        int(column), int(row)) == 3


def test_processed_bin_without_a_roi_is_refused(data_dir, tmp_path):
    dst = tmp_path / "too_far.hdf"
    shutil.copyfile(data_dir / "dstep_c_results.hdf", dst)
    with h5py.File(dst, "a") as h5:
        del h5["/xpcs/twotime/processed_bins"]
        h5["/xpcs/twotime/processed_bins"] = np.array([2, 3, 9])  # 8 dynamic rois
    with pytest.raises(xio.XpcsFormatError, match=r"processed_bins lists roi 9.*1\.\.8") as info:
        xpcsviewer.open(dst)
    assert dst.name in str(info.value)


def test_writer_refuses_grid_index_labels(data_dir, tmp_path):
    """Labels numbered by grid index (the old way) on phi_c's partition cannot be written."""
    f = xpcsviewer.open(data_dir / "phi_c_results.hdf")
    qm = f.qmap
    roi = qm.dynamic_roi_map
    grid_labels = np.where(roi > 0, qm.dynamic_index_mapping[np.maximum(roi, 1) - 1] + 1, 0)
    bad = xio.QMap(qm.mask, grid_labels, *[getattr(qm, k) for k in (
        "static_roi_map", "dynamic_q_list", "dynamic_phi_list", "static_q_list", "static_phi_list",
        "dynamic_index_mapping", "static_index_mapping", "dynamic_num_pts", "static_num_pts",
        "beam_center_x", "beam_center_y", "detector_distance_m", "pixel_size_m", "energy_kev")])
    with pytest.raises(ValueError, match="labels must be compact"):
        xio.write_result_file(tmp_path / "bad.hdf", metadata=f.metadata, qmap=bad,
                              saxs_2d=f.saxs_2d, saxs_1d=f.saxs_1d[1], tau=f.tau, g2=f.g2,
                              g2_err=f.g2_err)
    assert not (tmp_path / "bad.hdf").exists()
