"""Intensity against time: rebinning, smoothing and the power spectrum.

Rebinning never drops frames silently: a short last block is averaged over the frames it
has, and the result reports the factor and how many frames that block held. Missing frames
(NaN or inf, e.g. bad frames placed on an even grid) are missing, not zero: every mean is
over the finite values it holds and ``counts`` says how many; a block with none is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol, get_backend

from ._kernels import bucket, cut, kernel, padded, resolve


@dataclass(frozen=True)
class IntensityTrace:
    """t: (m,) float64 s; intensity: (m,) float64 (mean counts per pixel per frame).

    factor: frames per point; last_block: frames in the last point (== factor unless the
    trace length is not a multiple); method: ``"rebin"`` or ``"smooth"``. counts: (m,)
    float64, the finite frames each point averages (NaN point where 0).
    """

    t: Any
    intensity: Any
    factor: int
    last_block: int
    method: str
    counts: Any = None


@dataclass(frozen=True)
class PowerSpectrum:
    """One-sided power spectral density of the mean-subtracted trace.

    frequency: (n // 2 + 1,) float64 Hz; power: same shape, float64 in intensity² / Hz, so
    ``sum(power) * df`` equals the variance of the trace (Parseval). Missing (non-finite)
    samples are set to the mean of the others, and the power is divided by the number of
    finite samples ``n_used`` instead of n, so Parseval holds for their variance.
    """

    frequency: Any
    power: Any
    dt: float
    n_used: int = 0


def _block_build(backend: BackendProtocol, n: int, factor: int):
    b = backend
    m = -(-n // factor)
    pad = m * factor - n

    def block_sum(x):
        # Pad to whole blocks with zeros: they add nothing to a block's sum or count.
        padded = b.concatenate([x, b.zeros(pad)]) if pad else x
        return b.sum(b.reshape(padded, (m, factor)), axis=1)

    def block_mean(t, x):
        ok = b.isfinite(x) & b.isfinite(t)
        counts = block_sum(b.where(ok, 1.0, 0.0))
        safe = b.where(counts > 0, counts, 1.0)

        def mean(v):
            return b.where(counts > 0, block_sum(b.where(ok, v, 0.0)) / safe, np.nan)

        return mean(t), mean(x), counts

    return block_mean


def rebin_intensity(
    t: Any, intensity: Any, factor: int, *, backend: BackendProtocol | None = None
) -> IntensityTrace:
    """Block means of ``factor`` frames. t, intensity: (n,) (s, counts per pixel per frame).

    A frame with a non-finite t or intensity is left out of its block's means (t and
    intensity alike) and of ``counts``; a block without one finite frame is NaN.
    """
    b = resolve(backend)
    factor = int(factor)
    if factor < 1:
        raise ValueError(f"rebin factor must be >= 1, got {factor}")
    n = int(np.shape(intensity)[0])
    # Bucketed: NaN frames appended (left out of every block) fill whole blocks, cut off.
    size = bucket(n)
    m = -(-n // factor)
    run = kernel(b, "block_mean_1d", (size, factor), _block_build)
    last = n - (m - 1) * factor
    t_mean, x_mean, counts = run(padded(b, t, (size,), np.nan, "float64"),
                                 padded(b, intensity, (size,), np.nan, "float64"))
    t_mean, x_mean, counts = cut(b, t_mean, m), cut(b, x_mean, m), cut(b, counts, m)
    return IntensityTrace(
        t=t_mean,
        intensity=x_mean,
        factor=factor,
        last_block=last,
        method="rebin",
        counts=counts,
    )


def _smooth_build(backend: BackendProtocol, n: int, window: int):
    b = backend
    half = window // 2

    def moving_mean(x):
        # Centred window, shrunk at the ends (no padding values invented); non-finite
        # frames count neither in the sum nor in the number of frames.
        ok = b.isfinite(x)
        i = b.arange(n)
        lo = b.clip(i - half, 0, n)
        hi = b.clip(i - half + window, 0, n)

        def window_sum(v):
            c = b.concatenate([b.zeros(1), b.cumsum(v)])
            return b.take(c, hi) - b.take(c, lo)

        counts = window_sum(b.where(ok, 1.0, 0.0))
        sums = window_sum(b.where(ok, x, 0.0))
        return b.where(counts > 0, sums / b.where(counts > 0, counts, 1.0), np.nan), counts

    return moving_mean


def smooth_intensity(
    t: Any, intensity: Any, window: int, *, backend: BackendProtocol | None = None
) -> IntensityTrace:
    """Centred moving mean over ``window`` frames (same length as the input), over the
    finite frames of each window (NaN where it has none)."""
    b = resolve(backend)
    window = int(window)
    if window < 1:
        raise ValueError(f"smoothing window must be >= 1, got {window}")
    n = int(np.shape(intensity)[0])
    # Bucketed: NaN frames appended count in no window; the first n values are unchanged.
    size = bucket(n)
    run = kernel(b, "moving_mean", (size, window), _smooth_build)
    mean, counts = run(padded(b, intensity, (size,), np.nan, "float64"))
    mean, counts = cut(b, mean, n), cut(b, counts, n)
    return IntensityTrace(
        t=b.asarray(t, dtype="float64"),
        intensity=mean,
        factor=window,
        last_block=window,
        method="smooth",
        counts=counts,
    )


def _psd_build(backend: BackendProtocol, n: int):
    b = backend

    def psd(x, dt):
        # A missing sample is set to the mean of the others (0 after subtracting it), and the
        # power is normalised by the samples used, so a gap adds no power of its own.
        ok = b.isfinite(x)
        used = b.maximum(b.sum(b.where(ok, 1.0, 0.0)), 1.0)
        mean = b.sum(b.where(ok, x, 0.0)) / used
        spec = b.rfft(b.where(ok, x - mean, 0.0))
        p = b.abs(spec) ** 2 * (2.0 * dt / used)
        # DC and (even n) Nyquist terms appear once in a one-sided spectrum.
        p = b.set_at(p, 0, p[0] / 2.0)
        if n % 2 == 0:
            p = b.set_at(p, -1, p[-1] / 2.0)
        return p

    return psd


def power_spectrum(
    intensity: Any, dt: float, *, backend: BackendProtocol | None = None
) -> PowerSpectrum:
    """PSD of an evenly sampled trace (n,) with sampling interval ``dt`` in s.

    Non-finite samples are gaps (see :class:`PowerSpectrum`); raises ``ValueError`` when
    no sample is finite.
    """
    b = resolve(backend)
    if not dt > 0:
        raise ValueError(f"dt must be positive, got {dt}")
    x = np.asarray(b.to_numpy(b.asarray(intensity, dtype="float64")), dtype=np.float64)
    n = int(x.shape[0])
    used = int(np.count_nonzero(np.isfinite(x)))
    if used == 0:
        raise ValueError(f"power spectrum of a trace without one finite sample (n = {n})")
    # On the host for every backend: an FFT needs the exact length (padding a trace would
    # change its spectrum), so no bucket can share a compiled program between lengths, and
    # each new length compiled for 0.9 s; one FFT of a trace is a single pass, which NumPy's
    # pocketfft does in milliseconds (docs/performance.md). Handed back with from_numpy.
    host = get_backend("numpy")
    p = kernel(host, "psd", (n,), _psd_build)(x, float(dt))
    return PowerSpectrum(frequency=b.from_numpy(np.fft.rfftfreq(n, d=float(dt))),
                         power=b.from_numpy(np.asarray(p)), dt=float(dt), n_used=used)
