"""A least-recently-used array cache with a memory budget in MB (one per open file)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

DEFAULT_CACHE_MB = 512.0


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return sum(_nbytes(getattr(value, k)) for k in value.__dataclass_fields__)
    return 0


class ArrayCache:
    """``get(key, load)`` returns the cached value or calls ``load()`` and keeps it.

    Values larger than the whole budget are returned without being kept, so a tiny budget
    still works (it just re-reads). Thread-safe: the GUI loads from worker threads.
    """

    def __init__(self, budget_mb: float = DEFAULT_CACHE_MB) -> None:
        if budget_mb < 0:
            raise ValueError(f"cache budget must be >= 0 MB, got {budget_mb}")
        self.budget_bytes = int(budget_mb * 1024 * 1024)
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.used_bytes = 0

    def get(self, key: str, load: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = load()
        size = _nbytes(value)
        with self._lock:
            if size <= self.budget_bytes and key not in self._items:
                self._items[key] = (value, size)
                self.used_bytes += size
                while self.used_bytes > self.budget_bytes:
                    _, (_, old) = self._items.popitem(last=False)
                    self.used_bytes -= old
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used_bytes = 0

    def __len__(self) -> int:
        return len(self._items)
