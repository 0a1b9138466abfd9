"""``XpcsFile``: one result file, opened read-only; small data eager, big arrays lazy + cached."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np

from ._cache import ArrayCache, CacheBudget
from ._core import Core
from ._errors import XpcsFormatError
from ._h5 import Source
from ._intensity import FrameTrace
from ._layout import read_core
from ._records import C2Map, Metadata, QMap, frozen
from ._sanity import check_qmap
from ._segments import SegmentScale, segment_scale

# Height of the strips the in-place mirror works in: strip k (rows [k T, k T + T)) takes
# its part left of the diagonal from the columns above it, read T floats (a cache line or
# four) at a time, so the transposing copy stays in cache; measured fastest at 32-128.
_STRIP = 64
# Below-diagonal mask of one diagonal block, made once: the block copies its own transpose
# where the mask is set (an (n, n) mask or temporary is never made).
_BELOW = np.tril(np.ones((_STRIP, _STRIP), dtype=bool), -1)


def symmetrise(stored: np.ndarray, *, inplace: bool = False) -> np.ndarray:
    """Full symmetric (n, n) map from one that holds the upper triangle (i <= j).

    The correlator writes only i <= j (the lower triangle is 0), so the lower triangle is
    rebuilt as the mirror of the upper one, whatever is stored there; a map that is already
    full and symmetric comes out unchanged. The dtype is kept when it is float32 or float64
    (boost_corr writes float32: half the memory of float64, and no conversion pass; compute
    functions cast to float64 on the fly, ADR-001); any other dtype becomes float64.

    ``inplace``: mirror into ``stored`` itself (it must be a writable (n, n) array of a kept
    dtype, e.g. one just read from the file); otherwise a copy is made and returned.
    Raises ``ValueError`` when ``stored`` is not square.
    """
    if stored.ndim != 2 or stored.shape[0] != stored.shape[1]:
        raise ValueError(f"a two-time map must be square (n, n), got shape {stored.shape}")
    keep = stored.dtype in (np.float32, np.float64)
    if inplace and keep and stored.flags.writeable:
        full = stored
    else:
        full = np.array(stored, dtype=stored.dtype if keep else np.float64, order="C")
    n = full.shape[0]
    for i0 in range(0, n, _STRIP):
        i1 = min(n, i0 + _STRIP)
        full[i0:i1, :i0] = full[:i0, i0:i1].T
        block = full[i0:i1, i0:i1]
        k = i1 - i0
        # the block's transpose is copied first: it overlaps the block it is written to
        np.copyto(block, block.T.copy(), where=_BELOW[:k, :k])
    return full


class XpcsFile:
    """A result file. Use :func:`open_file` (``xpcsviewer.open``) to make one.

    Eager (read at open, a few kB): ``kinds``, ``metadata``, ``tau`` (n_tau,) s, ``g2`` and
    ``g2_err`` (n_tau, n_bins) float64, ``dynamic_q`` (1/Å) / ``dynamic_phi`` (deg) per g2
    column, ``static_q`` / ``static_phi`` per static bin, ``c2_bins``. Lazy and cached (read on
    first use into a cache drawing on ``budget``, by default the process-wide
    ``xpcsviewer.io.shared_budget()`` of a quarter of RAM shared by all files, least recently
    used first; ``cache_mb`` gives this file a private budget of that many MB instead): ``saxs_2d``, ``saxs_1d``, ``saxs_1d_segments``,
    ``intensity_t`` (and ``intensity_trace``), ``qmap``, ``c2(col)``. The HDF5 file is only open while a read runs, so
    thousands of XpcsFile objects hold no file handles; ``close()`` drops the cache.
    """

    def __init__(self, path: str | Path, cache_mb: float | None = None,
                 budget: CacheBudget | None = None) -> None:
        self.path = Path(path)
        self._cache = ArrayCache(cache_mb, budget)
        with Source(self.path) as src:
            reader, core = read_core(src)  # the same reading and checks as scan's
        self._reader: ModuleType = reader
        self._core: Core = core
        self.layout: str = self._reader.NAME
        self._notes: list[str] = list(self._core.notes)  # grows as lazy parts are read

    # -- context manager ----------------------------------------------------------------------
    def __enter__(self) -> XpcsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop cached arrays (the file itself is never held open between reads)."""
        self._cache.clear()

    def __repr__(self) -> str:
        kinds = "+".join(sorted(self.kinds))
        return f"XpcsFile({self.name!r}, {kinds}, {self.n_bins} bins, layout={self.layout})"

    # -- eager fields -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kinds(self) -> frozenset[str]:
        """Subset of {"multitau", "twotime"}."""
        return self._core.kinds

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader found wrong in this file and worked around, one sentence each
        (what was wrong, what was kept): from opening, plus those of the parts read so far
        (metadata fields, the q-map). Empty for a sound file."""
        return tuple(dict.fromkeys(self._notes))

    def _noted(self, value, notes: tuple[str, ...]):
        self._notes.extend(notes)
        return value

    @property
    def metadata(self) -> Metadata:
        """Measurement and correlator metadata (read on first use: config groups are many
        small datasets, and opening a file should not pay for them)."""
        return self._lazy("metadata", lambda s: self._noted(m := self._reader.metadata(s), m.notes))

    @property
    def n_bins(self) -> int:
        """Number of dynamic bins (g2 columns)."""
        return self._core.n_bins

    @property
    def tau(self) -> np.ndarray | None:
        """(n_tau,) float64 delay times in s, or None without multi-tau results."""
        return self._core.tau

    @property
    def g2(self) -> np.ndarray | None:
        """(n_tau, n_bins) float64 normalised g2 as stored (may hold NaN), or None."""
        return self._core.g2

    @property
    def g2_err(self) -> np.ndarray | None:
        """(n_tau, n_bins) float64 standard error of g2 (may be exactly 0), or None."""
        return self._core.g2_err

    @property
    def g2_partial(self) -> np.ndarray | None:
        """(n_parts, n_tau, n_bins) float64 g2 of a boost_corr ``-np`` run after each part
        (cumulative: part k covers the frames up to the end of part k), NaN where a part
        was not yet written; None when the file has none. Lazy; raises XpcsFormatError
        when its shape does not match ``g2``."""
        shape = None if self.g2 is None else self.g2.shape
        return self._lazy("g2_partial", lambda s: _frozen_or_none(self._reader.g2_partial(s, shape)))

    @property
    def dynamic_q(self) -> np.ndarray:
        """(n_bins,) float64 q of each g2 column, 1/Å."""
        return self._core.dynamic_q

    @property
    def dynamic_phi(self) -> np.ndarray:
        """(n_bins,) float64 phi of each g2 column, degrees."""
        return self._core.dynamic_phi

    @property
    def static_q(self) -> np.ndarray:
        """(n_static,) float64 q of each static bin, 1/Å."""
        return self._core.static_q

    @property
    def static_phi(self) -> np.ndarray:
        """(n_static,) float64 phi of each static bin, degrees."""
        return self._core.static_phi

    def bin_label(self, col: int) -> str:
        """Human label of g2 column ``col``, e.g. ``"q=0.00123 Å⁻¹, φ=0°"``."""
        self._check_col(col)
        return f"q={self.dynamic_q[col]:.5g} Å⁻¹, φ={self.dynamic_phi[col]:.4g}°"

    @property
    def c2_bins(self) -> tuple[int, ...]:
        """g2 columns that have a two-time map (empty without two-time results)."""
        return tuple(sorted(self._core.c2_keys))

    # -- lazy fields --------------------------------------------------------------------------
    def _lazy(self, key: str, load):
        def run():
            with Source(self.path) as src:
                return load(src)

        return self._cache.get(key, run)

    @property
    def saxs_2d(self) -> np.ndarray:
        """(ny, nx) float64 time-averaged intensity per pixel (photons/pixel/frame)."""
        return self._lazy("saxs_2d", lambda s: frozen(self._reader.saxs_2d(s)))

    @property
    def saxs_1d(self) -> tuple[np.ndarray, np.ndarray]:
        """(static_q (n_static,) 1/Å, intensity (n_static,) float64)."""
        return self.static_q, self._lazy("saxs_1d", lambda s: frozen(self._reader.saxs_1d(s)))

    @property
    def saxs_1d_segments(self) -> np.ndarray:
        """(n_segments, n_static) float64 SAXS-1D of successive parts of the run, as stored.

        Not always on the scale of ``saxs_1d``. In boost_corr multi-tau (and Both) files each
        frame was divided by its own mean intensity, segment k sums m = 2**L frames
        [k m, (k + 1) m) and the sum is divided by the run's N frames: dimensionless,
        ~m / (N Ī) of ``saxs_1d`` (0.222 in tests/data brownian_a, 0.139 in aging_b).
        Twotime-only files store 10 plain means of N // 10 frames, in photons/pixel/frame.
        ``saxs_1d_segments_normalised`` puts both on the scale of ``saxs_1d``; the derivation
        and the evidence are in ``xpcsviewer/io/_segments.py``. The legacy layout's scale is
        not known.
        """
        return self._lazy("segments", lambda s: frozen(self._reader.segments(s)))

    @property
    def segment_scale(self) -> SegmentScale:
        """How the stored segments map to photons/pixel/frame (``ok``, ``factor``,
        ``frames_per_segment``, ``first_frame``, ``run``), checked against this file's data
        by the rule of the correlator that wrote it (multi-tau, or two-time for Twotime-only
        files); ``reason`` says why not when ``ok`` is False (legacy layout, or values not on
        that scale)."""

        def load() -> SegmentScale:
            if self.layout != "aps-8idi-nexus":
                return SegmentScale(False, f"{self.layout} layout: the segments' scale is unknown")
            qm = self.qmap
            # compact labels: static column c is label c + 1, its weight that label's pixels
            n_static = np.asarray(qm.static_index_mapping).size
            ids = np.asarray(qm.static_roi_map, np.int64).ravel()
            pixels = np.bincount(ids, minlength=n_static + 1)[1 : n_static + 1]
            # Twotime-only runs write the segments their own way (see _segments.py)
            run = "multitau" if "multitau" in self.kinds else "twotime"
            return segment_scale(self.saxs_1d_segments, self.intensity_trace.on_stored_columns(),
                                 pixels, run=run, saxs_1d=self.saxs_1d[1])

        return self._cache.get("segment_scale", load)

    @property
    def saxs_1d_segments_normalised(self) -> np.ndarray | None:
        """(n_segments, n_static) float64 segments in photons/pixel/frame, on the scale of
        ``saxs_1d`` (stored x ``segment_scale.factor``: N / m x Ī for multi-tau files, Ī the
        mean intensity of the covered frames, 1 for Twotime-only files); None when
        ``segment_scale.ok`` is False. In multi-tau files each frame's total intensity was
        divided out by the correlator, so these show changes of the profile's shape, not of
        the beam; two-time segments keep the beam's changes."""
        scale = self.segment_scale
        if not scale.ok:
            return None
        return self._cache.get("segments_normalised",
                               lambda: frozen(self.saxs_1d_segments * scale.factor))

    @property
    def intensity_trace(self) -> FrameTrace:
        """The stored intensity-vs-time trace split into kept and bad frames: ``frame``,
        ``t`` (s), ``intensity`` (photons/pixel/frame) of the kept frames, ``n_bad`` frames
        left out (the correlator marks a bad frame with frame index 0), ``n_stored``."""
        return self._lazy("intensity_trace",
                          lambda src: self._reader.intensity(src, self._core.frame_time_s))

    @property
    def intensity_t(self) -> tuple[np.ndarray, np.ndarray]:
        """(t (n,) s from the stored frame index, mean intensity (n,) float64
        photons/pixel/frame) of the good frames; ``intensity_bad_frames`` says how many
        stored frames were left out."""
        trace = self.intensity_trace
        return trace.t, trace.intensity

    @property
    def intensity_bad_frames(self) -> int:
        """Number of stored frames left out of ``intensity_t`` (marked bad by the correlator,
        or with a non-finite value)."""
        return self.intensity_trace.n_bad

    @property
    def qmap(self) -> QMap:
        """The q/phi partition (masks, roi maps, value lists, index mappings, geometry).

        Raises XpcsFormatError when the maps belong to another detector shape. Roi labels
        beyond the stored bins are treated as unused (0) and named in ``notes``. Checked here,
        on first use, not at open: the maps are the size of the detector."""
        return self._lazy("qmap", lambda s: self._noted(*check_qmap(self.path, self._reader.qmap(s))))

    def c2(self, col: int) -> C2Map:
        """Full symmetric two-time map of g2 column ``col`` (one of ``c2_bins``).

        ``matrix`` keeps the stored dtype (float32 as boost_corr writes it; float64 for
        other dtypes); raises ``KeyError`` for a column without a map, ``XpcsFormatError``
        for one that cannot be read.
        """
        self._check_col(col)
        key = self._core.c2_keys.get(col)
        if key is None:
            raise KeyError(f"{self.name}: g2 column {col} has no two-time map; have {self.c2_bins}")

        def load(src):
            # The array was just read for us (shape checked square at open): mirror it in
            # place and keep float32, so the read makes no copy.
            m = symmetrise(self._reader.c2_stored(src, key), inplace=True)
            t = np.arange(m.shape[0], dtype=np.float64) * self._core.c2_dt
            return C2Map(frozen(m), frozen(t), col)

        return self._lazy(f"c2:{col}", load)

    def _check_col(self, col: int) -> None:
        if not 0 <= int(col) < self.n_bins:
            raise IndexError(f"{self.name}: g2 column {col} out of range 0..{self.n_bins - 1}")


def _frozen_or_none(a: np.ndarray | None) -> np.ndarray | None:
    return None if a is None else frozen(a)


def open_file(path: str | Path, cache_mb: float | None = None,
              budget: CacheBudget | None = None) -> XpcsFile:
    """Open a result file read-only; raises :class:`XpcsFormatError` when it is not one.
    Big arrays are cached in ``budget`` (default: the process-wide shared budget) or, with
    ``cache_mb``, in a private budget of that many MB."""
    return XpcsFile(path, cache_mb=cache_mb, budget=budget)


__all__ = ["XpcsFile", "XpcsFormatError", "open_file", "symmetrise"]
