"""Detector images for the mask editor: a result file's SAXS-2D, single images, raw frames.

:func:`read_image` (``xv.read_image``) opens, by the file's ending and then its content:

- ``.tif``/``.tiff``/``.edf``/``.cbf``: one detector image through ``fabio`` (the detector-format
  reader of ESRF/silx; a multi-frame EDF or TIFF gives the mean of ``frames``);
- ``.hdf``/``.h5``/``.hdf5``/``.nxs``: a result file (``/xpcs`` present: its SAXS-2D, with the
  stored geometry and mask), else raw frames at ``/entry/data/data`` (N, H, W), averaged over
  ``frames`` block by block through the io gate :class:`~xpcsviewer.io._h5.Source` (links,
  VDS and sizes checked; never more than ``BLOCK_BYTES`` of frames in memory at once);
- ``.npy``: a 2-D NumPy array (no pickles).

Frame ranges are Python's half-open ``(start, stop)``: frames ``start .. stop - 1``, ``None``
for either end meaning the file's first / last. Every problem raises
:class:`~xpcsviewer.io.XpcsFormatError` naming the file and what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import XpcsFormatError
from ._h5 import _H5_ERRORS, Source, path_problem
from ._keys import RAW_FRAMES, RESULT_SUFFIXES
from ._limits import MAX_DETECTOR_PIXELS
from ._records import QMap

FABIO_SUFFIXES = (".tif", ".tiff", ".edf", ".cbf")
IMAGE_SUFFIXES = (*FABIO_SUFFIXES, *RESULT_SUFFIXES, ".npy")
BLOCK_BYTES = 256 * 2**20  # frames summed per read: bounded memory, few HDF5 calls

Frames = tuple[int | None, int | None] | None


class ImageReadCancelled(Exception):
    """Raised by :func:`read_image` when its ``cancel`` fired between two blocks of frames."""


@dataclass(frozen=True)
class DetectorImage:
    """An image to mask and partition, and where it came from.

    ``image`` (H, W) float64 (counts per pixel; for frames, the mean per frame). ``kind``:
    ``"result"``, ``"tiff"``, ``"edf"``, ``"cbf"``, ``"frames"`` (raw HDF5) or ``"npy"``.
    ``frames`` the averaged ``(start, stop)`` (half-open) of ``n_frames`` in the file, None for
    a single image. ``qmap`` the stored ``/xpcs/qmap`` of a result file (its geometry, mask and
    bin grids), None otherwise: the other sources carry no geometry.
    """

    image: np.ndarray
    path: Path
    kind: str
    n_frames: int = 1
    frames: tuple[int, int] | None = None
    qmap: QMap | None = None

    @property
    def description(self) -> str:
        if self.kind == "result":
            return f"{self.path.name}: SAXS-2D of a result file"
        if self.frames is not None:
            a, b = self.frames
            return (f"{self.path.name}: mean of frames {a}–{b - 1} ({b - a} of {self.n_frames})")
        return f"{self.path.name}: {self.kind.upper()} image"


def parse_frames(text: str) -> Frames:
    """``"A:B"`` (either side may be blank) -> ``(A, B)``; ``""`` -> None (all frames).
    Raises ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    parts = text.split(":")
    if len(parts) != 2:
        raise ValueError(f"a frame range is START:STOP (half-open), got {text!r}")
    try:
        a, b = (int(p) if p.strip() else None for p in parts)
    except ValueError:
        raise ValueError(f"a frame range is START:STOP of whole numbers, got {text!r}") from None
    return a, b


def frame_range(path: Path, frames: Frames, n: int) -> tuple[int, int]:
    """``frames`` checked against a file of ``n`` frames -> (start, stop); raises
    XpcsFormatError for a range outside 0..n or an empty one."""
    if isinstance(frames, slice):
        if frames.step not in (None, 1):
            raise XpcsFormatError(path, f"frame range {frames} has a step; only contiguous ranges")
        frames = (frames.start, frames.stop)
    start, stop = (None, None) if frames is None else frames
    start = 0 if start is None else int(start)
    stop = n if stop is None else int(stop)
    if start < 0 or stop > n:
        raise XpcsFormatError(path, f"frames {start}:{stop} are outside the {n} frame"
                              f"{'s' if n != 1 else ''} of the file (0:{n})")
    if stop <= start:
        raise XpcsFormatError(path, f"frame range {start}:{stop} is empty")
    return start, stop


def read_image(path: str | Path, frames: Frames = None, *,
               progress: Callable[[float, str], None] | None = None,
               cancel: Any = None) -> DetectorImage:
    """The detector image in ``path`` (module docstring), as a :class:`DetectorImage`.

    frames: ``(start, stop)`` half-open, or a ``slice``; None = all frames (raw HDF5 and
    multi-frame images; a single image has one). progress: ``progress(fraction, message)``
    after each block of frames. cancel: a callable or an object with ``.cancelled``; checked
    between blocks, it stops the read with :class:`ImageReadCancelled`.
    Raises XpcsFormatError (naming the file) for a missing or unreadable file, an unknown
    ending, a fabio failure, an image that is not 2-D (or frames not 3-D), an empty or
    out-of-range frame range, a detector larger than ``MAX_DETECTOR_PIXELS``.
    """
    path = Path(path)
    problem = path_problem(path)
    if problem:
        raise XpcsFormatError(path, problem)
    suffix = path.suffix.lower()
    if suffix in FABIO_SUFFIXES:
        from ._fabio import read_fabio

        return read_fabio(path, frames, progress, cancel)
    if suffix == ".npy":
        return _read_npy(path, frames)
    if suffix in RESULT_SUFFIXES:
        return _read_hdf5(path, frames, progress, cancel)
    raise XpcsFormatError(path, f"unknown image format {suffix or '(no ending)'!r}; one of "
                          f"{', '.join(IMAGE_SUFFIXES)}")


def is_result_file(path: str | Path) -> bool:
    """Whether ``path`` is an HDF5 file with an ``/xpcs`` group (a result file, not raw
    frames or an image); False for any file that cannot be read (``read_image`` says why)."""
    path = Path(path)
    if path.suffix.lower() not in RESULT_SUFFIXES or path_problem(path):
        return False
    try:
        with Source(path) as src:
            return src.has("/xpcs")
    except XpcsFormatError:
        return False


def checked_image(path: Path, a: Any, what: str) -> np.ndarray:
    """``a`` as an (H, W) float64 detector image; raises XpcsFormatError naming ``what``."""
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf":
        raise XpcsFormatError(path, f"{what} holds no numeric image")
    if a.ndim != 2:
        raise XpcsFormatError(path, f"{what} has shape {a.shape}, expected a 2-D image (H, W)")
    if a.size == 0:
        raise XpcsFormatError(path, f"{what} is empty (shape {a.shape})")
    if a.size > MAX_DETECTOR_PIXELS:
        raise XpcsFormatError(path, f"{what} has {a.size:,} pixels, more than the "
                              f"{MAX_DETECTOR_PIXELS:,} of a detector image")
    return np.asarray(a, np.float64)


def single(path: Path, frames: Frames) -> None:
    """A one-image file accepts only no range or the range of its one frame."""
    frame_range(path, frames, 1)


def _read_npy(path: Path, frames: Frames) -> DetectorImage:
    single(path, frames)
    try:
        a = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise XpcsFormatError(path, f"not a readable .npy array ({exc})") from None
    return DetectorImage(checked_image(path, a, "the array"), path, "npy")


def _read_hdf5(path: Path, frames: Frames, progress, cancel) -> DetectorImage:
    with Source(path) as src:
        if not src.has("/xpcs"):  # a result file may hold /entry too: /xpcs decides
            if src.has(RAW_FRAMES):
                return _average_frames(src, frames, progress, cancel)
            raise XpcsFormatError(path, f"neither a result file (/xpcs) nor raw frames "
                                  f"({RAW_FRAMES}); top-level keys: {sorted(src.h5.keys())[:8]}")
    from ._file import open_file

    single(path, frames)
    f = open_file(path)
    image = checked_image(path, np.asarray(f.saxs_2d), "SAXS-2D")
    return DetectorImage(image, path, "result", qmap=f.qmap)


def is_cancelled(cancel: Any) -> bool:
    if cancel is None:
        return False
    return bool(cancel() if callable(cancel) else getattr(cancel, "cancelled", False))


def _average_frames(src: Source, frames: Frames, progress, cancel) -> DetectorImage:
    path, key = src.path, RAW_FRAMES
    ds = src.get(key)
    try:
        shape, dtype, chunks = ds.shape, ds.dtype, ds.chunks
    except _H5_ERRORS as exc:
        raise XpcsFormatError(path, f"cannot read {key}: {exc}") from None
    if dtype.kind not in "biuf":
        raise XpcsFormatError(path, f"{key} has dtype {dtype}, expected numbers")
    if shape is None or len(shape) != 3:
        raise XpcsFormatError(path, f"{key} has shape {shape}, expected frames (N, H, W)")
    n, h, w = (int(d) for d in shape)
    if h * w == 0:
        raise XpcsFormatError(path, f"{key} has empty frames (shape {shape})")
    if h * w > MAX_DETECTOR_PIXELS:
        raise XpcsFormatError(path, f"{key} frames have {h * w:,} pixels, more than the "
                              f"{MAX_DETECTOR_PIXELS:,} of a detector image")
    problem = src.dataset_problem(key, ds)
    if problem:
        raise XpcsFormatError(path, problem)
    start, stop = frame_range(path, frames, n)
    # Whole chunks along the frame axis where the file is chunked (each is decompressed once).
    step = max(1, BLOCK_BYTES // (h * w * max(dtype.itemsize, 8)))
    if chunks is not None and chunks[0] < step:
        step = step // chunks[0] * chunks[0]
    total = np.zeros((h, w), np.float64)
    for a in range(start, stop, step):
        b = min(a + step, stop)
        if is_cancelled(cancel):
            raise ImageReadCancelled(f"reading {path.name} cancelled at frame {a}")
        try:
            block = ds[a:b]
        except _H5_ERRORS as exc:
            raise XpcsFormatError(path, f"cannot read frames {a}:{b} of {key} (damaged?): "
                                  f"{exc}") from None
        total += block.sum(axis=0, dtype=np.float64)
        if progress is not None:
            progress((b - start) / (stop - start), f"{path.name}: {b - start} of "
                     f"{stop - start} frames read")
    return DetectorImage(total / (stop - start), path, "frames", n, (start, stop))
