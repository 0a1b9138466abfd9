"""Single detector images (TIFF, EDF, CBF) through ``fabio``, for :func:`~._images.read_image`.

fabio (ESRF's reader of detector formats, used by pyFAI and silx) is imported only here and
only when such a file is opened. It raises whatever its format parser meets (OSError,
ValueError, even AttributeError on a garbled header), so every failure of ``fabio.open`` is
caught and said as an :class:`~xpcsviewer.io.XpcsFormatError` naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ._errors import XpcsFormatError
from ._images import (
    DetectorImage,
    Frames,
    ImageReadCancelled,
    checked_image,
    frame_range,
    is_cancelled,
)

_KIND = {".tif": "tiff", ".tiff": "tiff", ".edf": "edf", ".cbf": "cbf"}


def read_fabio(path: Path, frames: Frames, progress: Any, cancel: Any) -> DetectorImage:
    """The image (or the mean of ``frames`` of a multi-frame file) in ``path``."""
    import fabio

    kind = _KIND[path.suffix.lower()]
    try:
        img = fabio.open(str(path))
    except Exception as exc:  # noqa: BLE001 - fabio's parsers raise any type (module doc)
        raise XpcsFormatError(path, f"not a readable {kind.upper()} image (fabio: "
                              f"{type(exc).__name__}: {exc})") from None
    try:
        n = int(getattr(img, "nframes", 1) or 1)
        start, stop = frame_range(path, frames, n)
        if n == 1:
            return DetectorImage(checked_image(path, img.data, f"the {kind.upper()} image"),
                                 path, kind)
        total: np.ndarray | None = None
        for i in range(start, stop):
            if is_cancelled(cancel):
                raise ImageReadCancelled(f"reading {path.name} cancelled at frame {i}")
            try:
                data = img.getframe(i).data
            except Exception as exc:  # noqa: BLE001 - as fabio.open above
                raise XpcsFormatError(path, f"cannot read frame {i} of {n} (fabio: {exc})") from None
            frame = checked_image(path, data, f"frame {i}")
            if total is not None and frame.shape != total.shape:
                raise XpcsFormatError(path, f"frame {i} is {frame.shape}, frame {start} "
                                      f"{total.shape}")
            total = frame if total is None else total + frame
            if progress is not None:
                progress((i + 1 - start) / (stop - start), f"{path.name}: frame {i} read")
        assert total is not None  # frame_range refuses an empty range
        return DetectorImage(total / (stop - start), path, kind, n, (start, stop))
    finally:
        close = getattr(img, "close", None)
        if close is not None:
            close()
