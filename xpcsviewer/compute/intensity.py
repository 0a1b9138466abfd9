"""Intensity against time: rebinning, smoothing and the power spectrum.

Rebinning never drops frames silently: a short last block is averaged over the frames it
has, and the result reports the factor and how many frames that block held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xpcsviewer.backends import BackendProtocol

from ._kernels import kernel, resolve


@dataclass(frozen=True)
class IntensityTrace:
    """t: (m,) float64 s; intensity: (m,) float64 (mean counts per pixel per frame).

    factor: frames per point; last_block: frames in the last point (== factor unless the
    trace length is not a multiple); method: ``"rebin"`` or ``"smooth"``.
    """

    t: Any
    intensity: Any
    factor: int
    last_block: int
    method: str


@dataclass(frozen=True)
class PowerSpectrum:
    """One-sided power spectral density of the mean-subtracted trace.

    frequency: (n // 2 + 1,) float64 Hz; power: same shape, float64 in intensity² / Hz, so
    ``sum(power) * df`` equals the variance of the trace (Parseval).
    """

    frequency: Any
    power: Any
    dt: float


def _block_build(backend: BackendProtocol, n: int, factor: int):
    b = backend
    m = -(-n // factor)
    pad = m * factor - n

    def block_mean(x):
        # Zero-pad to whole blocks, then divide each block by the frames it really holds.
        padded = b.concatenate([x, b.zeros(pad)]) if pad else x
        counts = b.concatenate([b.full(m - 1, float(factor)), b.full(1, float(factor - pad))])
        return b.sum(b.reshape(padded, (m, factor)), axis=1) / counts

    return block_mean


def rebin_intensity(
    t: Any, intensity: Any, factor: int, *, backend: BackendProtocol | None = None
) -> IntensityTrace:
    """Block means of ``factor`` frames. t, intensity: (n,) (s, counts per pixel per frame)."""
    b = resolve(backend)
    factor = int(factor)
    if factor < 1:
        raise ValueError(f"rebin factor must be >= 1, got {factor}")
    x = b.asarray(intensity, dtype="float64")
    n = int(x.shape[0])
    run = kernel(b, "block_mean_1d", (n, factor), _block_build)
    last = n - (-(-n // factor) - 1) * factor
    return IntensityTrace(
        t=run(b.asarray(t, dtype="float64")),
        intensity=run(x),
        factor=factor,
        last_block=last,
        method="rebin",
    )


def _smooth_build(backend: BackendProtocol, n: int, window: int):
    b = backend
    half = window // 2

    def moving_mean(x):
        # Centred window, shrunk at the ends (no padding values invented).
        c = b.concatenate([b.zeros(1), b.cumsum(x)])
        i = b.arange(n)
        lo = b.clip(i - half, 0, n)
        hi = b.clip(i - half + window, 0, n)
        return (b.take(c, hi) - b.take(c, lo)) / (hi - lo)

    return moving_mean


def smooth_intensity(
    t: Any, intensity: Any, window: int, *, backend: BackendProtocol | None = None
) -> IntensityTrace:
    """Centred moving mean over ``window`` frames (same length as the input)."""
    b = resolve(backend)
    window = int(window)
    if window < 1:
        raise ValueError(f"smoothing window must be >= 1, got {window}")
    x = b.asarray(intensity, dtype="float64")
    n = int(x.shape[0])
    run = kernel(b, "moving_mean", (n, window), _smooth_build)
    return IntensityTrace(
        t=b.asarray(t, dtype="float64"),
        intensity=run(x),
        factor=window,
        last_block=window,
        method="smooth",
    )


def _psd_build(backend: BackendProtocol, n: int):
    b = backend

    def psd(x, dt):
        spec = b.rfft(x - b.mean(x))
        p = b.abs(spec) ** 2 * (2.0 * dt / n)
        # DC and (even n) Nyquist terms appear once in a one-sided spectrum.
        p = b.set_at(p, 0, p[0] / 2.0)
        if n % 2 == 0:
            p = b.set_at(p, -1, p[-1] / 2.0)
        return p

    return psd


def power_spectrum(
    intensity: Any, dt: float, *, backend: BackendProtocol | None = None
) -> PowerSpectrum:
    """PSD of an evenly sampled trace (n,) with sampling interval ``dt`` in s."""
    b = resolve(backend)
    if not dt > 0:
        raise ValueError(f"dt must be positive, got {dt}")
    x = b.asarray(intensity, dtype="float64")
    n = int(x.shape[0])
    p = kernel(b, "psd", (n,), _psd_build)(x, b.asarray(float(dt), dtype="float64"))
    return PowerSpectrum(frequency=b.rfftfreq(n, d=float(dt)), power=p, dt=float(dt))
