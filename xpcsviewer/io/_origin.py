"""Where a dataset's bytes come from: only HDF5 files of the opened file's folder.

HDF5 can fetch bytes from other files in four ways besides a plain external link. The
:class:`~xpcsviewer.io._h5.Source` resolves every link itself, one path component at a time
(soft links, and external links into files that link onwards), so HDF5 never follows a link on
the reader's behalf; this module holds the two rules it applies on the way:

- ``link_target``: an external link may point only to a regular file inside the folder of the
  file that was opened (sub-folders included), after resolving symlinks and "..".
- ``storage_problem``: a dataset is read only when its bytes live in its own HDF5 file:

  * virtual datasets (VDS) are refused, inside the folder as well as outside. HDF5 locates
    their source files itself (an environment variable, the current directory, and, for an
    absolute name that does not exist, the bare file name in several places), so the file it
    reads cannot be pinned down by the viewer, and a missing source reads silently as fill
    values. No XPCS result writer (boost_corr, this viewer) makes them; ``h5repack`` turns one
    into a plain dataset.
  * datasets with external raw storage (``H5Pset_external``) are refused, inside the folder as
    well: their bytes are a raw, non-HDF5 file that HDF5 looks up relative to the current
    directory, not the file's folder.
  * datasets compressed with a filter that is not installed are refused with its name, before
    HDF5 fails half-way through a read.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
from h5py import h5d, h5z


def inside(folder: Path, target: Path) -> bool:
    """Whether the resolved ``target`` lies in ``folder`` or below it."""
    return target.parent == folder or folder in target.parents


def link_target(folder: Path, origin_dir: Path, key: str, filename: str) -> tuple[Path, str]:
    """(resolved target, problem) of an external link to ``filename`` written in a file in
    ``origin_dir``; problem is "" when the target may be opened."""
    target = Path(filename)
    if not target.is_absolute():
        target = origin_dir / target
    target = Path(os.path.realpath(target))
    if not inside(folder, target):
        return target, (f"{key} is an external link to {filename}, outside the file's folder "
                        f"{folder}; refusing to follow it")
    if not target.exists():
        return target, f"{key} links to missing file {filename}"
    if not target.is_file():
        return target, f"{key} links to {filename}, which is not a regular file; refusing it"
    return target, ""


def storage_problem(key: str, ds: h5py.Dataset) -> str:
    """Why the bytes of ``ds`` (found at ``key``) must not be read, or "" when they may."""
    try:
        dcpl = ds.id.get_create_plist()
        if dcpl.get_layout() == h5d.VIRTUAL:
            n = dcpl.get_virtual_count()
            sources = sorted({f"{_text(dcpl.get_virtual_filename(i))}:"
                              f"{_text(dcpl.get_virtual_dsetname(i))}" for i in range(n)})
            shown = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if n > 3 else "")
            return (f"{key} is a virtual dataset (VDS) whose bytes come from {shown}; the viewer "
                    "reads no virtual datasets (their sources cannot be pinned to the folder)")
        if dcpl.get_external_count() > 0:
            name = _text(dcpl.get_external(0)[0])
            return (f"{key} stores its raw bytes in the external file {name}; the viewer reads "
                    "only bytes stored in HDF5 files of the folder")
        for i in range(dcpl.get_nfilters()):
            code, _flags, _values, name = dcpl.get_filter(i)
            if not h5z.filter_avail(code):
                label = _text(name) or "unnamed"
                return (f"{key} is compressed with HDF5 filter {label} (id {code}), which is not "
                        "installed here (hdf5plugin provides the common ones)")
    except (OSError, RuntimeError, ValueError) as exc:
        return f"cannot inspect the storage of {key}: {exc}"
    return ""


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
