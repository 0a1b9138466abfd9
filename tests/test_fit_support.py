"""Shared helpers for the fitting tests (no tests here): data loading and cached fits.

Fits are cached with ``lru_cache`` rather than session fixtures so every test module shares
one compiled solver and one result, whichever module asks first.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

DATA = Path(__file__).parent / "data"
BROWNIAN = DATA / "brownian_a_results.hdf"


def _standin(path: Path) -> SimpleNamespace:
    """The four arrays fit_g2 needs, read straight from the NeXus layout with h5py."""
    import h5py

    with h5py.File(path, "r") as f:
        mt = f["/xpcs/multitau"]
        cfg = mt["config"]
        step = float(cfg["stride_frame"][()]) * float(cfg["avg_frame"][()])
        frame = float(f["/entry/instrument/detector_1/frame_time"][()])
        q_list = f["/xpcs/qmap/dynamic_v_list_dim0"][()]
        q = q_list[f["/xpcs/qmap/dynamic_index_mapping"][()]]
        return SimpleNamespace(
            tau=np.asarray(mt["delay_list"][()], dtype=float).ravel() * frame * step,
            g2=np.asarray(mt["normalized_g2"][()], dtype=float),
            g2_err=np.asarray(mt["normalized_g2_err"][()], dtype=float),
            dynamic_q=np.asarray(q, dtype=float),
            path=path,
        )


@functools.lru_cache(maxsize=4)
def load(path: Path = BROWNIAN):
    """The reader's XpcsFile once ``xpcsviewer.io`` exists, else an h5py stand-in."""
    if importlib.util.find_spec("xpcsviewer.io") is not None:
        import xpcsviewer

        return xpcsviewer.open(path)
    return _standin(path)


@functools.lru_cache(maxsize=2)
def truth(name: str = "brownian_a") -> dict:
    return json.loads((DATA / f"{name}_truth.json").read_text())


def copy_file(f, **changes) -> SimpleNamespace:
    """A writable in-memory copy of a file's fit inputs, with some arrays replaced."""
    fields = {
        "tau": np.array(f.tau, dtype=float),
        "g2": np.array(f.g2, dtype=float),
        "g2_err": np.array(f.g2_err, dtype=float),
        "dynamic_q": np.array(f.dynamic_q, dtype=float),
        "path": str(f.path),
    }
    fields.update(changes)
    return SimpleNamespace(**fields)


@functools.lru_cache(maxsize=8)
def brownian_fit(model: str = "single", backend: str = "jax"):
    from xpcsviewer.fitting import fit_g2

    return fit_g2(load(), model=model, backend=backend)


def synthetic(field_fn, *, n_bins: int = 12, noise: float = 1e-3, seed: int = 0) -> SimpleNamespace:
    """brownian_a's delay grid with g2 = 1 + 0.25 field(t, bin)^2 plus Gaussian noise."""
    t = np.array(load().tau, dtype=float)
    rng = np.random.default_rng(seed)
    g2 = np.stack([1.0 + 0.25 * field_fn(t, k) ** 2 for k in range(n_bins)], axis=1)
    g2 = g2 + noise * rng.standard_normal(g2.shape)
    return SimpleNamespace(
        tau=t,
        g2=g2,
        g2_err=np.full_like(g2, noise),
        dynamic_q=np.linspace(0.002, 0.009, n_bins),
        path=f"synthetic-{seed}",
    )
