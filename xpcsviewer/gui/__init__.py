"""The Qt side of xpcsviewer: the only package that imports PySide6 or pyqtgraph."""

from ._refcount_guard import apply as _guard_refcounts

_guard_refcounts()  # before any Qt call: see _refcount_guard for the PySide6 6.12 bug
