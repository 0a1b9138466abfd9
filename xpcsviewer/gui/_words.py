"""Counts in words for labels and status lines ("1 file", "3 files", "a, b and 198 more").
Qt-free."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, the plural (``noun + "s"`` unless given) for any ``n`` but 1."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def listed(names: list[str] | tuple[str, ...], shown: int = 3) -> str:
    """``names`` joined by commas, at most ``shown`` of them, then "and N more": a note or
    title naming each of 200 overlaid files was a line no plot could lay out (an intensity
    title of 200 names took a second per paint)."""
    names = list(names)
    if len(names) <= shown + 1:  # "and 1 more" says no less than the name itself
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"
