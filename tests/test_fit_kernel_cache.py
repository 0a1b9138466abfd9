"""The on-disk export cache of the least-squares solver gives the uncached solver's results.

A new process with an empty cache folder exports the solver; a second new process loads it
from disk without tracing. Both must give what an in-process fit through plain ``jax.jit``
gives, to 1e-8 (the exported program is the same StableHLO). The cache's own rules (keys,
corrupt files, no folder) are checked on a small LAPACK-using kernel, which is cheap to trace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.fitting import _kernel_cache, _lsq_jax, fit_g2, start_warm_up, warm_up

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("values", "errors", "chi2_red", "n_steps")

_CHILD = """
import json, sys
import numpy as np
import xpcsviewer
from xpcsviewer.backends import enable_compilation_cache, set_backend
from xpcsviewer.fitting import fit_g2
from xpcsviewer.fitting._kernel_cache import cache_stats
FIELDS = json.loads(sys.argv[3])
set_backend("jax")
enable_compilation_cache()
fit = fit_g2(xpcsviewer.open(sys.argv[1]), model=sys.argv[2], backend="jax")
out = {k: np.asarray(getattr(fit, k)).tolist() for k in FIELDS}
out["status"] = [s.value for s in fit.status]
out["stats"] = cache_stats()
out["modules"] = sorted(sys.modules)
print(json.dumps(out))
"""


def _child_fit(cache: Path, path: Path, model: str) -> dict:
    env = dict(os.environ, XPCS_JAX_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), model, json.dumps(FIELDS)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _uncached(monkeypatch, *args, **kwargs):
    # The slow path exactly: the solver's own jax.jit, no export, no disk.
    monkeypatch.setattr(_lsq_jax, "cached_call", lambda name, static, build, a: build()(*a))
    return fit_g2(*args, backend="jax", **kwargs)


def _assert_same(child: dict, ref) -> None:
    for k in FIELDS:
        np.testing.assert_allclose(np.asarray(child[k], dtype=float),
                                   np.asarray(getattr(ref, k), dtype=float),
                                   rtol=1e-8, atol=0, equal_nan=True, err_msg=k)
    assert child["status"] == [s.value for s in ref.status]


def test_new_process_cold_then_warm_equals_uncached_fit(tmp_path, data_dir, monkeypatch):
    path = data_dir / "brownian_a_results.hdf"
    cold = _child_fit(tmp_path, path, "stretched")
    warm = _child_fit(tmp_path, path, "stretched")
    # Cold traced and wrote the artifacts (the stretched fit starts from a single-exponential
    # fit of the same rows: two programs); warm read them back and traced nothing.
    assert cold["stats"] == {"loaded": 0, "exported": 2, "uncached": 0}
    assert warm["stats"] == {"loaded": 2, "exported": 0, "uncached": 0}
    assert len(list((tmp_path / "xpcs_exported").glob("lsq_jax-*.jaxexport"))) == 2
    # The fast path needs only jax and the deserialised programs: nothing that traces the
    # solver (optimistix and its stack), no sampler, no compute package, no Qt or plotting.
    assert "optimistix" in cold["modules"]
    heavy = ("optimistix", "equinox", "lineax", "numpyro", "interpax", "matplotlib",
             "PySide6", "pyqtgraph", "xpcsviewer.compute", "xpcsviewer.fitting._nuts",
             "xpcsviewer.fitting._svi", "xpcsviewer.fitting._aging", "xpcsviewer.qmap_make")
    assert [m for m in heavy if m in warm["modules"]] == []
    ref = _uncached(monkeypatch, xpcsviewer.open(path), model="stretched")
    _assert_same(cold, ref)
    _assert_same(warm, ref)


def _eigvals_kernel():
    import jax
    import jax.numpy as jnp

    # eigh is a LAPACK custom call on CPU, as the solver's pinv is.
    return jax.jit(lambda a, s: jnp.linalg.eigvalsh(a @ a.swapaxes(-1, -2)) * s)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(_kernel_cache, "export_dir", lambda: tmp_path)
    monkeypatch.setattr(_kernel_cache, "_loaded", {})
    monkeypatch.setattr(_kernel_cache, "_via_export", set())
    monkeypatch.setattr(_kernel_cache, "_stats", {"loaded": 0, "exported": 0, "uncached": 0})
    return tmp_path


def _call(static=("k",), shape=(3, 4, 4)):
    rng = np.random.default_rng(0)
    args = (rng.normal(size=shape), np.float64(2.0))
    out = _kernel_cache.cached_call("test_eig", static, _eigvals_kernel, args)
    return np.asarray(out), np.asarray(_eigvals_kernel()(*args))


def test_artifact_written_then_loaded_with_the_same_values(fresh_cache, monkeypatch):
    got, want = _call()
    assert _kernel_cache.cache_stats()["exported"] == 1
    np.testing.assert_array_equal(got, want)
    monkeypatch.setattr(_kernel_cache, "_loaded", {})  # as a new process would be
    got, want = _call()
    assert _kernel_cache.cache_stats() == {"loaded": 1, "exported": 1, "uncached": 0}
    np.testing.assert_array_equal(got, want)


def test_static_arguments_and_shapes_are_part_of_the_key(fresh_cache):
    _call(static=("a",))
    _call(static=("b",))
    _call(static=("a",), shape=(5, 4, 4))
    _call(static=("a",))  # same as the first: no new artifact
    assert len(list(fresh_cache.glob("test_eig-*.jaxexport"))) == 3
    assert _kernel_cache.cache_stats()["exported"] == 3


def test_corrupt_artifact_is_exported_again(fresh_cache, monkeypatch):
    _call()
    (artifact,) = fresh_cache.glob("test_eig-*.jaxexport")
    artifact.write_bytes(b"not an export")
    monkeypatch.setattr(_kernel_cache, "_loaded", {})
    got, want = _call()
    np.testing.assert_array_equal(got, want)
    assert _kernel_cache.cache_stats()["exported"] == 2
    assert artifact.stat().st_size > 100


def test_artifact_that_will_not_run_falls_back_to_the_jit(fresh_cache, monkeypatch):
    def broken(*args):
        raise RuntimeError("exported for another device")

    monkeypatch.setattr(_kernel_cache, "_load_or_export", lambda key, build, args: (broken, True))
    got, want = _call()
    np.testing.assert_array_equal(got, want)
    assert _kernel_cache.cache_stats()["uncached"] == 1
    got, want = _call()  # the jitted function is kept: no second failure
    assert _kernel_cache.cache_stats()["uncached"] == 1


def test_no_cache_folder_runs_the_plain_jit(monkeypatch):
    monkeypatch.setattr(_kernel_cache, "export_dir", lambda: None)
    monkeypatch.setattr(_kernel_cache, "_loaded", {})
    monkeypatch.setattr(_kernel_cache, "_stats", {"loaded": 0, "exported": 0, "uncached": 0})
    got, want = _call()
    np.testing.assert_array_equal(got, want)
    assert _kernel_cache.cache_stats() == {"loaded": 0, "exported": 0, "uncached": 1}


def test_warm_up_builds_the_program_a_real_fit_then_uses(fresh_cache, data_dir, monkeypatch):
    from xpcsviewer.backends import set_backend

    set_backend("jax")
    spent = warm_up(models=("single",), buckets=((32, 48),))
    assert list(spent) == [("single", 32, 48)]
    keys = set(_kernel_cache._loaded)
    # brownian_a: 12 bins x 48 delays pads to the 32 x 48 bucket: no new program.
    fit = fit_g2(xpcsviewer.open(data_dir / "brownian_a_results.hdf"), model="single")
    assert set(_kernel_cache._loaded) == keys
    assert _kernel_cache.cache_stats() == {"loaded": 0, "exported": 1, "uncached": 0}
    ref = _uncached(monkeypatch, xpcsviewer.open(data_dir / "brownian_a_results.hdf"),
                    model="single")
    for k in FIELDS:
        np.testing.assert_allclose(getattr(fit, k), getattr(ref, k), rtol=1e-8, equal_nan=True)


def test_warm_up_does_nothing_on_the_numpy_backend():
    from xpcsviewer.backends import set_backend

    set_backend("numpy")
    assert warm_up(models=("single",), buckets=((32, 48),)) == {}
    thread = start_warm_up(models=("single",), buckets=((32, 48),))
    thread.join(timeout=60)
    assert thread.daemon and not thread.is_alive()
