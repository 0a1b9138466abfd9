"""Argument checks shared by the command lines (``xpcsviewer``, ``qmap``, ``batch``).

Every message names the option as typed on the command line and the value given (never an
API keyword or a temporary file), so a user can fix the command without reading the code.
argparse type functions raise ``ArgumentTypeError`` (argparse prefixes ``argument --opt:``
and exits 2); the other checks raise ``ValueError`` with the option in the text. Importing
this module imports neither Qt nor an array backend.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace | int:
    """``parser.parse_args(argv)``, or the exit code argparse chose (2 after its message on a
    bad argument, 0 after ``--help``) so every ``main`` returns its code instead of exiting."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2


def at_least_one(text: str) -> int:
    """A count option (bins, files, workers): a whole number >= 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {n}")
    return n


def check_out(out: Path, *, suffixes: tuple[str, ...], what: str, overwrite: bool,
              option: str = "--out") -> None:
    """Fail before any work, not after, when ``out`` is the wrong kind or cannot be written.

    ``what`` names the output ("the qmap file"). Raises ValueError when the suffix is not one
    of ``suffixes``, ``out`` is a folder, ``out`` exists and not ``overwrite``, or the nearest
    existing folder above it is not a writable folder (missing folders below it are made).
    """
    if out.suffix.lower() not in suffixes:
        raise ValueError(f"{option} {out}: {what} must end in {', '.join(suffixes)}")
    if out.is_dir():
        raise ValueError(f"{option} {out} is a folder; give a file name")
    if out.exists() and not overwrite:
        raise ValueError(f"{option} {out} exists; pass --overwrite to replace it")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write {option} {out}: {parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"cannot write {option} {out}: no permission to write in {parent}")


def write_failed(out: Path, exc: OSError, option: str = "--out") -> str:
    """The message for a write that failed anyway (a read-only or virtual file system):
    the reason without the temporary file's name that the OS error carries."""
    if isinstance(exc, FileExistsError):  # it appeared while we worked
        return f"{option} {out} exists; pass --overwrite to replace it"
    why = exc.strerror or str(exc)
    # The atomic writer's own text already starts "cannot write PATH: " (io._atomic): once.
    why = why.removeprefix(f"cannot write {out}: ")
    return f"cannot write {option} {out}: {why}"


def describe(exc: BaseException) -> str:
    """An input error as one line that names the file once (``XpcsFormatError``'s own text
    names it twice: its base name first, the full path at the end)."""
    from .io import XpcsFormatError

    if isinstance(exc, XpcsFormatError):
        return f"{exc.path}: {exc.problem}"
    return str(exc)


#: The window's smallest size: its panels do not fit in less, and Qt would silently render a
#: larger window than asked (0x0 came out 1159x656 offscreen, measured with the default font).
MIN_SIZE = (1160, 660)
#: Larger is a typo, not a screen (an 8K screen is 7680x4320); the image is held in memory.
MAX_SIZE = (8192, 8192)


def window_size(text: str) -> tuple[int, int]:
    """``"1366x768"`` -> (1366, 768); argparse reports anything else (exit 2), also a size
    below ``MIN_SIZE`` (the window would come out larger than asked) or above ``MAX_SIZE``."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be WIDTHxHEIGHT, e.g. 1366x768, got {text!r}") from None
    (lo_w, lo_h), (hi_w, hi_h) = MIN_SIZE, MAX_SIZE
    if width < lo_w or height < lo_h:
        raise argparse.ArgumentTypeError(
            f"the window is at least {lo_w}x{lo_h} pixels (its panels do not fit in less), "
            f"got {text!r}")
    if width > hi_w or height > hi_h:
        raise argparse.ArgumentTypeError(f"at most {hi_w}x{hi_h} pixels, got {text!r}")
    return width, height
