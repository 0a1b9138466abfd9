"""SAXS-1D: reproduction of the stored scattering_1d on every shipped file (compact roi
numbering, empty cells), NaN-aware means, options, backend parity."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import compute_qmap, make_partition, saxs_1d

FILES = ["brownian_a", "aging_b", "phi_c", "dstep_c"]


@pytest.fixture(params=["jax", "numpy"])
def backend(request):
    return get_backend(request.param)


def _stored(data_dir, name):
    with h5py.File(data_dir / f"{name}_results.hdf", "r") as f:
        s2 = f["xpcs/temporal_mean/scattering_2d"][()]
        s1 = f["xpcs/temporal_mean/scattering_1d"][0]
        qm = {k: f[f"xpcs/qmap/static_{k}"][()] for k in
              ("roi_map", "index_mapping", "v_list_dim0", "v_list_dim1", "num_pts")}
    return s2, s1, qm


def _column_cells(qm):
    """(iphi, iq) of each stored column, from its grid index."""
    idx, n_phi = qm["index_mapping"], int(qm["num_pts"][1])
    return idx % n_phi, idx // n_phi


@pytest.mark.parametrize("name", FILES)
def test_reproduces_stored_scattering_1d_column_by_column(data_dir, backend, name):
    s2, s1, qm = _stored(data_dir, name)
    out = saxs_1d(s2, qm["roi_map"], qm["index_mapping"], qm["v_list_dim0"], qm["v_list_dim1"],
                  backend=backend)
    got, counts = np.asarray(out.intensity), np.asarray(out.counts)
    n_q, n_phi = qm["num_pts"]
    assert got.shape == counts.shape == (n_phi, n_q) and got.dtype == np.float64
    iphi, iq = _column_cells(qm)
    # column c (label c + 1) lands in its own (q, phi) cell: the stored value, to float32
    np.testing.assert_allclose(got[iphi, iq], s1, rtol=1e-6, atol=1e-7)
    pixels = np.bincount(qm["roi_map"].ravel(), minlength=qm["index_mapping"].size + 1)[1:]
    np.testing.assert_array_equal(counts[iphi, iq], pixels)
    empty = np.ones((n_phi, n_q), bool)
    empty[iphi, iq] = False
    assert np.isnan(got[empty]).all() and (counts[empty] == 0).all()
    if name == "phi_c":  # 540 cells, 291 with pixels
        assert empty.sum() == 540 - 291


def test_nan_and_inf_pixels_are_left_out(data_dir, backend):
    s2, _, qm = _stored(data_dir, "phi_c")
    img = s2[0].astype(np.float64)
    roi = qm["roi_map"]
    rng = np.random.default_rng(3)
    bad = np.zeros(img.shape, bool)
    bad.flat[rng.choice(img.size, 400, replace=False)] = True
    label = int(roi[roi > 0][0])
    bad |= roi == label  # one whole roi dead: it has no finite pixel left
    poisoned = img.copy()
    poisoned[bad] = np.where(rng.random(bad.sum()) < 0.5, np.nan, np.inf)
    out = saxs_1d(poisoned, roi, qm["index_mapping"], qm["v_list_dim0"], qm["v_list_dim1"],
                  backend=backend)
    got, counts = np.asarray(out.intensity), np.asarray(out.counts)
    iphi, iq = _column_cells(qm)
    for col in range(qm["index_mapping"].size):
        use = (roi == col + 1) & ~bad
        assert counts[iphi[col], iq[col]] == use.sum()
        if use.any():
            assert got[iphi[col], iq[col]] == pytest.approx(img[use].mean(), rel=1e-12)
        else:
            assert np.isnan(got[iphi[col], iq[col]])
    assert np.isnan(got[iphi[label - 1], iq[label - 1]])


def _corner_detector():
    """128 x 128, beam centre near a corner, 6 q x 8 phi: most phi cells are empty."""
    qm = compute_qmap(10.0, 4.0, 75e-6, 3.5, 124.0, (128, 128), backend=get_backend("numpy"))
    part = make_partition(qm.q, qm.phi, np.ones((128, 128)), 6, 8, backend=get_backend("numpy"))
    return qm, part


def test_corner_beam_puts_every_cell_in_place(backend):
    qm, part = _corner_detector()
    q, phi = np.asarray(qm.q), np.asarray(qm.phi)
    # The cell of each pixel, found from its q and phi without the roi map.
    iq = np.clip(np.floor((q - q.min()) / (q.max() - q.min()) * 6), 0, 5).astype(int)
    rel = np.mod(phi + 180.0, 360.0)
    iphi = np.clip(np.floor(rel / 45.0), 0, 7).astype(int)
    image = 100.0 * iq + iphi + 0.01 * np.random.default_rng(0).random(q.shape)
    out = saxs_1d(image, part.roi_map, part.index_mapping, part.q_values, part.phi_values,
                  backend=backend)
    got, counts = np.asarray(out.intensity), np.asarray(out.counts)
    occupied = 0
    for a in range(6):
        for p in range(8):
            sel = (iq == a) & (iphi == p)
            assert counts[p, a] == sel.sum()
            if sel.any():
                occupied += 1
                assert got[p, a] == pytest.approx(image[sel].mean(), rel=1e-12)
            else:
                assert np.isnan(got[p, a])
    assert occupied == np.asarray(part.index_mapping).size
    assert 48 - occupied >= 20  # the case needs many empty cells
    labels = np.asarray(part.roi_map)
    assert set(np.unique(labels).tolist()) - {0} == set(range(1, occupied + 1))


def test_label_without_column_is_refused(backend):
    _, part = _corner_detector()
    roi = np.asarray(part.roi_map).copy()
    mapping = np.asarray(part.index_mapping)
    with pytest.raises(ValueError, match="label"):
        saxs_1d(np.ones(roi.shape), roi, mapping[:-1], part.q_values, part.phi_values,
                backend=backend)
    with pytest.raises(ValueError, match="index_mapping"):
        saxs_1d(np.ones(roi.shape), roi, mapping + 48, part.q_values, part.phi_values,
                backend=backend)


def _case(b, **kw):
    rng = np.random.default_rng(1)
    qm = compute_qmap(10.0, 4.0, 75e-6, 30.2, 20.9, (50, 64), backend=get_backend("numpy"))
    part = make_partition(qm.q, qm.phi, np.ones((50, 64)), 10, 3, backend=get_backend("numpy"))
    img = rng.poisson(5.0, (50, 64)).astype(float)
    out = saxs_1d(img, part.roi_map, part.index_mapping, part.q_values, part.phi_values,
                  backend=b, **kw)
    return out, img, part


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"normalization": "q2"},
        {"normalization": "q4", "q_range": (0.002, 0.006)},
        {"normalization": "max"},
        {"background_2d": np.full((50, 64), 0.5), "background_scale": 2.0},
    ],
)
def test_options_backend_parity(kw):
    (oj, _, _), (on, img, part) = _case(get_backend("jax"), **kw), _case(get_backend("numpy"), **kw)
    np.testing.assert_allclose(np.asarray(oj.intensity), on.intensity, rtol=1e-10)
    np.testing.assert_array_equal(np.asarray(oj.counts), on.counts)
    np.testing.assert_allclose(np.asarray(oj.q), on.q, rtol=1e-10)
    assert on.intensity.shape == (3, on.q.shape[0])
    if not kw:  # phi-resolved means are plain pixel means of each (q, phi) cell
        roi, mapping = part.roi_map, np.asarray(part.index_mapping)
        for iq in (0, 5):
            for iphi in range(3):
                (col,) = np.flatnonzero(mapping == iq * 3 + iphi)
                sel = roi == col + 1
                assert on.intensity[iphi, iq] == pytest.approx(img[sel].mean(), rel=1e-12)
    if "background_2d" in kw:
        base = _case(get_backend("numpy"))[0]
        np.testing.assert_allclose(on.intensity, base.intensity - 1.0, rtol=1e-12)
        assert on.background_subtracted
    if kw.get("q_range"):
        assert on.q.min() >= 0.002 and on.q.max() <= 0.006
    if kw.get("normalization") == "max":
        assert np.nanmax(on.intensity) == pytest.approx(1.0)
