"""Least-recently-used array caches that draw on one shared memory budget.

Every open file keeps its lazily read arrays in an :class:`ArrayCache`; all of them draw on a
:class:`CacheBudget`, which evicts the least recently used array of *any* file when the total
would exceed its size (issue 16: a per-file 512 MB cache times 64 open files let a session
grow to 32 GB). By default the budget is the process-wide :func:`shared_budget`, a quarter of
the machine's RAM; the GUI's session owns one sized by the ``cache_mb`` preference.
"""

from __future__ import annotations

import itertools
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

RAM_FRACTION = 0.25  # of physical memory, the default budget
FALLBACK_MB = 2048.0  # when the RAM size cannot be read


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return sum(_nbytes(getattr(value, k)) for k in value.__dataclass_fields__)
    return 0


def ram_mb() -> float | None:
    """Physical memory in MB (``os.sysconf``, else ``/proc/meminfo``), or None if unknown."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        if pages > 0 and size > 0:
            return pages * size / 2**20
    except (AttributeError, ValueError, OSError):
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_budget_mb() -> float:
    """A quarter of physical memory in MB (2048 MB when it cannot be read)."""
    ram = ram_mb()
    return FALLBACK_MB if ram is None else RAM_FRACTION * ram


class CacheBudget:
    """One memory budget (MB) shared by many :class:`ArrayCache` s, least recently used first.

    ``used_bytes`` is the total kept by all its caches, never above ``budget_bytes`` after a
    call returns. Thread-safe: the GUI loads from worker threads.
    """

    def __init__(self, budget_mb: float | None = None) -> None:
        self._items: OrderedDict[tuple[int, str], tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.used_bytes = 0
        self.budget_bytes = 0
        self.resize(default_budget_mb() if budget_mb is None else budget_mb)

    def resize(self, budget_mb: float) -> None:
        """A new size; evicts the least recently used arrays down to it."""
        if budget_mb < 0:
            raise ValueError(f"cache budget must be >= 0 MB, got {budget_mb}")
        with self._lock:
            self.budget_bytes = int(budget_mb * 1024 * 1024)
            self._evict()

    @property
    def budget_mb(self) -> float:
        return self.budget_bytes / 2**20

    def _evict(self) -> None:  # with the lock held
        while self.used_bytes > self.budget_bytes and self._items:
            _, (_, old) = self._items.popitem(last=False)
            self.used_bytes -= old

    def get(self, owner: int, key: str, load: Callable[[], Any]) -> Any:
        item = (owner, key)
        with self._lock:
            if item in self._items:
                self._items.move_to_end(item)
                return self._items[item][0]
        value = load()  # outside the lock: reads of other files go on meanwhile
        size = _nbytes(value)
        with self._lock:
            # Larger than the whole budget: returned, not kept (a tiny budget re-reads).
            if size <= self.budget_bytes and item not in self._items:
                self._items[item] = (value, size)
                self.used_bytes += size
                self._evict()
        return value

    def drop(self, owner: int) -> None:
        """Forget every array of one cache."""
        with self._lock:
            for item in [i for i in self._items if i[0] == owner]:
                self.used_bytes -= self._items.pop(item)[1]

    def owned(self, owner: int) -> tuple[int, int]:
        """(number of arrays, bytes) kept for one cache."""
        with self._lock:
            sizes = [size for (o, _), (_, size) in self._items.items() if o == owner]
        return len(sizes), sum(sizes)


_SHARED: CacheBudget | None = None
_SHARED_LOCK = threading.Lock()
_OWNERS = itertools.count(1)


def shared_budget() -> CacheBudget:
    """The process-wide budget (:func:`default_budget_mb`) files use unless given another."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = CacheBudget()
        return _SHARED


class ArrayCache:
    """``get(key, load)`` returns the cached value or calls ``load()`` and keeps it.

    ``budget``: the :class:`CacheBudget` it draws on (default :func:`shared_budget`);
    ``budget_mb``: a private budget of its own instead. A cache that is garbage collected
    gives its arrays back to the budget.
    """

    def __init__(self, budget_mb: float | None = None, budget: CacheBudget | None = None) -> None:
        if budget_mb is not None:
            budget = CacheBudget(budget_mb)
        self.budget = budget if budget is not None else shared_budget()
        self._owner = next(_OWNERS)
        weakref.finalize(self, self.budget.drop, self._owner)

    @property
    def budget_bytes(self) -> int:
        return self.budget.budget_bytes

    @property
    def used_bytes(self) -> int:
        """Bytes this cache keeps (its share of the budget)."""
        return self.budget.owned(self._owner)[1]

    def get(self, key: str, load: Callable[[], Any]) -> Any:
        return self.budget.get(self._owner, key, load)

    def clear(self) -> None:
        self.budget.drop(self._owner)

    def __len__(self) -> int:
        return self.budget.owned(self._owner)[0]
