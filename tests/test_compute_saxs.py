"""SAXS-1D: reproduction of the stored scattering_1d, options, backend parity."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from xpcsviewer.backends import get_backend
from xpcsviewer.compute import compute_qmap, make_partition, saxs_1d


@pytest.fixture(params=["jax", "numpy"])
def backend(request):
    return get_backend(request.param)


@pytest.mark.parametrize("name", ["brownian_a_results.hdf", "aging_b_results.hdf"])
def test_reproduces_stored_scattering_1d(data_dir, backend, name):
    with h5py.File(data_dir / name, "r") as f:
        s2 = f["xpcs/temporal_mean/scattering_2d"][()]
        s1 = f["xpcs/temporal_mean/scattering_1d"][0]
        roi = f["xpcs/qmap/static_roi_map"][()]
        qv = f["xpcs/qmap/static_v_list_dim0"][()]
        pv = f["xpcs/qmap/static_v_list_dim1"][()]
    out = saxs_1d(s2, roi, qv, pv, backend=backend)
    got = np.asarray(out.intensity)
    assert got.shape == (1, qv.size) and got.dtype == np.float64
    np.testing.assert_allclose(got[0], s1, rtol=1e-6)  # stored as float32
    assert np.asarray(out.counts).sum() == (roi > 0).sum()


def _case(b, **kw):
    rng = np.random.default_rng(1)
    qm = compute_qmap(10.0, 4.0, 75e-6, 30.2, 20.9, (50, 64), backend=get_backend("numpy"))
    part = make_partition(qm.q, qm.phi, np.ones((50, 64)), 10, 3, backend=get_backend("numpy"))
    img = rng.poisson(5.0, (50, 64)).astype(float)
    return saxs_1d(img, part.roi_map, part.q_values, part.phi_values, backend=b, **kw), img, part


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
    np.testing.assert_allclose(np.asarray(oj.q), on.q, rtol=1e-10)
    assert on.intensity.shape == (3, on.q.shape[0])
    if not kw:  # phi-resolved means are plain pixel means of each roi
        roi = part.roi_map
        for iq in (0, 5):
            for iphi in range(3):
                sel = roi == iq * 3 + iphi + 1
                assert on.intensity[iphi, iq] == pytest.approx(img[sel].mean(), rel=1e-12)
    if "background_2d" in kw:
        base = _case(get_backend("numpy"))[0]
        np.testing.assert_allclose(on.intensity, base.intensity - 1.0, rtol=1e-12)
        assert on.background_subtracted
    if kw.get("q_range"):
        assert on.q.min() >= 0.002 and on.q.max() <= 0.006
    if kw.get("normalization") == "max":
        assert np.nanmax(on.intensity) == pytest.approx(1.0)
