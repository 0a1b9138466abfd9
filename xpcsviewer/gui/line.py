"""The one line type every plot draws: on screen (``plotting.LinePanel``, the g2
``PanelGrid``) and on paper (``plotting.export_panels_figure``, ``export_grid_figure``).

Qt-free at import, so tab controllers build their curves as :class:`Line` objects and their
tests run without PySide6; the colours come from the theme's palette (``gui/theme.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

from .theme import Theme, active

RGB = tuple[int, int, int]
#: "The ink colour": black on paper and in the light theme, light grey in the dark one
#: (a reference curve such as the stored multi-tau g2 or a mean).
INK: RGB = (-1, -1, -1)


@dataclass(frozen=True)
class Line:
    """One curve: ``x``, ``y`` (n,) in the panel's units; ``err`` (n,) one sigma or None.

    colour: ``None`` = the palette colour of the line's place in its list, an ``int`` = that
    palette colour (one per file, so a file keeps its colour across panels), an RGB 0..255
    tuple, or :data:`INK`. symbol: points with error bars (measured data) rather than a line
    (derived curves, fits); dashed: a line drawn dashed (fits, rejected, reference).
    marker: the points' shape, one of :data:`MARKERS` (matplotlib's codes): where colour
    already tells one thing apart (φ sectors), the shape tells the files apart.
    """

    x: Any
    y: Any
    label: str = ""
    err: Any = None
    colour: int | RGB | None = None
    symbol: bool = False
    dashed: bool = False
    marker: str = "o"


#: Point shapes in order of use (matplotlib's marker codes), one per overlaid file up to the
#: g2 tab's cap of 8 files, and the glyph that stands for each in a text key.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "<", ">", "*")
MARKER_GLYPHS: dict[str, str] = {"o": "●", "s": "■", "^": "▲", "D": "◆", "v": "▼", "<": "◀",
                                 ">": "▶", "*": "★"}


def marker(index: int) -> str:
    """Shape ``index`` (cycling) of :data:`MARKERS`."""
    return MARKERS[index % len(MARKERS)]


def palette(index: int, theme: Theme | None = None) -> RGB:
    """Palette colour ``index`` (cycling) of ``theme``, default the active theme, as RGB."""
    colours = (theme or active()).lines
    return hex_rgb(colours[index % len(colours)])


def resolve(colour: int | RGB | None, position: int = 0, theme: Theme | None = None) -> RGB:
    """A line's RGB colour (see :class:`Line`); ``position`` is its place in its list."""
    if colour is None:
        return palette(position, theme)
    if isinstance(colour, Integral):
        return palette(int(colour), theme)
    if tuple(colour) == INK:
        return hex_rgb((theme or active()).foreground)
    return tuple(colour)  # type: ignore[return-value]


def hex_rgb(text: str) -> RGB:
    """``"#rrggbb"`` as an RGB 0..255 tuple."""
    h = text.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
