"""What the reader learnt about a file, remembered while the file is unchanged (issue 16).

Every read opens its file afresh (``Source``) and, before reading a key, must know whether
the file holds any soft, external or user-defined link: a file of hard links only may let
HDF5 resolve key paths itself, others are walked link by link. Finding that out visits the
file's whole link table (~0.5 ms for a result file), which is 2-5 % of a two-time map's read
when paid again at every read. This module remembers such a verdict per file, keyed by the
identity and last change of the file that was actually opened (``os.fstat`` of HDF5's own
descriptor: device, inode, size, mtime, ctime), so a replaced or rewritten file is looked at
again.

A verdict is remembered only for a file that had not changed for ``SETTLED_S`` seconds when
it was learnt: any later change then gives a ctime (set by the kernel, not settable by a
user) a whole clock tick or more later, hence a different key. A file still being written
(a live folder, a test's freshly built file) is looked at on every open, as before.

No HDF5 handle is kept between reads: a handle held by the viewer would make a notebook's
later ``h5py.File(path)`` with other locking flags, or opened for writing, fail in this
process. ``MAX_FILES`` verdicts at most are kept (a few hundred bytes each), least recently
used first; they hold no file open and survive ``fork`` harmlessly.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import h5py

SETTLED_S = 2.0  # a file unchanged this long is remembered (well above any clock tick)
MAX_FILES = 1024

Key = tuple[int, int, int, int, int]
_facts: OrderedDict[tuple[Key, str], Any] = OrderedDict()
_lock = threading.Lock()


def file_key(h5: h5py.File) -> Key | None:
    """(device, inode, size, mtime_ns, ctime_ns) of the file behind ``h5``, or None when it
    cannot be told (another HDF5 driver) or changed less than ``SETTLED_S`` seconds ago."""
    try:
        st = os.fstat(h5.id.get_vfd_handle())
    except (OSError, ValueError, TypeError, RuntimeError):
        return None
    if time.time_ns() - max(st.st_ctime_ns, st.st_mtime_ns) < SETTLED_S * 1e9:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def recall(key: Key | None, name: str, learn: Callable[[], Any]) -> Any:
    """The fact ``name`` of the file ``key`` names: remembered, or ``learn()`` (then kept
    unless ``key`` is None). Exceptions of ``learn`` propagate and nothing is kept."""
    if key is None:
        return learn()
    item = (key, name)
    with _lock:
        if item in _facts:
            _facts.move_to_end(item)
            return _facts[item]
    value = learn()
    with _lock:
        _facts[item] = value
        while len(_facts) > MAX_FILES:
            _facts.popitem(last=False)
    return value


def forget() -> None:
    """Drop every remembered fact (tests; a session that wants to look at files afresh)."""
    with _lock:
        _facts.clear()


def remembered() -> int:
    """Number of facts kept now (at most ``MAX_FILES``)."""
    with _lock:
        return len(_facts)
