"""Matplotlib exports show every string of ours verbatim.

Matplotlib typesets text between ``$`` signs as mathtext, so a file or sample named
``run_$T$.hdf`` would come out as an italic T, or fail to parse and abort the export. No
label of ours uses mathtext (units are written in Unicode), so before saving, mathtext is
turned off for every text we put in the figure. Tick labels are left alone: log axes write
theirs as mathtext (10⁻³).
"""

from __future__ import annotations

from typing import Any


def verbatim_texts(figure: Any) -> None:
    """Turn mathtext off for ``figure``'s titles, axis labels, legends and free texts."""
    texts = list(figure.texts)  # suptitle, supxlabel and figure.text
    for axes in figure.axes:  # colour bars are axes too: their label is an axis label
        texts += [axes.title, axes.xaxis.label, axes.yaxis.label, *axes.texts]
        legend = axes.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    for text in texts:
        text.set_parse_math(False)
