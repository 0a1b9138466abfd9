"""Demo files open and carry the physics they were made with."""

from __future__ import annotations

import numpy as np

import xpcsviewer.io as xio
from xpcsviewer import demo


def test_make_is_deterministic_and_opens(tmp_path):
    paths = demo.make(tmp_path / "a")
    again = demo.make(tmp_path / "b")
    for p, q in zip(paths, again, strict=True):
        np.testing.assert_array_equal(xio.open_file(p).g2, xio.open_file(q).g2)
    kinds = [xio.open_file(p).kinds for p in paths]
    assert kinds == [{"multitau"}, {"multitau"}, {"multitau", "twotime"}]


def test_diffusion_g2_has_the_given_d_and_contrast(tmp_path):
    f1, f2 = (xio.open_file(p) for p in demo.make(tmp_path)[:2])
    assert f1.metadata.sample_name == f2.metadata.sample_name  # one sample, twice
    assert not np.array_equal(f1.g2, f2.g2)  # independent noise
    rate = 2 * demo.DIFFUSION_A2_S * f1.dynamic_q**2  # g2 decay rate, 1/s
    model = 1 + demo.CONTRAST * np.exp(-np.outer(f1.tau, rate))
    chi2 = np.mean(((f1.g2 - model) / f1.g2_err) ** 2)
    assert 0.7 < chi2 < 1.3
    assert np.allclose(f1.g2[:3].mean(axis=0)[:5] - 1, demo.CONTRAST, rtol=0.1)
    # decays with the given rate: at t = 1/rate g2 - 1 is contrast / e
    for col in (0, 3):
        at = np.interp(1 / rate[col], f1.tau, f1.g2[:, col] - 1)
        assert abs(at - demo.CONTRAST / np.e) < 0.03
    # SAXS, qmap and q lists agree
    assert f1.saxs_2d.shape == f1.qmap.shape == (128, 128)
    assert (f1.saxs_2d[~f1.qmap.mask] == 0).all()
    assert np.all(np.diff(f1.dynamic_q) > 0) and f1.saxs_1d_segments.shape == (10, 60)


def test_aging_twotime_slows_down(tmp_path):
    f = xio.open_file(demo.make(tmp_path)[2])
    assert f.c2_bins == (2, 4, 6, 8)
    c2 = f.c2(4)
    assert c2.matrix.shape == (400, 400) and np.array_equal(c2.matrix, c2.matrix.T)
    # decay over a fixed lag is faster early (D large) than late (aged)
    lag = 20
    diag = np.diagonal(c2.matrix, lag)
    assert diag[:50].mean() < diag[-50:].mean()
    s = demo.D0_AGING_A2_S * demo.T_AGE_S * np.log1p(c2.t / demo.T_AGE_S)
    model = 1 + demo.CONTRAST * np.exp(-2 * f.dynamic_q[4] ** 2 * (s[lag:] - s[:-lag]))
    assert np.abs(diag - model).mean() < 0.03


def test_default_folder_and_ensure_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("XPCS_DEMO_DIR", str(tmp_path / "demo"))
    assert demo.default_folder() == tmp_path / "demo"
    folder = demo.ensure_demo()
    assert sorted(p.name for p in folder.iterdir()) == sorted(demo.FILES)
    mtime = (folder / demo.FILES[0]).stat().st_mtime_ns
    assert demo.ensure_demo() == folder and (folder / demo.FILES[0]).stat().st_mtime_ns == mtime
    monkeypatch.delenv("XPCS_DEMO_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert demo.default_folder() == tmp_path / "cache" / "xpcsviewer" / "demo"
