"""g2 from age windows of a C2 map on the host (NumPy): every window from one pass over the map.

The compiled kernel (:func:`xpcsviewer.compute.twotime.g2_from_c2` on JAX) selects each
window's pixels on the whole (n, n) map and bins them by lag, one full pass per window. Here
the map is read once along its diagonals instead: lag k is the diagonal ``c[i, i + k]``, whose
doubled age ``2 i + k`` grows with i, so a window is a contiguous stretch of it and its sum is a
difference of running sums. Windows then cost O(n) each, not O(n²): on a 1500-frame map four
windows take ~60 ms here against ~330 ms for four bincount passes (same machine, NumPy both).

The sums run over values shifted by each lag's mean, so the squares about a window's mean keep
their digits (C2 is ~1.2 +- 0.01: unshifted running sums of squares would cancel away ~8 of
them). Results equal the kernel's to ~1e-13 relative (summation order differs), which
``tests/test_compute_c2_windows.py`` checks on both backends.
"""

from __future__ import annotations

import numpy as np

CHUNK_VALUES = 1 << 22  # values per working array (lags are processed in column chunks)


def _running(x: np.ndarray) -> np.ndarray:
    """Running sums down axis 0 with a leading zero row: ``out[b] - out[a]`` sums rows a..b-1."""
    out = np.empty((x.shape[0] + 1,) + x.shape[1:], dtype=x.dtype)
    out[0] = 0
    # Row by row: np.cumsum(axis=0) walks each column with a stride and took 10x longer
    # (100 ms against 8 ms on a 1500 x 1500 map); the additions are the same, in the same order.
    for r in range(x.shape[0]):
        np.add(out[r], x[r], out=out[r + 1])
    return out


def window_g2_host(
    c2: np.ndarray, doubled_ages: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """g2, pair counts and standard errors per window and lag of an (n, n) map.

    c2: (n, n), only j > i read; doubled_ages: per window (s_lo, s_hi), the inclusive range of
    ``i + j`` (frame indices) it averages. Returns g2 (n_win, n - 1) float64 (NaN where a window
    holds no finite pixel at a lag), counts (n_win, n - 1) int64, err (n_win, n - 1) float64
    (NaN below two pixels); column k - 1 is lag k frames. Non-finite pixels count nowhere.
    """
    c = np.ascontiguousarray(c2)
    n = int(c.shape[0])
    flat = c.reshape(-1)
    g2 = np.full((len(doubled_ages), max(n - 1, 0)), np.nan)
    err = np.full_like(g2, np.nan)
    pairs = np.zeros(g2.shape, dtype=np.int64)
    # Lags in chunks of columns, each chunk's arrays ~4 M values (32 MB): a 10,000-frame map
    # needs ~150 MB here besides itself, not six float64 copies of it (4.8 GB).
    step = max(256, CHUNK_VALUES // max(n, 1))
    for k0 in range(1, n, step):
        k1 = min(n, k0 + step)
        # part[i, k - k0] = c[i, i + k] for rows i < n - k0 (the only ones lags >= k0 reach):
        # a strided view of the map itself, in bounds, read as float64 chunk by chunk; the
        # entries with i + k >= n wrap into the next row and are masked below.
        part = np.lib.stride_tricks.as_strided(
            flat[k0:], shape=(n - k0, k1 - k0), strides=(c.itemsize * (n + 1), c.itemsize),
            writeable=False).astype(np.float64)
        i, k = np.arange(n - k0)[:, None], np.arange(k0, k1)[None, :]
        ok = (i + k < n) & np.isfinite(part)
        count = _running(ok.astype(np.int32))
        per_lag = count[-1]
        shift = np.where(ok, part, 0.0).sum(axis=0) / np.maximum(per_lag, 1)
        dev = np.where(ok, part - shift, 0.0)
        s1, s2 = _running(dev), _running(dev * dev)
        del dev
        lags, cols = np.arange(k0, k1), np.arange(k1 - k0)
        for w, (s_lo, s_hi) in enumerate(doubled_ages):
            # pixels i with s_lo <= 2 i + k <= s_hi and 0 <= i <= n - 1 - k
            lo = np.clip(-(-(s_lo - lags) // 2), 0, n - lags)
            hi = np.clip((s_hi - lags) // 2 + 1, lo, n - lags)
            num = count[hi, cols] - count[lo, cols]
            d1 = s1[hi, cols] - s1[lo, cols]
            d2 = s2[hi, cols] - s2[lo, cols]
            have, two = num > 0, num > 1
            m = np.where(have, d1 / np.where(have, num, 1), 0.0)  # mean of the shifted values
            g2[w, k0 - 1:k1 - 1] = np.where(have, m + shift, np.nan)
            ss = np.maximum(d2 - num * m * m, 0.0)  # squares about the window's mean
            var = ss / np.where(two, num - 1, 1)
            err[w, k0 - 1:k1 - 1] = np.where(two, np.sqrt(var / np.where(two, num, 1)), np.nan)
            pairs[w, k0 - 1:k1 - 1] = num
    return g2, pairs, err
