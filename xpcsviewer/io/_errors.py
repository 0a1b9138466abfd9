"""The one exception the reader raises for a file it cannot read."""

from __future__ import annotations

from pathlib import Path


class XpcsFormatError(ValueError):
    """A result file is not readable as XPCS results.

    The message always names the file and what is wrong (a missing key with its path, a wrong
    shape or dtype, an empty dataset, not HDF5, truncated, an unsupported layout). ``path`` and
    ``problem`` hold the two parts separately for a GUI that wants to show them apart.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem} (file: {self.path})")
