"""The Qt side of xpcsviewer: the only package that imports PySide6 or pyqtgraph.

PySide6 is pinned below 6.12 in pyproject.toml: 6.12.0 on CPython 3.11 drops a reference
to ``None`` on every Qt call that returns nothing (measured: -2,000 per 1,000 calls), and
the interpreter aborts with "none_dealloc" after a few seconds of painting. 6.11.3 does not.
"""
