"""Matplotlib exports show every string of ours verbatim.

Matplotlib typesets text between ``$`` signs as mathtext, so a file or sample named
``run_$T$.hdf`` would come out as an italic T, or fail to parse and abort the export. No
label of ours uses mathtext (units are written in Unicode), so before saving, mathtext is
turned off for every text we put in the figure. Tick labels are left alone: log axes write
theirs as mathtext (10⁻³).
"""

from __future__ import annotations

import textwrap
from typing import Any


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
