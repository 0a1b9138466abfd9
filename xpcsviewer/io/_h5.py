"""Safe, read-only access to one HDF5 file: the one gate every read of ``xpcsviewer.io`` passes.

:class:`Source` keeps the reader's promises in one place:

- files open with mode ``"r"`` (never a write), also when this process already holds the file
  open with other HDF5 locking flags (a notebook's ``h5py.File``);
- bytes come only from HDF5 files of the opened file's folder: every soft and external link is
  resolved here, component by component, and checked (``_origin``); virtual datasets,
  external raw storage and filters that are not installed are refused before a read;
- a declared shape is checked against what its key can hold before a byte is read
  (``_limits``): scalars are scalars, texts short, images detector-sized, all within budget;
- no handle outlives a ``Source``: between reads no file is held open (a script holding
  thousands of ``XpcsFile`` s holds no HDF5 handle); what is learnt about an unchanged file's
  links is remembered instead (``_facts``);
- any h5py/HDF5 or file-system failure becomes an :class:`XpcsFormatError` naming the file and
  the key — never a raw ``OSError``;
- texts and config values are informational: one that cannot be read gives the default and a
  line in ``notes``, so one bad field does not hide the rest of the file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import h5py
import hdf5plugin  # noqa: F401 - registers bitshuffle/LZ4/... filters so compressed data opens
import numpy as np
from h5py import h5l

from ._errors import XpcsFormatError
from ._facts import file_key, recall
from ._limits import MAX_TEXT_BYTES, scalar_problem, size_problem, text_problem
from ._origin import link_target, storage_problem

_NUMERIC = "biuf"  # numpy dtype kinds accepted as numbers (bool, int, uint, float)
_H5_ERRORS = (OSError, KeyError, RuntimeError, ValueError, TypeError)
MAX_LINK_HOPS = 16  # HDF5's own default limit on soft/external links followed in one path


class Source:
    """An open, read-only HDF5 file; use as a context manager.

    ``get``/``read``/``scalar``/``text`` take absolute key paths (from ``_keys``). ``notes``
    lists what tolerant reads (``text``, ``group_values``, ``scalar(..., tolerant=True)``)
    could not read. Raises :class:`XpcsFormatError` when the path is not a readable HDF5 file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.notes: list[str] = []
        self._files: list[h5py.File] = []
        self._memo: dict[str, Any] = {}  # key -> object: has() then read() resolve once
        problem = path_problem(self.path)
        if problem:
            raise XpcsFormatError(self.path, problem)
        self.folder = Path(os.path.realpath(self.path)).parent
        self.h5 = open_h5(self.path)
        # A file is walked link by link when it has any link; an unchanged file's verdict is
        # remembered across opens (``_facts``), so a read does not visit every link again.
        self._linked = recall(file_key(self.h5), "linked", self._has_links)

    def _has_links(self) -> bool:
        """Whether any soft, external or user-defined link exists (~0.3 ms, none followed)."""
        found: list[int] = []

        def visit(name: bytes, info: Any) -> int | None:
            if info.type != h5l.TYPE_HARD:
                found.append(info.type)
                return 1  # stop: one is enough to walk every key by hand
            return None

        try:
            self.h5.id.links.visit(visit, info=True)
        except _H5_ERRORS as exc:
            self.h5.close()
            raise XpcsFormatError(self.path, f"damaged link table ({exc})") from None
        return bool(found)

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._memo.clear()
        for f in self._files:
            f.close()
        self._files.clear()
        self.h5.close()

    # -- navigation ---------------------------------------------------------------------------
    def _follow(self, key: str) -> Any | None:
        """The object at ``key`` or None when absent; every link on the way checked."""
        if key not in self._memo:
            try:
                if self._linked:
                    self._memo[key] = self._walk(self.h5["/"], key, key, 0)
                else:  # only hard links in the file: HDF5 may resolve the path itself
                    self._memo[key] = self.h5.get(key)
            except XpcsFormatError:
                raise
            except _H5_ERRORS as exc:
                raise XpcsFormatError(self.path, f"cannot read {key}: {exc}") from None
        return self._memo[key]

    def _walk(self, start: h5py.Group, path: str, key: str, hops: int) -> Any | None:
        """Resolve ``path`` from group ``start`` (from its file's root when absolute), never
        letting HDF5 follow a link: soft links re-enter here, external links via ``_enter``."""
        node: Any = start.file["/"] if path.startswith("/") else start
        for part in (p for p in path.split("/") if p and p != "."):
            if not isinstance(node, h5py.Group):
                return None
            link = node.get(part, getlink=True)
            if link is None:
                return None
            if isinstance(link, h5py.HardLink):
                node = node[part]
                continue
            if hops >= MAX_LINK_HOPS:
                raise XpcsFormatError(self.path, f"{key}: more than {MAX_LINK_HOPS} links "
                                                 "on the way (a loop?)")
            if isinstance(link, h5py.SoftLink):
                node = self._walk(node, link.path, key, hops + 1)
            elif isinstance(link, h5py.ExternalLink):
                node = self._enter(key, link, node.file, hops + 1)
            else:
                raise XpcsFormatError(self.path, f"{key} passes a user-defined link; refusing it")
            if node is None:
                return None
        return node

    def _enter(self, key: str, link: h5py.ExternalLink, origin: h5py.File, hops: int) -> Any:
        """Object at the far end of an external link written in ``origin``: the target must be
        a file of this folder, and the path inside it is walked by the same rules."""
        origin_path = Path(os.path.realpath(origin.filename))
        target, problem = link_target(self.folder, origin_path.parent, key, link.filename)
        if problem:
            if origin_path != Path(os.path.realpath(self.path)):  # say which file links onwards
                problem += f" (a link inside {origin_path.name}, which {key} leads to)"
            raise XpcsFormatError(self.path, problem)
        ext = open_h5(target, report_as=self.path, what=f"{key} links to {link.filename}: ")
        self._files.append(ext)
        obj = self._walk(ext["/"], link.path, key, hops)
        if obj is None:
            raise XpcsFormatError(self.path, f"{key} links to {link.filename}:{link.path}, absent")
        return obj

    def follow_external(self, key: str, link: h5py.ExternalLink, origin: h5py.File | None = None):
        """The object an external link at ``key`` (written in ``origin``, default this file)
        points to, under the same rules as every read; raises :class:`XpcsFormatError`."""
        return self._enter(key, link, origin or self.h5, 1)

    def has(self, key: str) -> bool:
        return self._follow(key) is not None

    def group(self, key: str) -> h5py.Group:
        obj = self._follow(key)
        if not isinstance(obj, h5py.Group):
            raise XpcsFormatError(self.path, f"missing group {key}")
        return obj

    def get(self, key: str) -> h5py.Dataset:
        """The dataset at ``key`` (its metadata, nothing read); raises when absent or a group."""
        obj = self._follow(key)
        if obj is None:
            raise XpcsFormatError(self.path, f"missing dataset {key}")
        if not isinstance(obj, h5py.Dataset):
            raise XpcsFormatError(self.path, f"{key} is a group, expected a dataset")
        return obj

    def dataset_problem(self, key: str, ds: h5py.Dataset) -> str:
        """Why the bytes of ``ds`` must not be read (VDS, external raw storage, a filter that
        is not installed), or ""; see ``_origin``."""
        return storage_problem(key, ds)

    def _readable(self, key: str, ds: h5py.Dataset) -> h5py.Dataset:
        problem = storage_problem(key, ds)
        if problem:
            raise XpcsFormatError(self.path, problem)
        return ds

    # -- checked reads ------------------------------------------------------------------------
    def check(self, key: str, ndim: int | tuple[int, ...] | None = None, empty_ok: bool = False):
        """Shape, dtype and declared size of ``key`` validated without reading; returns the
        dataset. Where its bytes come from is checked when it is read (``read``)."""
        ds = self.get(key)
        try:
            shape, dtype = ds.shape, ds.dtype
        except _H5_ERRORS as exc:
            raise XpcsFormatError(self.path, f"cannot read {key}: {exc}") from None
        if dtype.kind not in _NUMERIC:
            raise XpcsFormatError(self.path, f"{key} has dtype {dtype}, expected numbers")
        dims = (ndim,) if isinstance(ndim, int) else ndim
        if dims is not None and (shape is None or len(shape) not in dims):
            want = " or ".join(f"{d}-D" for d in dims)
            raise XpcsFormatError(self.path, f"{key} has shape {shape}, expected {want}")
        if not empty_ok and (shape is None or ds.size == 0):
            raise XpcsFormatError(self.path, f"{key} is empty (shape {shape})")
        problem = size_problem(key, shape, dtype)
        if problem:
            raise XpcsFormatError(self.path, problem)
        return ds

    def read(self, key: str, ndim=None, empty_ok: bool = False, sel: Any = ()) -> np.ndarray:
        """Numeric array at ``key`` (``sel`` slices it on disk), with shape/dtype/size checks."""
        ds = self._readable(key, self.check(key, ndim, empty_ok))
        try:
            return np.asarray(ds[sel])
        except _H5_ERRORS as exc:
            raise XpcsFormatError(self.path, f"cannot read {key} (damaged?): {exc}") from None

    def read_native(self, key: str, ndim=None) -> np.ndarray:
        """Like ``read`` (same checks), but float32 and float64 data of either byte order
        come back in native order, read by HDF5 straight into one fresh, writable array
        (a big-endian float32 map stays float32, no second pass); other dtypes as stored."""
        ds = self._readable(key, self.check(key, ndim))
        kind, size = ds.dtype.kind, ds.dtype.itemsize
        if kind != "f" or size not in (4, 8):
            return self.read(key, ndim)
        out = np.empty(ds.shape, dtype=np.float32 if size == 4 else np.float64)
        try:
            ds.read_direct(out)
        except _H5_ERRORS as exc:
            raise XpcsFormatError(self.path, f"cannot read {key} (damaged?): {exc}") from None
        return out

    def scalar(self, key: str, default: float | None = None, *, tolerant: bool = False):
        """A numeric scalar (shape () or (1,) ...) as float; ``default`` when absent. With
        ``tolerant``, a value that cannot be read also gives ``default`` (and a line in
        ``notes``) instead of raising."""
        try:
            if not self.has(key):
                return default
            ds = self.get(key)
            problem = scalar_problem(key, ds.shape)
            if problem:
                raise XpcsFormatError(self.path, problem)
            return float(self.read(key).reshape(()))
        except XpcsFormatError as exc:
            if not tolerant:
                raise
            self.notes.append(exc.problem)
            return default

    def text(self, key: str, default: str = "") -> str:
        """A string scalar (bytes decoded as UTF-8; of an array, its first element);
        ``default`` when absent or unreadable (then a line in ``notes`` says why)."""
        try:
            if not self.has(key):
                return default
            ds = self._readable(key, self.get(key))
            problem = text_problem(key, ds.shape, ds.dtype)
            if problem:
                raise XpcsFormatError(self.path, problem)
            value = _first(self.path, key, ds)
        except XpcsFormatError as exc:
            self.notes.append(exc.problem)
            return default
        text = to_text(value)
        if len(text) > MAX_TEXT_BYTES:
            self.notes.append(f"{key} holds {len(text):,} characters; shown cut to "
                              f"{MAX_TEXT_BYTES:,}")
            text = text[:MAX_TEXT_BYTES]
        return text

    def group_values(self, key: str) -> dict[str, Any]:
        """Scalars and short arrays of a config group as plain Python values; an entry that
        cannot be read is left out (and named in ``notes``)."""
        try:
            if not self.has(key):
                return {}
            names = list(self.group(key))
        except (XpcsFormatError, *_H5_ERRORS) as exc:
            self.notes.append(getattr(exc, "problem", f"cannot list {key}: {exc}"))
            return {}
        out: dict[str, Any] = {}
        for name in names:
            item = f"{key}/{name}"
            try:
                obj = self._follow(item)
                if not isinstance(obj, h5py.Dataset) or obj.shape is None or obj.size > 64:
                    continue
                if text_problem(item, obj.shape, obj.dtype):
                    continue
                value = self._readable(item, obj)[()]
            except (XpcsFormatError, *_H5_ERRORS) as exc:
                self.notes.append(getattr(exc, "problem", f"cannot read {item}: {exc}"))
                continue
            if isinstance(value, bytes | str) or obj.dtype.kind in "OSU":
                out[name] = to_text(value)
            elif np.ndim(value) == 0:
                out[name] = np.asarray(value).item()
            else:
                out[name] = np.asarray(value).tolist()
        return out


def _first(path: Path, key: str, ds: h5py.Dataset) -> Any:
    """The first element of ``ds`` (the whole of a scalar), never more."""
    try:
        if ds.shape is None or ds.size == 0:
            return b""
        return ds[()] if ds.shape == () else ds[(0,) * len(ds.shape)]
    except _H5_ERRORS as exc:
        raise XpcsFormatError(path, f"cannot read {key}: {exc}") from None


def to_text(value: Any) -> str:
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.size else b""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# -- opening --------------------------------------------------------------------------------
def path_problem(path: Path) -> str:
    """Why ``path`` is not a regular file that can be opened, or "" (nothing is opened)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            try:
                st = os.stat(path)
            except FileNotFoundError:
                return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return _os_problem(exc)
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a pipe, socket or device); not opened"
    return ""


def open_h5(path: Path, report_as: Path | None = None, what: str = "") -> h5py.File:
    """``path`` opened read-only, without file locking where possible.

    locking=False first: beamline file systems (NFS, read-only mounts) often refuse locks, and
    a viewer must not block the correlator writing the next file. HDF5 refuses to open a file
    twice in one process with different locking flags, so when this process already holds the
    file (a notebook's ``h5py.File``), the flags it used are tried in turn.
    """
    report_as = report_as or path
    last: OSError | None = None
    for locking in (False, "best-effort", True):
        try:
            return h5py.File(path, "r", locking=locking)
        except OSError as exc:
            last = exc
            if "locking" not in str(exc):
                break
    assert last is not None
    if "locking" in str(last):
        problem = ("already open in this process with HDF5 file-locking settings that could not "
                   f"be matched ({last}); close it there and open it again")
    else:
        problem = _describe_open_failure(path, last)
    raise XpcsFormatError(report_as, what + problem) from None


def _os_problem(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: the file cannot be read by this user"
    if exc.errno == errno.ENOENT:
        return "the file vanished before it could be read"
    if exc.errno == errno.EISDIR:
        return "a folder, not a file"
    return f"cannot be read: {exc.strerror or exc}"


def _describe_open_failure(path: Path, exc: OSError) -> str:
    if exc.errno is not None and exc.errno in (errno.EACCES, errno.EPERM, errno.ENOENT,
                                               errno.EISDIR):
        return _os_problem(exc)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as again:
        return _os_problem(again)
    if head != b"\x89HDF\r\n\x1a\n":
        if not head:
            return "empty file, not HDF5"
        return "not an HDF5 file (no HDF5 signature)"
    return f"HDF5 file cannot be opened, probably truncated or damaged ({exc})"
