"""CSV and JSON writers shared by the result types (NaN and inf become null in JSON).

Given a path, the text is written as a new file: ``FileExistsError`` when it exists, unless
``overwrite=True``; the file appears complete or not at all (``xpcsviewer.io._atomic``).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def _save(path: str | Path, text: str, overwrite: bool) -> None:
    from xpcsviewer.io._atomic import write_new_text  # on use: fitting needs no h5py to import

    write_new_text(Path(path), text, overwrite=overwrite)


def write_json(payload: dict, path: str | Path | None, *, overwrite: bool = False) -> str:
    """Dump ``payload`` as strict JSON; also write it to ``path`` when given (an existing file
    only with ``overwrite=True``, else ``FileExistsError``). Returns the text."""
    text = json.dumps(_clean(payload), indent=1, allow_nan=False)
    if path is not None:
        _save(path, text, overwrite)
    return text


def write_csv(
    header: list[str], rows: list[list[Any]], path: str | Path | None, comment: str | dict,
    *, overwrite: bool = False,
) -> str:
    """A CSV table preceded by ``# `` comment lines (provenance); returns the text. Written
    to ``path`` when given (an existing file only with ``overwrite=True``). A dict comment is
    written as one line of strict JSON, NaN and inf as null (as :func:`write_json` does)."""
    if isinstance(comment, dict):
        comment = json.dumps(_clean(comment), allow_nan=False)
    buf = io.StringIO()
    for line in comment.splitlines():
        buf.write(f"# {line}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_fmt(v) for v in row])
    text = buf.getvalue()
    if path is not None:
        _save(path, text, overwrite)
    return text


def _fmt(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return repr(float(v)) if math.isfinite(v) else "nan"
    return v


def check_index(i, n: int, what: str) -> int:
    """``i`` as an index into ``n`` items called ``what`` ("file", "row"); negative counts
    from the end as in Python. TypeError for a non-integer, IndexError naming ``n``."""
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
        raise TypeError(f"{what} index must be an int, got {i!r} ({type(i).__name__})")
    if not -n <= i < n:
        raise IndexError(f"{what} {i} out of range: this fit has {n} {what}{'s' if n != 1 else ''}"
                         f" (0..{n - 1})")
    return int(i) % n
