"""Degenerate masks for :func:`xpcsviewer.compute.make_partition`: refused in words.

Checked on the host before the kernel runs, so both backends answer alike: a mask (with the
q range) that leaves no valid pixel, or whose valid pixels span no q range (one pixel, or
all at one q, without an explicit ``q_range``), raises ``ValueError``. The kernel's bin
arithmetic divides by the q span, which is 0 there: the one pixel would otherwise get a
NaN bin and be dropped (or numbered at random) without a word.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def check_partition_input(
    q: Any, phi: Any, mask: Any, scale: str, q_range: tuple[float, float] | None
) -> None:
    """Raise ``ValueError`` for a mask that cannot be partitioned (see the module docstring).

    q: (ny, nx) Å⁻¹; phi: (ny, nx) degrees; mask: (ny, nx), nonzero = valid; scale:
    ``"linear"`` or ``"log"``. A valid pixel with a finite q but a non-finite phi has no
    phi bin (the kernel would number it at random): refused too.
    """
    qn = np.asarray(q, dtype=np.float64)
    valid = (np.asarray(mask) != 0) & np.isfinite(qn)
    bad_phi = int(np.count_nonzero(valid & ~np.isfinite(np.asarray(phi, dtype=np.float64))))
    if bad_phi:
        raise ValueError(f"phi is not finite at {bad_phi} valid pixel(s) with a finite q: "
                         "mask them or give their angle")
    if scale == "log":
        if q_range is not None and not float(q_range[0]) > 0:
            raise ValueError(f"log q bins need q_range[0] > 0, got {q_range}")
        valid &= qn > 0
    if not valid.any():
        raise ValueError("the mask leaves no valid pixel (with a finite"
                         + (", positive" if scale == "log" else "") + " q) to partition")
    qv = qn[valid]
    if q_range is not None:
        lo, hi = float(q_range[0]), float(q_range[1])
        if not ((qv >= lo) & (qv <= hi)).any():
            raise ValueError(f"no valid pixel has q in q_range ({lo:g}, {hi:g}) Å⁻¹ "
                             f"(valid pixels span {qv.min():g}..{qv.max():g} Å⁻¹)")
    elif not qv.max() > qv.min():
        raise ValueError(f"the {qv.size} valid pixel(s) all have q = {qv.min():g} Å⁻¹: no q range "
                         "to divide into bins; give q_range")
