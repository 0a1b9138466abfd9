"""The adapter instance every plotting helper converts through."""

from __future__ import annotations

from xpcsviewer.backends import PyQtGraphAdapter

ADAPTER = PyQtGraphAdapter()
