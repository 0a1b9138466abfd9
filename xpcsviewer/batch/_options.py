"""The options of a batch fit, checked once in the main process and shipped to every worker."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CHUNK = 32


@dataclass(frozen=True)
class FitOptions:
    """What ``xpcsviewer batch fit`` does to every file.

    model: ``"single"``, ``"stretched"`` or ``"double"`` (``xpcsviewer.fitting.MODELS``).
    bins: g2 columns fitted in every file (``None``: all of each file's columns).
    t_range: (t_min, t_max) in s, or ``None`` for every delay.
    alpha: exponent of tau = tau0 q^-alpha held fixed in ``fit_tauq`` (2 gives D in Å²/s),
    or ``None`` to fit it (then D is NaN, as ``fit_tauq`` documents).
    backend: ``"jax"`` or ``"numpy"``; workers use the same one (float64 either way).
    chunk_size: files per batched ``fit_g2`` call. The in-process run and Dask use the same
    chunks, so the compiled calls and hence the numbers are the same wherever they run.
    """

    model: str = "single"
    bins: tuple[int, ...] | None = None
    t_range: tuple[float, float] | None = None
    alpha: float | None = 2.0
    backend: str = "jax"
    chunk_size: int = DEFAULT_CHUNK

    def __post_init__(self) -> None:
        from ..fitting import MODELS

        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose one of {sorted(MODELS)}")
        if self.bins is not None:
            if not self.bins:
                raise ValueError("bins: give at least one g2 column")
            if min(self.bins) < 0:
                raise ValueError(f"bins must be g2 columns >= 0; got {list(self.bins)}")
        if self.t_range is not None:
            lo, hi = self.t_range
            if not (0 <= lo < hi):
                raise ValueError(f"t_range must be 0 <= t_min < t_max (s); got {lo}, {hi}")
        if self.alpha is not None and not 0 < self.alpha < float("inf"):
            # tau = tau0 q^-alpha decays with q; alpha <= 0 gives nonsense tau0 for every file
            raise ValueError(f"alpha must be > 0 (2 for diffusion) or None (free); "
                             f"got {self.alpha}")
        if self.backend not in ("jax", "numpy"):
            raise ValueError(f"backend must be 'jax' or 'numpy'; got {self.backend!r}")
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1; got {self.chunk_size}")

    @property
    def params(self) -> tuple[str, ...]:
        from ..fitting import MODELS

        return MODELS[self.model].params

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "bins": None if self.bins is None else list(self.bins),
            "t_range_s": None if self.t_range is None else list(self.t_range),
            "alpha": self.alpha,
            "backend": self.backend,
            "chunk_size": self.chunk_size,
        }
