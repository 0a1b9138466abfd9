"""Matplotlib exports show every string of ours verbatim.

Matplotlib typesets text between ``$`` signs as mathtext, so a file or sample named
``run_$T$.hdf`` would come out as an italic T, or fail to parse and abort the export. No
label of ours uses mathtext (units are written in Unicode), so before saving, mathtext is
turned off for every text we put in the figure. Tick labels are left alone: log axes write
theirs as mathtext (10⁻³).
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from typing import Any

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Screen titles may carry rich text (a coloured ● per file); paper gets its words."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def drawn_tick_labels(axis: Any) -> list[Any]:
    """The tick labels ``axis`` draws: visible, not empty, at a tick inside the view
    (matplotlib keeps labels of ticks just outside it, which it does not draw)."""
    if not axis.axes.axison:
        return []
    lo, hi = sorted(axis.get_view_interval())
    slack = 1e-9 * max(abs(lo), abs(hi), 1e-300)
    index = 0 if axis.axis_name == "x" else 1
    return [t for t in axis.get_ticklabels(which="both") if t.get_visible() and t.get_text()
            and lo - slack <= t.get_position()[index] <= hi + slack]


def few_log_labels(axis: Any) -> None:
    """A log axis over up to three decades labelled at 1, 2 and 5 per decade in plain
    numbers (0.002, 0.005, 0.01), as the screen does, rather than one 10⁻² over a q range
    of one decade; over more decades (a g2 time axis) at the decades only, as 10⁻⁵. Labels
    that still crowd are thinned after layout (:func:`drop_crowded_minor_labels`)."""
    from matplotlib.ticker import FuncFormatter, LogFormatterSciNotation, LogLocator

    sci = LogFormatterSciNotation()
    sci.set_axis(axis)

    def label(value: float, pos: Any) -> str:
        lo, hi = sorted(axis.get_view_interval())
        if lo > 0 and hi / lo <= 1e3:
            return f"{value:g}"
        exponent = math.log10(value) if value > 0 else math.nan
        return sci(value, pos) if abs(exponent - round(exponent)) < 1e-6 else ""

    axis.set_major_locator(LogLocator(10.0))
    axis.set_minor_locator(LogLocator(10.0, subs=(2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(FuncFormatter(label))


def _crowded(axis: Any, renderer: Any) -> bool:
    """Two labels of ``axis`` overlap or touch (closer than 5 pt: "0.0050 0.0075" reads as one number)."""
    pad = renderer.points_to_pixels(2.5)
    boxes = [t.get_window_extent(renderer).padded(pad) for t in drawn_tick_labels(axis)]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def drop_crowded_minor_labels(figure: Any) -> None:
    """Tick labels that run into each other in a small panel are thinned after layout:
    first a log axis' minor labels are dropped (2×10⁻³, 3×10⁻³ …; the ticks stay), then an
    axis still crowded gets fewer major ticks (a linear q axis wrote 0.0050.0100.015), until
    no two labels of one axis overlap."""
    from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

    for attempt in range(5):
        # Place everything at the figure's size first; twice, as constrained layout settles
        # over two draws (the first places legends and texts, the second the axes by them).
        figure.canvas.draw()
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        crowded = [axis for axes in figure.axes for axis in (axes.xaxis, axes.yaxis)
                   if _crowded(axis, renderer)]
        if not crowded:
            return
        for axis in crowded:
            if attempt == 0:
                axis.set_minor_formatter(NullFormatter())
                continue
            n = max(2, len(axis.get_majorticklocs()) // 2)
            log = axis.get_scale() == "log"
            axis.set_major_locator(LogLocator(10.0, numticks=n) if log else MaxNLocator(n))
            axis.set_minor_formatter(NullFormatter())


def wrapped(text: str, width_in: float, fontsize: float) -> str:
    """``text`` broken into lines that fit ``width_in`` inches at ``fontsize`` points (an
    average glyph is ~0.6 em wide), so a long title or file name is never clipped at the
    figure's edge nor drawn over its neighbour's."""
    per_line = max(12, int(width_in * 72 / (0.6 * fontsize)))
    return "\n".join(textwrap.fill(line, per_line) for line in text.splitlines() or [""])


def verbatim_texts(figure: Any) -> None:
    """Turn mathtext off for ``figure``'s titles, axis labels, legends and free texts."""
    texts = list(figure.texts)  # suptitle, supxlabel and figure.text
    for legend in figure.legends:  # a grid's one legend below it
        texts += legend.get_texts()
    for axes in figure.axes:  # colour bars are axes too: their label is an axis label
        texts += [axes.title, axes.xaxis.label, axes.yaxis.label, *axes.texts]
        legend = axes.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    for text in texts:
        text.set_parse_math(False)
