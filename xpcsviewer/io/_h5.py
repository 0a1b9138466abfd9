"""Safe, read-only access to one HDF5 file: link policy, checked reads, error wrapping.

Every read in ``xpcsviewer.io`` passes through :class:`Source`, so the rules live in one place:
files open with mode ``"r"`` (never a write), external links are followed only to files inside
the opened file's own folder, and any h5py/HDF5 failure becomes an :class:`XpcsFormatError`
that names the file and the key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import h5py
import hdf5plugin  # noqa: F401 - registers bitshuffle/LZ4/... filters so compressed data opens
import numpy as np
from h5py import h5l

from ._errors import XpcsFormatError

_NUMERIC = "biuf"  # numpy dtype kinds accepted as numbers (bool, int, uint, float)


class Source:
    """An open, read-only HDF5 file; use as a context manager.

    ``get``/``read``/``scalar``/``text`` take absolute key paths (from ``_keys``).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.folder = self.path.resolve().parent
        self._extra: list[h5py.File] = []
        self._memo: dict[str, Any] = {}  # key -> object: has() then read() resolve once
        if not self.path.is_file():
            raise XpcsFormatError(self.path, "no such file")
        try:
            # locking=False: beamline file systems (NFS, read-only mounts) often refuse locks,
            # and a viewer must not block the correlator writing the next file.
            self.h5 = h5py.File(self.path, "r", locking=False)
        except OSError as exc:
            raise XpcsFormatError(self.path, _describe_open_failure(self.path, exc)) from None
        self._external = self._external_links()

    def _external_links(self) -> tuple[str, ...]:
        """Paths ("/a/b") of every external link, found without following any (~0.3 ms)."""
        found: list[str] = []

        def visit(name: bytes, info: Any) -> None:
            if info.type == h5l.TYPE_EXTERNAL:
                found.append("/" + name.decode("utf-8", errors="replace"))

        try:
            self.h5.id.links.visit(visit, info=True)
        except (OSError, RuntimeError, ValueError) as exc:
            self.h5.close()
            raise XpcsFormatError(self.path, f"damaged link table ({exc})") from None
        return tuple(found)

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._memo.clear()
        for f in self._extra:
            f.close()
        self._extra.clear()
        self.h5.close()

    # -- navigation ---------------------------------------------------------------------------
    def _follow(self, key: str) -> Any | None:
        """The object at ``key`` or None when absent; external links checked, never blindly."""
        if key not in self._memo:
            self._memo[key] = self._resolve(key)
        return self._memo[key]

    def _resolve(self, key: str) -> Any | None:
        if not any(key == e or key.startswith(e + "/") for e in self._external):
            # fast path: no external link on the way, so HDF5 may resolve the path itself
            try:
                return self.h5.get(key)
            except (OSError, KeyError, RuntimeError, ValueError) as exc:
                raise XpcsFormatError(self.path, f"cannot read {key}: {exc}") from None
        node: Any = self.h5
        for part in [p for p in key.split("/") if p]:
            if not isinstance(node, h5py.Group):
                return None
            try:
                link = node.get(part, getlink=True)
                if link is None:
                    return None
                if isinstance(link, h5py.ExternalLink):
                    node = self._open_external(key, link)
                else:
                    node = node[part]
            except (OSError, KeyError, RuntimeError, ValueError) as exc:
                raise XpcsFormatError(self.path, f"cannot read {key}: {exc}") from None
        return node

    def _open_external(self, key: str, link: h5py.ExternalLink) -> Any:
        target = Path(link.filename)
        if not target.is_absolute():
            target = self.folder / target
        target = Path(os.path.realpath(target))
        if target.parent != self.folder and self.folder not in target.parents:
            raise XpcsFormatError(
                self.path,
                f"{key} is an external link to {link.filename}, outside the file's folder "
                f"{self.folder}; refusing to follow it",
            )
        if not target.is_file():
            raise XpcsFormatError(self.path, f"{key} links to missing file {link.filename}")
        ext = h5py.File(target, "r", locking=False)
        self._extra.append(ext)
        obj = ext.get(link.path)
        if obj is None:
            raise XpcsFormatError(self.path, f"{key} links to {link.filename}:{link.path}, absent")
        return obj

    def follow_external(self, key: str, link: h5py.ExternalLink) -> Any:
        """The object an external link at ``key`` points to, under the same rule as every read:
        only files inside this file's folder; raises :class:`XpcsFormatError` otherwise."""
        return self._open_external(key, link)

    def has(self, key: str) -> bool:
        return self._follow(key) is not None

    def group(self, key: str) -> h5py.Group:
        obj = self._follow(key)
        if not isinstance(obj, h5py.Group):
            raise XpcsFormatError(self.path, f"missing group {key}")
        return obj

    def get(self, key: str) -> h5py.Dataset:
        """The dataset at ``key``; raises when it is absent or a group."""
        obj = self._follow(key)
        if obj is None:
            raise XpcsFormatError(self.path, f"missing dataset {key}")
        if not isinstance(obj, h5py.Dataset):
            raise XpcsFormatError(self.path, f"{key} is a group, expected a dataset")
        return obj

    # -- checked reads ------------------------------------------------------------------------
    def check(self, key: str, ndim: int | tuple[int, ...] | None = None, empty_ok: bool = False):
        """Shape and dtype of ``key`` validated without reading it; returns the dataset."""
        ds = self.get(key)
        if ds.dtype.kind not in _NUMERIC:
            raise XpcsFormatError(self.path, f"{key} has dtype {ds.dtype}, expected numbers")
        dims = (ndim,) if isinstance(ndim, int) else ndim
        if dims is not None and ds.ndim not in dims:
            want = " or ".join(f"{d}-D" for d in dims)
            raise XpcsFormatError(self.path, f"{key} has shape {ds.shape}, expected {want}")
        if not empty_ok and ds.size == 0:
            raise XpcsFormatError(self.path, f"{key} is empty (shape {ds.shape})")
        return ds

    def read(self, key: str, ndim=None, empty_ok: bool = False, sel: Any = ()) -> np.ndarray:
        """Numeric array at ``key`` (``sel`` slices it on disk), with shape/dtype checks."""
        ds = self.check(key, ndim, empty_ok)
        try:
            return np.asarray(ds[sel])
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            raise XpcsFormatError(self.path, f"cannot read {key} (damaged?): {exc}") from None

    def scalar(self, key: str, default: float | None = None) -> float | None:
        """A numeric scalar (shape () or (1,) ...) as float; ``default`` when absent."""
        if not self.has(key):
            return default
        arr = self.read(key)
        if arr.size != 1:
            raise XpcsFormatError(self.path, f"{key} has shape {arr.shape}, expected a scalar")
        return float(arr.reshape(()))

    def text(self, key: str, default: str = "") -> str:
        """A string scalar (bytes decoded as UTF-8); ``default`` when absent."""
        if not self.has(key):
            return default
        try:
            value = self.get(key)[()]
        except (OSError, RuntimeError, ValueError) as exc:
            raise XpcsFormatError(self.path, f"cannot read {key}: {exc}") from None
        return to_text(value)

    def group_values(self, key: str) -> dict[str, Any]:
        """Scalars and short arrays of a config group as plain Python values."""
        if not self.has(key):
            return {}
        out: dict[str, Any] = {}
        for name, obj in self.group(key).items():
            if isinstance(obj, h5py.Dataset) and obj.size <= 64:
                value = obj[()]
                if isinstance(value, bytes | str) or obj.dtype.kind in "OSU":
                    out[name] = to_text(value)
                elif np.ndim(value) == 0:
                    out[name] = np.asarray(value).item()
                else:
                    out[name] = np.asarray(value).tolist()
        return out


def to_text(value: Any) -> str:
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.size else b""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _describe_open_failure(path: Path, exc: OSError) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head != b"\x89HDF\r\n\x1a\n":
        if not head:
            return "empty file, not HDF5"
        return "not an HDF5 file (no HDF5 signature)"
    return f"HDF5 file cannot be opened, probably truncated or damaged ({exc})"
