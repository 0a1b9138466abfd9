"""Layout detection by probing the file's keys (never by its name)."""

from __future__ import annotations

from types import ModuleType

from . import _legacy, _nexus
from ._core import Core
from ._errors import XpcsFormatError
from ._h5 import Source
from ._keys import LEGACY_APS, NEXUS_8IDI
from ._sanity import check_core


def probe(src: Source) -> ModuleType:
    """The reader module for ``src``: ``_nexus`` or ``_legacy``; raises when neither fits."""
    if src.has(LEGACY_APS["version"]) and src.has(LEGACY_APS["exchange"]):
        return _legacy
    if src.has(NEXUS_8IDI["multitau"]) or src.has(NEXUS_8IDI["twotime"]):
        return _nexus
    top = sorted(src.h5.keys())
    if src.has(NEXUS_8IDI["xpcs"]):
        problem = f"{NEXUS_8IDI['xpcs']} has neither multitau nor twotime results"
    else:
        problem = (
            "unsupported layout: not an APS-8IDI XPCS result file "
            f"(no {NEXUS_8IDI['xpcs']} group; top-level keys: {top[:8]})"
        )
    raise XpcsFormatError(src.path, problem)


def read_core(src: Source) -> tuple[ModuleType, Core]:
    """(reader module, checked core) of ``src``: what opening a file reads and validates.

    ``scan`` and ``open`` both call this, so a file is listed as readable exactly when it
    opens. Raises :class:`XpcsFormatError`.
    """
    reader = probe(src)
    return reader, check_core(src.path, reader.core(src))
