"""Writing a new file so that nothing of the user's is replaced and nothing half-written is left.

Every file the viewer writes (result files, exports) goes through :class:`NewFile`:

- the bytes go to a temporary in the destination folder, named recognisably as ours:
  ``.NAME.xpcsviewer-XXXXXXXX.tmp`` (XXXXXXXX random hex), created with the user's umask
  like any other file, and locked (``flock``) for as long as its writer lives;
- when complete it is flushed to disk and put in place: without ``overwrite`` by a hard link,
  which fails if the destination appeared meanwhile (another program, another window), so an
  existing file is never replaced; with ``overwrite`` by ``os.replace``. Either way the file
  appears complete or not at all, also after a kill or a power cut;
- a writer that was killed leaves its temporary behind; the next write into that folder
  removes it (``clean_stale``): only files with our name pattern, owned by this user, regular,
  and not locked by a live writer. Nobody else's file matches all four.

File systems without hard links (some network and FAT mounts) fall back to a check then a
rename, which cannot see a destination created in the microseconds between the two.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from pathlib import Path
from types import TracebackType

try:  # POSIX; elsewhere temporaries are not locked and stale ones are left to the user
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TAG = ".xpcsviewer-"
STALE = re.compile(r"^\..+\.xpcsviewer-[0-9a-f]{8}\.tmp$")
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def temp_name(path: Path) -> Path:
    """A fresh temporary name for ``path``: ``.NAME.xpcsviewer-XXXXXXXX.tmp`` beside it."""
    return path.with_name(f".{path.name}{TAG}{secrets.token_hex(4)}.tmp")


def clean_stale(folder: Path) -> list[Path]:
    """Remove temporaries that killed writers of ours left in ``folder``; returns them.

    Only names matching ``STALE``, regular files owned by this user and not locked by a live
    writer are removed; anything else is left alone. Never raises (cleaning is a courtesy).
    """
    if fcntl is None:
        return []
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if STALE.match(e.name)]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by a live writer: skip
            if os.fstat(fd).st_ino == os.lstat(path).st_ino:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


class NewFile:
    """A temporary beside ``path`` that becomes ``path`` on :meth:`install`.

    Use as a context manager: write to ``.tmp`` (a path; the file exists, empty), call
    ``install()`` when complete. Leaving the block without installing (an exception, a
    cancel) removes the temporary. Raises ``FileExistsError`` at creation and at install
    when ``path`` exists and ``overwrite`` is False, and an ``OSError`` naming ``path`` and
    its folder (never the temporary) when the folder is missing (``FileNotFoundError``), not
    a folder (``NotADirectoryError``) or not writable (``PermissionError``).
    """

    def __init__(self, path: str | Path, *, overwrite: bool = False) -> None:
        self.path = Path(path)
        self.overwrite = overwrite
        if not overwrite and self.path.exists():
            raise FileExistsError(f"{self.path} exists; pass overwrite=True to replace it")
        clean_stale(self.path.parent)
        self.tmp, self._fd = self._create()
        self.installed = False

    def _refuse(self, exc: OSError) -> OSError:
        """The error for a temporary that cannot be created, naming the destination and its
        folder instead of the hidden temporary (a name the user never gave)."""
        folder = self.path.parent
        if isinstance(exc, FileNotFoundError) or not folder.exists():
            return FileNotFoundError(f"cannot write {self.path}: folder {folder} does not exist")
        if isinstance(exc, NotADirectoryError) or not folder.is_dir():
            return NotADirectoryError(f"cannot write {self.path}: {folder} is not a folder")
        if isinstance(exc, PermissionError):
            return PermissionError(f"cannot write {self.path}: no permission to write in "
                                   f"folder {folder}")
        return OSError(exc.errno, f"cannot write {self.path} in folder {folder}: "
                       f"{exc.strerror or exc}")

    def _create(self) -> tuple[Path, int]:
        while True:
            tmp = temp_name(self.path)
            # 0o666 and the process umask: the new file gets the permissions any file would
            try:
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o666)
            except FileExistsError:
                continue  # the same random name twice: draw again
            except OSError as exc:
                raise self._refuse(exc) from None
            if fcntl is None:
                return tmp, fd
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:  # a cleaner may have taken it in the instant before the lock: start again
                if os.fstat(fd).st_ino == os.lstat(tmp).st_ino:
                    return tmp, fd
            except FileNotFoundError:
                pass
            os.close(fd)

    def __enter__(self) -> NewFile:
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: TracebackType | None):
        if not self.installed:
            self.tmp.unlink(missing_ok=True)
        os.close(self._fd)

    def install(self) -> Path:
        """Flush the temporary to disk and put it in place; returns ``path``."""
        with open(self.tmp, "rb") as fh:  # the writer may have replaced the inode's content
            os.fsync(fh.fileno())
        if self.overwrite:
            os.replace(self.tmp, self.path)
        else:
            try:
                os.link(self.tmp, self.path)
            except FileExistsError:
                raise FileExistsError(f"{self.path} was created by someone else while this "
                                      "file was written; nothing was replaced") from None
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
                if self.path.exists():  # no hard links here: check, then rename
                    raise FileExistsError(f"{self.path} exists; nothing was replaced") from None
                os.rename(self.tmp, self.path)
            self.tmp.unlink(missing_ok=True)
        self.installed = True
        _fsync_dir(self.path.parent)
        return self.path

    def write_text(self, text: str) -> Path:
        """Write ``text`` (UTF-8) and install it in one step; returns ``path``."""
        with open(self.tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return self.install()


def write_new_text(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """``text`` written to ``path`` as a new file (see :class:`NewFile`)."""
    with NewFile(path, overwrite=overwrite) as new:
        return new.write_text(text)


def _fsync_dir(folder: Path) -> None:
    try:  # the new name itself must survive a power cut; not every system can sync a folder
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
