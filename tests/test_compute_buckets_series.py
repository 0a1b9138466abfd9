"""The Q-map's and the partition's buckets (by pixel count), and the power spectrum and
stability table computed on the host for every backend: bucketed results equal every exact
shape's own program, on both backends; nothing compiles per trace length or segment table
(docs/performance.md)."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer.io as xio
from xpcsviewer.backends import get_backend
from xpcsviewer.compute import (
    _kernels,
    cached_kernels,
    compute_qmap,
    make_partition,
    make_partitions,
    power_spectrum,
    saxs_stability,
)

BACKENDS = ["numpy", "jax"]
GEOM = (10.0, 4.0, 75e-6)


def _np(b, x):
    return np.asarray(b.to_numpy(x))


def _both(monkeypatch, fn, *args, **kwargs):
    on = fn(*args, **kwargs)
    monkeypatch.setattr(_kernels, "BUCKETING", False)
    off = fn(*args, **kwargs)
    monkeypatch.setattr(_kernels, "BUCKETING", True)
    return on, off


def _equal(b, on, off):
    for x, y in zip(on, off, strict=True):
        x, y = _np(b, x), _np(b, y)
        assert x.shape == y.shape and x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", BACKENDS)
def test_qmap_bucketed_equals_exact(name, data_dir, monkeypatch):
    b = get_backend(name)
    qmap = xio.open_file(data_dir / "phi_c_results.hdf").qmap
    stored = np.asarray(qmap.dynamic_roi_map).shape
    for shape, centre in ((stored, (20.5, 170.25)), ((150, 171), (75.0, -3.5)), ((7, 300), (150, 3))):
        on, off = _both(monkeypatch, compute_qmap, *GEOM, *centre, shape, backend=b)
        _equal(b, (on.q, on.phi, on.qx, on.qy), (off.q, off.phi, off.qx, off.qy))
        assert on.shape == shape
    # and the maps are the geometry's: q of a pixel 30 columns right of the centre
    m = compute_qmap(*GEOM, 10.0, 20.0, (40, 60), backend=b)
    k0 = 2 * np.pi * GEOM[0] / 12.39841984
    want = 2 * k0 * np.sin(0.5 * np.arctan(30 * GEOM[2] / GEOM[1]))
    assert _np(b, m.q)[20, 40] == pytest.approx(want, rel=1e-12)
    assert _np(b, m.phi)[20, 40] == 0.0 and _np(b, m.phi)[10, 20] == pytest.approx(45.0)


@pytest.mark.parametrize("name", BACKENDS)
def test_partition_bucketed_equals_exact(name, data_dir, monkeypatch):
    b = get_backend(name)
    qmap = xio.open_file(data_dir / "phi_c_results.hdf").qmap
    mask = np.asarray(qmap.mask) != 0
    ny, nx = mask.shape
    m = compute_qmap(*GEOM, 20.5, 170.25, (ny, nx), backend=b)
    for rows, cols in ((ny, nx), (150, 171), (ny, 97)):
        q, phi, keep = (np.asarray(b.to_numpy(a))[:rows, :cols] for a in (m.q, m.phi, mask))
        for kwargs in ({}, {"scale": "log", "symmetry_fold": 2, "phi_span": "valid"},
                       {"q_range": (0.002, 0.02), "phi_offset": 10.0}):
            on, off = _both(monkeypatch, make_partition, q, phi, keep, 18, 6, backend=b, **kwargs)
            _equal(b, (on.roi_map, on.counts, on.index_mapping, on.q_edges, on.q_values,
                       on.phi_edges, on.phi_values),
                   (off.roi_map, off.counts, off.index_mapping, off.q_edges, off.q_values,
                    off.phi_edges, off.phi_values))
            roi = _np(b, on.roi_map)
            assert roi.shape == (rows, cols) and roi[~keep].max() == 0  # masked: no label
            assert _np(b, on.counts).sum() == np.count_nonzero(roi)


def test_bin_counts_in_one_bucket_share_a_program_and_equal_numpy(monkeypatch):
    """A new n_q or n_phi (the Mask tab's spin boxes) reuses the program of its bucket (n_q
    17 and 30 -> 32, n_phi 5 and 6 -> 16); labels, counts and cells are the exact program's
    and the NumPy backend's, and the edges NumPy's bit for bit (made on the host for both)."""
    jx, npb = get_backend("jax"), get_backend("numpy")
    m = compute_qmap(*GEOM, 60.5, -20.0, (150, 171), backend=npb)
    q, phi = np.asarray(m.q), np.asarray(m.phi)
    mask = np.random.default_rng(3).random(q.shape) > 0.05
    kw = {"scale": "log", "phi_span": "valid", "phi_offset": 12.5}
    before = cached_kernels("partition")
    parts = {dims: make_partition(q, phi, mask, *dims, backend=jx, **kw) for dims in ((17, 5), (30, 6))}
    assert cached_kernels("partition") - before <= 1  # one program (none if another test made it)
    fields = ("roi_map", "counts", "index_mapping", "q_edges", "q_values", "phi_edges", "phi_values")
    for dims, part in parts.items():
        ref = make_partition(q, phi, mask, *dims, backend=npb, **kw)
        _equal(jx, [getattr(part, f) for f in fields], [getattr(ref, f) for f in fields])
        assert _np(jx, part.counts).size == dims[0] * dims[1] and part.num_pts == dims
    monkeypatch.setattr(_kernels, "BUCKETING", False)
    exact = make_partition(q, phi, mask, 17, 5, backend=jx, **kw)
    _equal(jx, (exact.roi_map, exact.counts, exact.index_mapping),
           (parts[17, 5].roi_map, parts[17, 5].counts, parts[17, 5].index_mapping))


@pytest.mark.parametrize("name", BACKENDS)
def test_partitions_from_the_qmaps_padded_maps_equal_make_partition(name):
    """make_partitions reads the Q-map's own padded maps (no copy); the same partitions."""
    b = get_backend(name)
    m = compute_qmap(*GEOM, 60.5, -20.0, (150, 171), backend=b)
    assert (m.flat is not None) == b.supports_jit
    mask = np.ones((150, 171), bool)
    mask[:, :9] = False
    both = make_partitions(m, mask, dynamic=(9, 3), static=(40, 3), backend=b)
    for part, dims in ((both.dynamic, (9, 3)), (both.static, (40, 3))):
        alone = make_partition(m.q, m.phi, mask, *dims, backend=b)
        _equal(b, (part.roi_map, part.counts, part.index_mapping, part.q_edges, part.phi_edges),
               (alone.roi_map, alone.counts, alone.index_mapping, alone.q_edges, alone.phi_edges))


def test_stability_on_the_host_equals_numpy_for_every_backend(data_dir):
    f = xio.open_file(data_dir / "brownian_a_results.hdf")
    seg = np.array(f.saxs_1d_segments_normalised, dtype=np.float64)
    q = np.asarray(f.static_q, dtype=np.float64)
    seg[1, 5] = np.nan  # a missing value: out of the mean and of that segment's drift
    ref = np.nanmean(seg, axis=0) * 1.01
    jax_b, np_b = get_backend("jax"), get_backend("numpy")
    before = cached_kernels("stability")
    for rows, cols in ((seg.shape[0], seg.shape[1]), (5, 100), (3, 17)):
        s = seg[:rows, :cols]
        for kwargs in ({}, {"reference": ref[:cols]}, {"q": q[:cols], "q_range": (q[2], q[cols - 3])}):
            j, n = (saxs_stability(s, backend=b, **kwargs) for b in (jax_b, np_b))
            _equal(jax_b, (j.mean, j.reference, j.ratio, j.drift), (n.mean, n.reference, n.ratio, n.drift))
            assert j.max_drift == n.max_drift and j.worst_segment == n.worst_segment
            np.testing.assert_array_equal(j.n_q_used, n.n_q_used)
            # the drift is the RMS of (ratio - 1) over the finite, kept bins
            r = np.asarray(n.ratio)
            want = np.sqrt(np.nanmean((r - 1) ** 2, axis=1))
            np.testing.assert_allclose(np.asarray(n.drift), want, rtol=1e-12)
    assert cached_kernels("stability") == before  # nothing compiled


@pytest.mark.parametrize("n", [1000, 1001])
def test_power_spectrum_is_computed_on_the_host_for_every_backend(n):
    """No program per trace length: the JAX backend's spectrum is the NumPy one, and both are
    the periodogram of the trace (Parseval: the power sums to the variance)."""
    rng = np.random.default_rng(n)
    dt = 1e-3
    x = 5 + np.sin(2 * np.pi * 50 * np.arange(n) * dt) + 0.1 * rng.standard_normal(n)
    before = cached_kernels("psd")
    pj, pn = (power_spectrum(x, dt, backend=get_backend(name)) for name in ("jax", "numpy"))
    assert cached_kernels("psd") == before  # nothing compiled
    np.testing.assert_array_equal(np.asarray(pj.power), np.asarray(pn.power))
    np.testing.assert_array_equal(np.asarray(pj.frequency), np.fft.rfftfreq(n, dt))
    df = 1 / (n * dt)
    assert np.sum(np.asarray(pn.power)) * df == pytest.approx(np.var(x), rel=1e-12)
    assert np.asarray(pn.frequency)[np.argmax(np.asarray(pn.power))] == pytest.approx(50, abs=df)
