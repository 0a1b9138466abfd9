"""Guard against a reference-count bug of PySide6 6.12 on Python 3.11.

Measured here: with PySide6/shiboken6 6.12.0 on CPython 3.11, every call of a Qt method
that returns nothing (``processEvents()``, ``update()``, …) takes one reference from
``None`` without giving it back (1,000 calls: None's count falls by 1,000). Painting a
window makes thousands of such calls, and after a few seconds of use CPython aborts with
"Fatal Python error: none_dealloc" (``bool_dealloc`` likewise for True/False).
CPython 3.12 made these singletons immortal, which hides the bug; on 3.11 we give them a
huge reference count once, which is what immortality amounts to. Remove this module when
the project requires Python >= 3.12 or a PySide6 without the bug.
"""

from __future__ import annotations

import ctypes
import sys

_EXTRA_REFERENCES = 1 << 40  # ~1e12 leaked calls before trouble; a shift lasts far less


def apply() -> bool:
    """Make None, True and False effectively immortal on Python < 3.12; True if applied."""
    if sys.version_info >= (3, 12) or getattr(apply, "done", False):
        return False
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the first field
        count.value += _EXTRA_REFERENCES
    apply.done = True  # type: ignore[attr-defined]
    return True
