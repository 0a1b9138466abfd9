"""Demo result files with known physics, in the APS-8IDI NeXus layout (Qt-free, seeded).

``make(folder)`` writes three files:

- ``demo_diffusion_1.hdf`` and ``demo_diffusion_2.hdf``: one Brownian sample measured twice
  (different noise), multi-tau only, for averaging. ``g2 = 1 + CONTRAST exp(-2 D q^2 t)``
  with ``D = DIFFUSION_A2_S`` Å²/s, over 10 q bins x 1 phi bin.
- ``demo_aging.hdf``: an aging sample, ``D(t) = D0 / (1 + t / T_AGE_S)``, multi-tau (the
  run average) and two-time maps (400 x 400) for four bins.

The g2 is analytic with noise whose size grows with delay as in a real run (fewer frame
pairs); SAXS-2D, SAXS-1D, segments, intensity trace and qmap match one geometry. Times in s,
q in 1/Å. ``ensure_demo()`` makes the files on first use in ``default_folder()``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .io import Metadata, QMap, write_result_file
from .io._records import HC_KEV_A

DIFFUSION_A2_S = 2.0e5  # Å²/s, Brownian sample
CONTRAST = 0.22
D0_AGING_A2_S = 3.0e5  # Å²/s at t = 0
T_AGE_S = 0.5
FILES = ("demo_diffusion_1.hdf", "demo_diffusion_2.hdf", "demo_aging.hdf")

_SHAPE = (128, 128)
_CENTER = (60.3, 66.7)  # beam centre, pixels (x, y)
_ENERGY_KEV, _DIST_M, _PIX_M = 10.0, 4.0, 75e-6
_N_Q, _N_STATIC = 10, 60


def _geometry() -> tuple[np.ndarray, np.ndarray]:
    """Pixel q (1/Å) and phi (deg, from +x) on the detector, ``(ny, nx)`` each."""
    y, x = np.indices(_SHAPE, dtype=np.float64)
    dx, dy = x - _CENTER[0], y - _CENTER[1]
    two_theta = np.arctan(np.hypot(dx, dy) * _PIX_M / _DIST_M)
    q = 4 * np.pi / (HC_KEV_A / _ENERGY_KEV) * np.sin(two_theta / 2)
    return q, np.degrees(np.arctan2(dy, dx))


def _partition(q: np.ndarray, mask: np.ndarray, n: int):
    """Roi map of ``n`` linear q bins in compact numbering (0 = excluded; the bins that hold
    pixels are labelled 1..K in order, as pySimpleMask does), the bin centres, and the index
    mapping (the bin of each label)."""
    edges = np.linspace(q[mask].min(), q[mask].max() * (1 + 1e-9), n + 1)
    grid = np.where(mask, np.digitize(q, edges), 0).astype(np.int64)  # bin + 1
    grid[grid > n] = 0
    occupied = np.flatnonzero(np.bincount(grid.ravel(), minlength=n + 1)[1:])
    relabel = np.zeros(n + 1, np.int64)
    relabel[occupied + 1] = np.arange(1, occupied.size + 1)
    return relabel[grid], 0.5 * (edges[:-1] + edges[1:]), occupied


def _qmap(q: np.ndarray) -> QMap:
    mask = (q > 1.2e-3) & (q < 9.5e-3)
    mask[:, 100:104] = False  # a detector gap, so the mask is not trivially a ring
    dyn, dq, dyn_index = _partition(q, mask, _N_Q)
    sta, sq, sta_index = _partition(q, mask, _N_STATIC)
    return QMap(
        mask, dyn, sta, dq, np.zeros(1), sq, np.zeros(1),
        dyn_index, sta_index, (_N_Q, 1), (_N_STATIC, 1),
        _CENTER[0], _CENTER[1], _DIST_M, _PIX_M, _ENERGY_KEV,
    )  # fmt: skip


def _metadata(sample: str, frame_time: float, start: str) -> Metadata:
    return Metadata(
        _ENERGY_KEV, HC_KEV_A / _ENERGY_KEV, _DIST_M, _PIX_M, _CENTER[0], _CENTER[1],
        frame_time, frame_time, sample, start, "demo (simulated)",
        f"/demo/raw/{sample}.h5", f"/demo/qmap/{sample}_qmap.hdf", _SHAPE, {},
    )  # fmt: skip


def _delays(n_frames: int) -> np.ndarray:
    """Multi-tau delays in frames: 1..8, then 4 per octave (10, 12, 14, 16, 20, ...)."""
    out, step, d = list(range(1, 9)), 2, 8
    while d + step < n_frames // 2:
        for _ in range(4):
            d += step
            out.append(d)
        step *= 2
    return np.asarray(out, dtype=np.float64)


def _saxs(q: np.ndarray, qm: QMap, rng, n_frames: int, n_seg: int, drift: float = 0.0):
    """SAXS-2D (photons/pixel/frame), SAXS-1D per static bin, segments, intensity trace."""
    model = 2.0 / (1 + (q / 0.004) ** 2) ** 2 + 0.01
    saxs_2d = rng.poisson(model * n_frames) / n_frames * qm.mask
    labels = qm.static_roi_map.ravel()  # compact: label r is column r - 1
    n_static = qm.static_index_mapping.size
    counts = np.bincount(labels, minlength=n_static + 1)[1:]
    per_bin = np.bincount(labels, saxs_2d.ravel(), minlength=n_static + 1)[1:]
    saxs_1d = per_bin / np.maximum(counts, 1)
    decline = 1 - drift * np.linspace(0, 1, n_seg)[:, None]  # beam damage, if any
    segments = saxs_1d * decline * (1 + 0.01 * rng.standard_normal((n_seg, n_static)))
    mean = float(saxs_2d[qm.mask].mean())
    trace = mean * (1 + 0.02 * rng.standard_normal(n_frames))
    return saxs_2d, saxs_1d, segments, trace


def _noisy_g2(rng, model_minus_1: np.ndarray, delays: np.ndarray, n_frames: int):
    """g2 and its error: noise grows as fewer frame pairs exist at long delay."""
    pairs = np.maximum(n_frames - delays, 1.0)[:, None]
    err = 0.02 * CONTRAST * np.sqrt(n_frames / pairs) * np.sqrt(1 + delays[:, None] / 200)
    g2 = 1 + model_minus_1 + err * rng.standard_normal(model_minus_1.shape)
    return g2, np.broadcast_to(err, g2.shape).copy()


def _diffusion(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    frame_time, n_frames = 1e-3, 5000
    q, _ = _geometry()
    qm = _qmap(q)
    delays = _delays(n_frames)
    tau = delays * frame_time
    q_col = qm.dynamic_q_list[qm.dynamic_index_mapping]  # q of each g2 column
    rate = 2 * DIFFUSION_A2_S * q_col**2  # g2 decay rate, 1/s
    g2, err = _noisy_g2(rng, CONTRAST * np.exp(-np.outer(tau, rate)), delays, n_frames)
    saxs_2d, saxs_1d, seg, trace = _saxs(q, qm, rng, n_frames, 10)
    meta = _metadata("demo_brownian", frame_time, f"2026-01-01T10:0{seed % 10}:00")
    return write_result_file(
        path, metadata=meta, qmap=qm, saxs_2d=saxs_2d, saxs_1d=saxs_1d,
        saxs_1d_segments=seg, intensity=trace, tau=tau, g2=g2, g2_err=err, overwrite=True,
    )  # fmt: skip


def _aging(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    frame_time, n_frames = 5e-3, 400
    q, _ = _geometry()
    qm = _qmap(q)
    t = np.arange(n_frames) * frame_time
    # integral of D(s) ds from 0 to t, so the field decay between t1 and t2 is q^2 (S2 - S1)
    s = D0_AGING_A2_S * T_AGE_S * np.log1p(t / T_AGE_S)
    lag = np.abs(s[:, None] - s[None, :])
    c2 = {}
    delays = _delays(n_frames)
    q_col = qm.dynamic_q_list[qm.dynamic_index_mapping]  # q of each g2 column
    mean_g2 = np.empty((delays.size, q_col.size))
    for col, qv in enumerate(q_col):
        full = CONTRAST * np.exp(-2 * qv**2 * lag)
        for i, d in enumerate(delays.astype(int)):
            mean_g2[i, col] = np.diagonal(full, d).mean()
        if col in (2, 4, 6, 8):
            noise = 0.03 * rng.standard_normal(full.shape)
            c2[col] = 1 + full + np.triu(noise) + np.triu(noise, 1).T
    g2, err = _noisy_g2(rng, mean_g2, delays, n_frames)
    saxs_2d, saxs_1d, seg, trace = _saxs(q, qm, rng, n_frames, 8, drift=0.05)
    meta = _metadata("demo_aging", frame_time, "2026-01-01T11:00:00")
    return write_result_file(
        path, metadata=meta, qmap=qm, saxs_2d=saxs_2d, saxs_1d=saxs_1d, saxs_1d_segments=seg,
        intensity=trace, tau=delays * frame_time, g2=g2, g2_err=err, c2=c2, overwrite=True,
    )  # fmt: skip


def make(folder: str | Path) -> list[Path]:
    """Write the demo files into ``folder`` (created if needed); returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _diffusion(folder / FILES[0], seed=1),
        _diffusion(folder / FILES[1], seed=2),
        _aging(folder / FILES[2], seed=3),
    ]


def default_folder() -> Path:
    """``$XPCS_DEMO_DIR``, else ``$XDG_CACHE_HOME/xpcsviewer/demo`` (``~/.cache`` default)."""
    if os.environ.get("XPCS_DEMO_DIR"):
        return Path(os.environ["XPCS_DEMO_DIR"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "xpcsviewer" / "demo"


def ensure_demo(folder: str | Path | None = None) -> Path:
    """The demo folder, with its files made on first use (or when one is missing)."""
    folder = Path(folder) if folder is not None else default_folder()
    if not all((folder / name).is_file() for name in FILES):
        make(folder)
    return folder
