"""Adapters at the three boundaries where arrays leave the compute layer (ADR-001).

``PyQtGraphAdapter`` (interactive plots), ``MatplotlibAdapter`` (publication export) and
``HDF5Adapter`` (files we write) wrap :func:`ensure_numpy` and record how many arrays
crossed, how many bytes, and how long it took. Counters live in a process-wide registry
keyed by adapter kind, so the status panel reads them with :func:`adapter_stats` without
holding any adapter, and every instance of a kind adds to the same figures.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._conversions import ensure_numpy


@dataclass(frozen=True)
class StatsSnapshot:
    """Counters of one adapter kind. Times in milliseconds."""

    name: str
    count: int
    bytes: int
    total_ms: float
    max_ms: float
    last_shape: tuple[int, ...] | None

    @property
    def mean_ms(self) -> float:
        return self.total_ms / self.count if self.count else 0.0


class _Counter:
    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.count = 0
            self.bytes = 0
            self.total_ms = 0.0
            self.max_ms = 0.0
            self.last_shape: tuple[int, ...] | None = None

    def record(self, elapsed_ms: float, array: np.ndarray) -> None:
        with self._lock:
            self.count += 1
            self.bytes += int(array.nbytes)
            self.total_ms += elapsed_ms
            self.max_ms = max(self.max_ms, elapsed_ms)
            self.last_shape = tuple(array.shape)

    def snapshot(self) -> StatsSnapshot:
        with self._lock:
            return StatsSnapshot(
                self.name, self.count, self.bytes, self.total_ms, self.max_ms, self.last_shape
            )


_REGISTRY: dict[str, _Counter] = {}
_REGISTRY_LOCK = threading.Lock()


def _counter(name: str) -> _Counter:
    with _REGISTRY_LOCK:
        if name not in _REGISTRY:
            _REGISTRY[name] = _Counter(name)
        return _REGISTRY[name]


def adapter_stats() -> dict[str, StatsSnapshot]:
    """Current counters of every adapter kind, keyed by name (``"pyqtgraph"``, ...)."""
    for kind in (PyQtGraphAdapter, MatplotlibAdapter, HDF5Adapter):
        _counter(kind.kind)
    with _REGISTRY_LOCK:
        counters = list(_REGISTRY.values())
    return {c.name: c.snapshot() for c in counters}


def reset_adapter_stats() -> None:
    with _REGISTRY_LOCK:
        counters = list(_REGISTRY.values())
    for c in counters:
        c.reset()


class _Adapter:
    kind = "base"

    def __init__(self, monitor: bool = True) -> None:
        self.monitor = monitor

    def convert(self, x: Any, dtype: Any = None) -> np.ndarray:
        """Return ``x`` as a writable NumPy array, counting the conversion when monitored."""
        if not self.monitor:
            return ensure_numpy(x, dtype)
        start = time.perf_counter()
        out = ensure_numpy(x, dtype)
        _counter(self.kind).record((time.perf_counter() - start) * 1e3, out)
        return out

    @property
    def stats(self) -> StatsSnapshot:
        return _counter(self.kind).snapshot()

    def reset(self) -> None:
        _counter(self.kind).reset()


class PyQtGraphAdapter(_Adapter):
    """Every array handed to pyqtgraph passes through here."""

    kind = "pyqtgraph"

    def curve(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return self.convert(x, np.float64), self.convert(y, np.float64)

    def image(self, img: Any) -> np.ndarray:
        return self.convert(img)


class MatplotlibAdapter(_Adapter):
    """Every array handed to matplotlib (exports) passes through here."""

    kind = "matplotlib"

    def curve(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return self.convert(x, np.float64), self.convert(y, np.float64)


class HDF5Adapter(_Adapter):
    """Arrays written to HDF5 files by the viewer (never to a user's input file)."""

    kind = "hdf5"

    def write(self, group: Any, name: str, data: Any, **kwargs: Any) -> Any:
        """Create dataset ``name`` in an open h5py ``group`` from any array type."""
        return group.create_dataset(name, data=self.convert(data), **kwargs)
