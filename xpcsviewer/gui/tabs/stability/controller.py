"""Stability settings and data (being built)."""

from __future__ import annotations

from typing import Any

from .._base import TabController


class StabilityController(TabController):
    key = "stability"
    title = "Stability"
    files_from = "current"

    def prepare(self, files: list[Any], token: Any, progress: Any) -> Any:
        return [f.name for f in files]
