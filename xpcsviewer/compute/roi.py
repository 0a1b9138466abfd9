"""Roi labels <-> stored columns: the compact numbering of ``/xpcs/qmap`` (NumPy, host side).

In a qmap written by pySimpleMask, and so in every boost_corr result, only the (q, phi) cells
that hold pixels are labelled: label r (1..K) is stored column r - 1 (of ``normalized_g2``,
``scattering_1d``), and ``*_index_mapping[r - 1]`` is that column's flat grid index
``iq * n_phi + iphi``. Label 0 is an unused pixel. ``tests/data/README.md`` shows it on a real
multi-phi file with empty cells (phi_c). The Q-map and SAXS-2D tabs both pick a g2 column from
a clicked pixel, so the rule lives here, once.
"""

from __future__ import annotations

import numpy as np


def bin_at_pixel(roi_map: np.ndarray, index_mapping: np.ndarray | None, used: np.ndarray | None,
                 column: int, row: int) -> int | None:
    """The g2 column of pixel (``column``, ``row``): its label minus one.

    ``roi_map`` (ny, nx) int compact dynamic labels (0 = excluded); ``index_mapping`` (K,)
    grid index of each column (only its length is needed: label r is column r - 1 when
    1 <= r <= K); ``used`` (ny, nx) bool, False = masked. None for a pixel off the detector,
    masked, in no roi, or whose label has no stored column.
    """
    if index_mapping is None or not (0 <= row < roi_map.shape[0] and 0 <= column < roi_map.shape[1]):
        return None
    if used is not None and not bool(used[row, column]):
        return None
    label = int(roi_map[row, column])
    return label - 1 if 1 <= label <= np.size(index_mapping) else None


__all__ = ["bin_at_pixel"]
