"""The intensity-vs-time trace as stored, with the correlator's bad frames left out.

Both layouts store a (2, n) array: row 0 the frame index, row 1 the mean intensity of that
frame (photons/pixel/frame over the masked pixels). boost_corr writes frame index 0 in row 0
for a frame it rejected, so a bad frame shows as a jump of the index back to 0 (the first
column's index 0 is the real first frame). Such frames, and any with a non-finite or negative
index or a non-finite intensity, are left out and counted; times come from the stored index,
not from the column position, so the kept frames keep their own times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._records import frozen


@dataclass(frozen=True)
class FrameTrace:
    """The kept frames of a stored intensity trace.

    frame: (n,) int64 stored frame index of each kept frame; t: (n,) float64 s (frame index x
    frame time); intensity: (n,) float64 photons/pixel/frame; n_stored: columns in the stored
    trace; bad: (n_bad,) int64 column positions that were left out.
    """

    frame: np.ndarray
    t: np.ndarray
    intensity: np.ndarray
    n_stored: int
    bad: np.ndarray

    @property
    def n_bad(self) -> int:
        """How many stored frames were left out."""
        return int(self.bad.size)

    def on_stored_columns(self) -> np.ndarray:
        """(n_stored,) float64 intensity by stored column, NaN at the frames left out."""
        out = np.full(self.n_stored, np.nan)
        keep = np.ones(self.n_stored, bool)
        keep[self.bad] = False
        out[keep] = self.intensity
        return out

    def on_frame_grid(self) -> np.ndarray:
        """(frame.max() - frame.min() + 1,) float64, one value per frame index from the first
        kept frame to the last, NaN where no kept frame has that index (an even time grid
        for spectra)."""
        if self.frame.size == 0:
            return np.zeros(0)
        first = int(self.frame.min())
        out = np.full(int(self.frame.max()) - first + 1, np.nan)
        out[self.frame - first] = self.intensity
        return out


def frame_trace(stored: np.ndarray, frame_time_s: float) -> FrameTrace:
    """Split a stored (2, n) trace into kept frames and bad ones (see the module docstring)."""
    a = np.asarray(stored, dtype=np.float64)
    index, inten = (a[0], a[1]) if a.size else (np.zeros(0), np.zeros(0))
    n = index.size
    finite = np.isfinite(index) & np.isfinite(inten)
    with np.errstate(invalid="ignore"):
        rejected = (index == 0) & (np.arange(n) > 0)  # the correlator's bad-frame mark
        good = finite & (index >= 0) & ~rejected
    frame = index[good].astype(np.int64)
    return FrameTrace(
        frame=frozen(frame),
        t=frozen(frame * float(frame_time_s)),
        intensity=frozen(np.ascontiguousarray(inten[good])),
        n_stored=n,
        bad=frozen(np.flatnonzero(~good).astype(np.int64)),
    )
