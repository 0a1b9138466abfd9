"""Light and dark themes: the Qt palette, pyqtgraph's plot background and ink, and the line
palette, chosen in Preferences (or ``--theme``) and applied before the window is built.

The line colours are the Okabe–Ito set (distinguishable with the common colour-vision
deficiencies; Okabe & Ito, "Color Universal Design", 2008), without its black and yellow,
which vanish on one background or the other; its orange and sky blue are deepened on white
and all hues lightened on near-black, so every line keeps a contrast ratio of at least 3
with its background (tested). Exports (matplotlib) stay light: they go
into reports and papers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Qt-free at import: tab controllers read the line colours (Qt is imported in apply_theme).


@dataclass(frozen=True)
class Theme:
    name: str
    background: str  # plot background
    foreground: str  # axes, ticks, text in plots
    lines: tuple[str, ...]  # line and symbol colours, in order of use
    note: str  # amber notes ("at a bound", "left out")
    alarm: str  # red notes ("fit failed")


LIGHT = Theme("light", "#ffffff", "#000000",
              ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07800", "#3A8DC0", "#8c564b",
               "#7f7f7f"), "#9a6200", "#b00020")
DARK = Theme("dark", "#1e1f22", "#dcdcdc",
             ("#56B4E9", "#FF8C42", "#2FD1A0", "#E59AC6", "#F5B83D", "#9ED8FF", "#C49A82",
              "#B0B0B0"), "#f0b040", "#ff6b6b")
THEMES = {t.name: t for t in (LIGHT, DARK)}
_active = LIGHT


def active() -> Theme:
    """The theme in use (light until :func:`apply_theme` says otherwise)."""
    return _active


def apply_theme(name: str, app: Any = None) -> Theme:
    """Make theme ``name`` ("light" or "dark") the one new widgets are drawn in: pyqtgraph's
    defaults, and the application palette (Fusion style, so the palette applies everywhere).
    Plots made before keep their colours, so the window applies it before building itself."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    global _active
    theme = THEMES.get(name, LIGHT)
    _active = theme
    pg.setConfigOptions(background=theme.background, foreground=theme.foreground)
    app = app or QApplication.instance()
    if app is not None:
        app.setStyle("Fusion")
        app.setPalette(_palette(theme))
    return theme


def _palette(theme: Theme) -> Any:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    if theme.name == "light":
        return QApplication.style().standardPalette() if QApplication.style() else QPalette()
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#dcdcdc",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#2b2d30",
        QPalette.ColorRole.ToolTipBase: "#2b2d30", QPalette.ColorRole.ToolTipText: "#dcdcdc",
        QPalette.ColorRole.Text: "#dcdcdc", QPalette.ColorRole.Button: "#34363a",
        QPalette.ColorRole.ButtonText: "#dcdcdc", QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#56B4E9", QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p
