"""Detector geometry for a Q-map: typed, from a result file's ``/xpcs/qmap``, or a pyFAI PONI file.

Units: energy keV, distance m, pixel size m, beam centre in pixels on the (column x, row y)
axes with pixel (0, 0) centred at coordinate 0 (``compute/qmap.py``).

PONI (pyFAI's calibration text, versions 1 and 2): ``Distance`` (m), ``Poni1``/``Poni2`` (m,
along rows / columns from the detector's corner), ``Rot1..3`` (rad), ``Wavelength`` (m) and the
pixel size (``PixelSize1/2`` in v1, ``pixel1/2`` inside the JSON ``Detector_config`` in v2).
pyFAI puts pixel i's centre at ``(i + 0.5) * pixel``, so the beam centre is
``poni / pixel - 0.5``. Our Q-map is a flat detector perpendicular to the beam: the rotations
are **ignored** (listed in :attr:`Geometry.ignored` when non-zero), and then the PONI is the
direct-beam position. Unequal pixel sizes are refused (the Q-map takes one square pixel).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import XpcsFormatError

#: keV·Å, the constant of ``compute.qmap`` (the APS mask tool's).
_E2K = 12.39841984


@dataclass(frozen=True)
class Geometry:
    """Energy (keV), distance (m), pixel size (m), beam centre (pixels, x column / y row).

    ``ignored``: what a source held that this flat-detector geometry does not use (e.g. PONI
    rotations), as human-readable lines; empty when nothing was dropped.
    """

    energy_kev: float
    distance_m: float
    pixel_size_m: float
    beam_center_x: float
    beam_center_y: float
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        for name in ("energy_kev", "distance_m", "pixel_size_m"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite number, got {value}")
        for name in ("beam_center_x", "beam_center_y"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be finite, got {getattr(self, name)}")

    def qmap_args(self, shape: tuple[int, int]) -> tuple:
        """The positional arguments of ``compute.compute_qmap`` for a detector ``shape``."""
        return (self.energy_kev, self.distance_m, self.pixel_size_m, self.beam_center_x,
                self.beam_center_y, tuple(shape))

    def with_center(self, x: float, y: float) -> Geometry:
        return Geometry(self.energy_kev, self.distance_m, self.pixel_size_m, float(x), float(y),
                        self.ignored)


def parse_geometry(text: str) -> Geometry:
    """``"energy=10,distance=5,pixel=75e-6,cx=40,cy=150"`` (keV, m, m, px, px) -> Geometry.

    Raises ValueError naming a missing, unknown or unreadable key.
    """
    names = {"energy": "energy_kev", "distance": "distance_m", "pixel": "pixel_size_m",
             "cx": "beam_center_x", "cy": "beam_center_y"}
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in names:
            raise ValueError(f"geometry: expected key=value with keys {', '.join(names)}; "
                             f"got {part!r}")
        try:
            values[names[key]] = float(value)
        except ValueError:
            raise ValueError(f"geometry: {key}={value!r} is not a number") from None
    missing = [k for k, v in names.items() if v not in values]
    if missing:
        raise ValueError(f"geometry: missing {', '.join(missing)}")
    return Geometry(**values)


def read_poni(path: str | Path) -> Geometry:
    """A pyFAI PONI file (v1 or v2) -> Geometry; raises XpcsFormatError naming the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise XpcsFormatError(path, f"cannot read the PONI file ({exc})") from None
    entries: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if sep:
            entries[key.strip().lower()] = value.strip()

    def number(key: str, default: float | None = None) -> float:
        if key not in entries:
            if default is not None:
                return default
            raise XpcsFormatError(path, f"PONI key {key!r} is missing")
        try:
            return float(entries[key])
        except ValueError:
            raise XpcsFormatError(path, f"PONI {key} = {entries[key]!r} is not a number") from None

    if "detector_config" in entries:
        try:
            config = json.loads(entries["detector_config"])
            pixel1, pixel2 = float(config["pixel1"]), float(config["pixel2"])
        except (ValueError, KeyError, TypeError):
            raise XpcsFormatError(path, "PONI Detector_config has no pixel1/pixel2") from None
    else:
        pixel1, pixel2 = number("pixelsize1"), number("pixelsize2")
    if not math.isclose(pixel1, pixel2, rel_tol=1e-9):
        raise XpcsFormatError(path, f"PONI pixels are not square ({pixel1} x {pixel2} m)")
    wavelength = number("wavelength")
    if not wavelength > 0:
        raise XpcsFormatError(path, f"PONI wavelength {wavelength} m is not positive")
    ignored = tuple(
        f"{name} = {value:g} rad (detector tilt; the flat perpendicular geometry ignores it)"
        for name in ("rot1", "rot2", "rot3")
        if (value := number(name, 0.0)) != 0.0
    )
    try:
        return Geometry(
            energy_kev=_E2K / (wavelength * 1e10),
            distance_m=number("distance"),
            pixel_size_m=pixel1,
            beam_center_x=number("poni2") / pixel2 - 0.5,
            beam_center_y=number("poni1") / pixel1 - 0.5,
            ignored=ignored,
        )
    except ValueError as exc:
        raise XpcsFormatError(path, f"PONI geometry: {exc}") from None
