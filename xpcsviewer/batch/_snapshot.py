"""``batch snapshot``: what ``xpcsviewer FOLDER --snapshot DIR`` does, once per file.

Each file is linked alone into a scratch folder and handed to the viewer's own snapshot entry
(``xpcsviewer.gui.app.run(folder, snapshot=...)``), so the pictures are exactly those of
``--snapshot``: every tab, default preferences, offscreen. Qt is imported here, lazily, and by
nothing else in this package.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path


def _link(src: Path, dst: Path) -> None:
    # A symlink costs nothing; where links are not allowed (some Windows setups), copy.
    try:
        os.symlink(src.resolve(), dst)
    except OSError:
        shutil.copy2(src, dst)


def snapshot_folder(folder: str | Path, out: str | Path, *, backend: str | None = None,
                    size: tuple[int, int] | None = None) -> int:
    """Render every result file of ``folder`` to ``out/<file stem>/<tab>.png``, in a window
    of ``size`` (width, height) pixels (``--snapshot``'s default when None).

    A file that the viewer cannot show, or whose rendering fails, is reported on stderr and
    skipped. Returns 0 when every file was rendered, 1 when some failed, 2 when ``folder``
    holds no result file.
    """
    import xpcsviewer as xv

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from xpcsviewer.gui.app import run

    summaries = xv.scan(folder)
    if not summaries:
        print(f"xpcsviewer batch: {folder}: no result files", file=sys.stderr)
        return 2
    out = Path(out)
    failed = 0
    for k, s in enumerate(summaries, 1):
        if s.error:
            print(f"[{k}/{len(summaries)}] {s.name}: skipped: {s.error}", file=sys.stderr)
            failed += 1
            continue
        target = out / s.path.stem
        with tempfile.TemporaryDirectory(prefix="xpcsviewer-batch-") as scratch:
            _link(s.path, Path(scratch) / s.name)
            listing = io.StringIO()
            try:
                with contextlib.redirect_stdout(listing):  # run() prints each PNG it wrote
                    rc = run(folder=Path(scratch), snapshot=target, select=1, backend=backend,
                             **({"size": size} if size else {}))
            except Exception as exc:  # noqa: BLE001 - one file's failure never stops the batch
                reason = exc.problem if isinstance(exc, xv.XpcsFormatError) else exc
                rc, listing = 1, io.StringIO(f"{type(exc).__name__}: {reason}")
        written = sorted(target.glob("*.png")) if target.is_dir() else []
        if rc != 0 or not written:
            print(f"[{k}/{len(summaries)}] {s.name}: failed: {listing.getvalue().strip()}",
                  file=sys.stderr)
            failed += 1
        else:
            print(f"[{k}/{len(summaries)}] {s.name}: {len(written)} images in {target}",
                  file=sys.stderr)
    return 1 if failed else 0
