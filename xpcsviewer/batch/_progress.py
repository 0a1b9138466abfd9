"""Progress: a ``tqdm`` bar on a terminal, plain ``done/total`` lines when not a TTY (logs, CI).

tqdm (not rich): it is already installed with NumPyro, draws one bar on stderr, and a
pipe gets lines that a log file can hold.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts files done. ``update(n, note)`` after each chunk; ``close()`` at the end."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None,
                 bar: bool | None = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream if stream is not None else sys.stderr
        if bar is None:
            bar = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar = None
        if bar:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit="file", file=self.stream)
        self._start = time.perf_counter()

    def update(self, n: int, note: str = "") -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            if note:
                self._bar.set_postfix_str(note, refresh=False)
            return
        rate = self.done / max(time.perf_counter() - self._start, 1e-9)
        extra = f" ({note})" if note else ""
        print(f"{self.label}: {self.done}/{self.total} files, {rate:.3g} files/s{extra}",
              file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
