"""Q-map and partitions: backend parity, compile caching, round trip of the stored /xpcs/qmap."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import cached_kernels, compute_qmap, make_partition, make_partitions

FILES = [
    "brownian_a_results.hdf", "aging_b_results.hdf", "phi_c_results.hdf", "dstep_c_results.hdf",
]


def _stored_qmap(path):
    with h5py.File(path, "r") as f:
        return {k: v[()] for k, v in f["xpcs/qmap"].items()}


def _geometry(st):
    return (
        st["energy"],
        st["detector_distance"],
        st["pixel_size"],
        st["beam_center_x"],
        st["beam_center_y"],
        st["mask"].shape,
    )


@pytest.fixture(params=["jax", "numpy"])
def backend(request):
    return get_backend(request.param)


def test_qmap_parity_and_conventions():
    args = (10.0, 4.0, 75e-6, 53.76, 70.4, (128, 96))
    jx = compute_qmap(*args, backend=get_backend("jax"))
    npy = compute_qmap(*args, backend=get_backend("numpy"))
    for a, c in zip((jx.q, jx.phi, jx.qx, jx.qy), (npy.q, npy.phi, npy.qx, npy.qy), strict=True):
        assert np.asarray(a).dtype == np.float64 and c.dtype == np.float64
        np.testing.assert_allclose(np.asarray(a), c, rtol=1e-10, atol=1e-12 * np.abs(c).max())
    # x is the column axis, phi counter-clockwise with row 0 at the top.
    q, phi = npy.q, npy.phi
    assert phi[70, 90] == pytest.approx(0.0, abs=1.0)  # right of the centre, same row
    assert phi[10, 54] == pytest.approx(90.0, abs=1.0)  # above the centre (smaller row)
    assert phi[120, 54] == pytest.approx(-90.0, abs=1.0)
    k0 = 2 * np.pi * 10.0 / 12.39841984
    r = np.hypot(90 - 53.76, 70 - 70.4) * 75e-6
    assert q[70, 90] == pytest.approx(2 * k0 * np.sin(np.arctan(r / 4.0) / 2), rel=1e-14)
    np.testing.assert_allclose(np.hypot(npy.qx, npy.qy), q, rtol=1e-12)


def test_qmap_compiles_once_per_pixel_bucket():
    b = get_backend("jax")
    compute_qmap(10.0, 4.0, 75e-6, 5.0, 6.0, (40, 30), backend=b)
    n = cached_kernels("qmap")
    compute_qmap(8.0, 5.0, 55e-6, 7.5, 1.0, (40, 30), backend=b)  # new geometry, same shape
    assert cached_kernels("qmap") == n
    compute_qmap(8.0, 5.0, 55e-6, 7.5, 1.0, (41, 30), backend=b)  # 1230 pixels, bucket 1280
    compute_qmap(8.0, 5.0, 55e-6, 7.5, 1.0, (20, 63), backend=b)  # 1260: the same bucket
    assert cached_kernels("qmap") == n
    # 100,233 pixels, bucket 106,496 (a size no other test uses): one new program
    compute_qmap(8.0, 5.0, 55e-6, 7.5, 1.0, (333, 301), backend=b)
    assert cached_kernels("qmap") == n + 1


@pytest.mark.parametrize("name", FILES)
def test_partition_round_trip_of_stored_qmap(data_dir, backend, name):
    st = _stored_qmap(data_dir / name)
    qm = compute_qmap(*_geometry(st), backend=backend)
    parts = make_partitions(
        qm,
        st["mask"],
        dynamic=tuple(st["dynamic_num_pts"]),
        static=tuple(st["static_num_pts"]),
        backend=backend,
    )
    got = parts.to_qmap_dict()
    for kind in ("dynamic", "static"):
        # Compact labels, as pySimpleMask writes them: the stored maps, pixel for pixel.
        np.testing.assert_array_equal(got[f"{kind}_roi_map"], st[f"{kind}_roi_map"])
        np.testing.assert_allclose(got[f"{kind}_v_list_dim0"], st[f"{kind}_v_list_dim0"], rtol=1e-9)
        np.testing.assert_allclose(got[f"{kind}_v_list_dim1"], st[f"{kind}_v_list_dim1"], atol=1e-9)
        np.testing.assert_array_equal(got[f"{kind}_index_mapping"], st[f"{kind}_index_mapping"])
        np.testing.assert_array_equal(got[f"{kind}_num_pts"], st[f"{kind}_num_pts"])
    np.testing.assert_array_equal(got["mask"], st["mask"])


def _both(fn):
    return fn(get_backend("jax")), fn(get_backend("numpy"))


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_partition_phi_fold_offset_parity(scale):
    def run(b):
        qm = compute_qmap(10.0, 4.0, 75e-6, 40.3, 35.7, (80, 90), backend=b)
        mask = np.ones((80, 90), bool)
        mask[30:40, 35:45] = False
        return make_partition(
            qm.q,
            qm.phi,
            mask,
            6,
            4,
            scale=scale,
            phi_offset=30.0,
            symmetry_fold=2,
            q_range=(0.002, 0.008),
            backend=b,
        ), qm

    (pj, _), (pn, qm) = _both(run)
    np.testing.assert_array_equal(np.asarray(pj.roi_map), pn.roi_map)
    for f in ("q_values", "phi_values", "q_edges", "phi_edges"):
        np.testing.assert_allclose(np.asarray(getattr(pj, f)), getattr(pn, f), rtol=1e-10)
    np.testing.assert_array_equal(np.asarray(pj.counts), pn.counts)
    np.testing.assert_array_equal(np.asarray(pj.index_mapping), pn.index_mapping)
    roi = pn.roi_map
    inside = roi > 0
    assert pn.counts.sum() == inside.sum()
    assert qm.q[inside].min() >= 0.002 and qm.q[inside].max() <= 0.008
    # Compact labels: label r is grid cell index_mapping[r - 1].
    cell = pn.index_mapping[roi[inside] - 1]
    # Fold 2: opposite pixels (phi and phi + 180) share a roi.
    iphi = cell % 4
    phi = qm.phi[inside]
    rel = np.mod(phi - 30.0 + 90.0, 180.0)
    np.testing.assert_array_equal(iphi, np.clip(np.floor(rel / 45.0), 0, 3).astype(int))
    np.testing.assert_allclose(pn.phi_values, [-37.5, 7.5, 52.5, 97.5])
    if scale == "log":
        np.testing.assert_allclose(np.diff(np.log(pn.q_edges)), np.log(4.0) / 6, rtol=1e-12)


def test_backend_may_be_named_as_in_fit_g2():
    geometry = dict(energy_kev=10.0, distance_m=4.0, pixel_size_m=75e-6, beam_center_x=10.0,
                    beam_center_y=12.0, shape=(24, 20))
    by_name = compute_qmap(**geometry, backend="numpy")
    by_object = compute_qmap(**geometry, backend=get_backend("numpy"))
    np.testing.assert_array_equal(by_name.q, by_object.q)
