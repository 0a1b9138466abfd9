"""Datasets that must agree with each other: detector images, masks, roi maps, bin lists.

Each reader checks every dataset alone (``Source.check``); these checks compare them, so a
file whose parts disagree is refused by name instead of opening into misplaced overlays or a
cursor that raises on every mouse move. A ``scattering_2d`` stored transposed against the
qmap has been seen in real files; it is refused, not silently transposed back: on a square
detector a transpose cannot be told from the shape, so only an error is right every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ._errors import XpcsFormatError


def same_detector(path: Path, shapes: Mapping[str, tuple[int, ...]]) -> None:
    """Raise unless every (ny, nx) in ``shapes`` (dataset key -> its last two axes) is equal.

    The message names both keys and both shapes, and says "transposed" when one is the
    other's transpose.
    """
    items = [(k, tuple(int(n) for n in s[-2:])) for k, s in shapes.items()]
    if not items:
        return
    ref_key, ref = items[0]
    for key, shape in items[1:]:
        if shape != ref:
            how = " (stored transposed)" if shape == ref[::-1] else ""
            raise XpcsFormatError(
                path,
                f"{key} is {shape[0]} x {shape[1]} pixels but {ref_key} is "
                f"{ref[0]} x {ref[1]}{how}: image, mask and roi maps must cover one detector",
            )


def same_length(path: Path, what: str, n: int, other: str, n_other: int) -> None:
    """Raise when two per-bin lists differ in length; names both."""
    if n != n_other:
        raise XpcsFormatError(path, f"{what} has {n} bins but {other} has {n_other}")
