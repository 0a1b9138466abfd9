"""Counts in words for labels and status lines ("1 file", "3 files"). Qt-free."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, the plural (``noun + "s"`` unless given) for any ``n`` but 1."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
