"""Array maths shared by both backends: each call forwards to the backend's ``xp`` module.

``numpy`` and ``jax.numpy`` agree on these signatures, so one implementation serves both
and the two backends cannot drift apart. Backend-specific behaviour (functional updates,
binning, transformations, placement) lives in the backend classes themselves.
"""

from __future__ import annotations

from typing import Any

_FLOAT = "float64"


def _default_dtype(x: Any, dtype: Any):
    if dtype is not None:
        return dtype
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    if kind is None and isinstance(x, float):
        return _FLOAT
    return None


class ArrayMathMixin:
    xp: Any

    # -- creation -----------------------------------------------------------------
    def array(self, x, dtype=None):
        return self.xp.array(x, dtype=_default_dtype(x, dtype))

    def asarray(self, x, dtype=None):
        return self.xp.asarray(x, dtype=dtype)

    def zeros(self, shape, dtype=None):
        return self.xp.zeros(shape, dtype=dtype or _FLOAT)

    def ones(self, shape, dtype=None):
        return self.xp.ones(shape, dtype=dtype or _FLOAT)

    def full(self, shape, fill_value, dtype=None):
        return self.xp.full(shape, fill_value, dtype=dtype or _FLOAT)

    def zeros_like(self, x):
        return self.xp.zeros_like(x)

    def ones_like(self, x):
        return self.xp.ones_like(x)

    def arange(self, start, stop=None, step=1, dtype=None):
        if stop is None:
            return self.xp.arange(start, dtype=dtype)
        return self.xp.arange(start, stop, step, dtype=dtype)

    def linspace(self, start, stop, num):
        return self.xp.linspace(start, stop, num, dtype=_FLOAT)

    def logspace(self, start, stop, num):
        return self.xp.logspace(start, stop, num, dtype=_FLOAT)

    def eye(self, n):
        return self.xp.eye(n, dtype=_FLOAT)

    def meshgrid(self, *xs, indexing="xy"):
        return tuple(self.xp.meshgrid(*xs, indexing=indexing))

    # -- element-wise ------------------------------------------------------------------
    def exp(self, x):
        return self.xp.exp(x)

    def log(self, x):
        return self.xp.log(x)

    def log10(self, x):
        return self.xp.log10(x)

    def sqrt(self, x):
        return self.xp.sqrt(x)

    def sin(self, x):
        return self.xp.sin(x)

    def cos(self, x):
        return self.xp.cos(x)

    def tan(self, x):
        return self.xp.tan(x)

    def arcsin(self, x):
        return self.xp.arcsin(x)

    def arctan(self, x):
        return self.xp.arctan(x)

    def arctan2(self, y, x):
        return self.xp.arctan2(y, x)

    def hypot(self, x, y):
        return self.xp.hypot(x, y)

    def abs(self, x):
        return self.xp.abs(x)

    def sign(self, x):
        return self.xp.sign(x)

    def square(self, x):
        return self.xp.square(x)

    def power(self, x, p):
        return self.xp.power(x, p)

    def floor(self, x):
        return self.xp.floor(x)

    def ceil(self, x):
        return self.xp.ceil(x)

    def round(self, x, decimals=0):
        return self.xp.round(x, decimals)

    def clip(self, x, lo, hi):
        return self.xp.clip(x, lo, hi)

    def maximum(self, x, y):
        return self.xp.maximum(x, y)

    def minimum(self, x, y):
        return self.xp.minimum(x, y)

    def deg2rad(self, x):
        return self.xp.deg2rad(x)

    def rad2deg(self, x):
        return self.xp.rad2deg(x)

    def isnan(self, x):
        return self.xp.isnan(x)

    def isfinite(self, x):
        return self.xp.isfinite(x)

    def nan_to_num(self, x, nan=0.0):
        return self.xp.nan_to_num(x, nan=nan)

    # -- reductions --------------------------------------------------------------------
    def sum(self, x, axis=None):
        return self.xp.sum(x, axis=axis)

    def prod(self, x, axis=None):
        return self.xp.prod(x, axis=axis)

    def mean(self, x, axis=None):
        return self.xp.mean(x, axis=axis)

    def std(self, x, axis=None, ddof=0):
        return self.xp.std(x, axis=axis, ddof=ddof)

    def var(self, x, axis=None, ddof=0):
        return self.xp.var(x, axis=axis, ddof=ddof)

    def min(self, x, axis=None):
        return self.xp.min(x, axis=axis)

    def max(self, x, axis=None):
        return self.xp.max(x, axis=axis)

    def argmin(self, x, axis=None):
        return self.xp.argmin(x, axis=axis)

    def argmax(self, x, axis=None):
        return self.xp.argmax(x, axis=axis)

    def median(self, x, axis=None):
        return self.xp.median(x, axis=axis)

    def percentile(self, x, q, axis=None):
        return self.xp.percentile(x, q, axis=axis)

    def nansum(self, x, axis=None):
        return self.xp.nansum(x, axis=axis)

    def nanmean(self, x, axis=None):
        return self.xp.nanmean(x, axis=axis)

    def cumsum(self, x, axis=None):
        return self.xp.cumsum(x, axis=axis)

    def any(self, x, axis=None):
        return self.xp.any(x, axis=axis)

    def all(self, x, axis=None):
        return self.xp.all(x, axis=axis)

    # -- shape and selection -----------------------------------------------------------------
    def reshape(self, x, shape):
        return self.xp.reshape(x, shape)

    def transpose(self, x, axes=None):
        return self.xp.transpose(x, axes)

    def concatenate(self, xs, axis=0):
        return self.xp.concatenate(xs, axis=axis)

    def stack(self, xs, axis=0):
        return self.xp.stack(xs, axis=axis)

    def where(self, cond, x, y):
        return self.xp.where(cond, x, y)

    def take(self, x, indices, axis=None):
        return self.xp.take(x, indices, axis=axis)

    def sort(self, x, axis=-1):
        return self.xp.sort(x, axis=axis)

    def argsort(self, x, axis=-1):
        return self.xp.argsort(x, axis=axis)

    def searchsorted(self, a, v, side="left"):
        return self.xp.searchsorted(a, v, side=side)

    def digitize(self, x, bins, right=False):
        return self.xp.digitize(x, bins, right=right)

    def diag(self, x, k=0):
        return self.xp.diag(x, k=k)

    def diagonal(self, x, offset=0):
        return self.xp.diagonal(x, offset=offset)

    def triu(self, x, k=0):
        return self.xp.triu(x, k=k)

    def tril(self, x, k=0):
        return self.xp.tril(x, k=k)

    def interp(self, x, xp, fp):
        return self.xp.interp(x, xp, fp)

    # -- linear algebra and FFT ------------------------------------------------------------------
    def dot(self, a, b):
        return self.xp.dot(a, b)

    def matmul(self, a, b):
        return self.xp.matmul(a, b)

    def outer(self, a, b):
        return self.xp.outer(a, b)

    def fft(self, x, axis=-1):
        return self.xp.fft.fft(x, axis=axis)

    def ifft(self, x, axis=-1):
        return self.xp.fft.ifft(x, axis=axis)

    def rfft(self, x, axis=-1):
        return self.xp.fft.rfft(x, axis=axis)

    def irfft(self, x, n=None, axis=-1):
        return self.xp.fft.irfft(x, n=n, axis=axis)

    def rfftfreq(self, n, d=1.0):
        return self.xp.fft.rfftfreq(n, d=d)
