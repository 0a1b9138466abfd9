"""Matplotlib exports show every string verbatim.

Matplotlib typesets text between ``$`` signs as mathtext, so a file or sample named
``run_$T$.hdf`` would come out as an italic T (or fail to parse). No label of ours uses
mathtext (units are written in Unicode), so exports turn it off for all their text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def verbatim_text(export: F) -> F:
    """Run ``export`` with mathtext parsing off for the text it creates."""

    @functools.wraps(export)
    def run(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return export(*args, **kwargs)

    return run  # type: ignore[return-value]
