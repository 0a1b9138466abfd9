"""Delay buckets of the batched fit: long delay lists (two-time windows, one delay per frame
lag) share a compiled solver across C2 sizes, and the padding changes no fitted value."""

from __future__ import annotations

import numpy as np

import xpcsviewer as xv
from xpcsviewer.fitting import _kernel_cache, _prepare


def _windows(n_frames: int, seed: int = 0):
    """A stand-in file of 4 'age windows': g2 = 1 + 0.2 exp(-2 t / tau) sampled per lag."""
    from types import SimpleNamespace

    rng = np.random.default_rng(seed)
    t = np.arange(1, n_frames) * 1e-3
    taus = np.array([0.05, 0.08, 0.12, 0.2])
    g2 = 1 + 0.2 * np.exp(-2 * t[:, None] / taus) + rng.normal(0, 2e-3, (t.size, 4))
    return SimpleNamespace(tau=t, g2=g2, g2_err=np.full_like(g2, 2e-3), dynamic_q=np.full(4, 0.003),
                           path=f"windows_{n_frames}")


def test_two_c2_sizes_in_one_bucket_share_one_solver_and_padding_changes_nothing(monkeypatch):
    assert _prepare._delay_bucket(48) == 48 and _prepare._delay_bucket(900) == 1024
    assert _prepare._delay_bucket(1000) == _prepare._delay_bucket(1020) == 1024
    a, b = _windows(900), _windows(1000, seed=1)
    fit_a = xv.fit_g2(a, backend="jax")
    programs = set(_kernel_cache._loaded)  # one per (solver, bucketed shapes)
    fit_b = xv.fit_g2(b, backend="jax")
    assert set(_kernel_cache._loaded) == programs  # b (another C2 size) reused a's solver
    # The same fits padded only to a multiple of 16 (the old rule) agree to the solver's rtol.
    monkeypatch.setattr(_prepare, "_delay_bucket", lambda n: max(16, -(-n // 16) * 16))
    for f, fit in ((a, fit_a), (b, fit_b)):
        tight = xv.fit_g2(f, backend="jax")
        np.testing.assert_allclose(fit.values, tight.values, rtol=5e-8)
        assert fit.status == tight.status
        np.testing.assert_allclose(fit.param("tau")[0], [0.05, 0.08, 0.12, 0.2], rtol=0.05)
