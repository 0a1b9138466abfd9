"""Sessions: the folder, the current file, the overlay set and every tab's settings as one
plain JSON object, saved beside the data (*Save session*) and restored at start-up.

Qt-free, like the states it saves (glue's "viewer state as plain properties" in HOUSE.md).
Paths are written relative to the session file's folder where they lie below it, so a
session moves with its data. A session that cannot be read, or comes from an unknown
version, raises :class:`SessionError` with a message; a setting that no longer exists or has
the wrong type is left at its default and named in ``skipped``, never fatal.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1
KIND = "xpcsviewer-session"


class SessionError(ValueError):
    """A session file that cannot be used (unreadable, not JSON, another kind or version)."""


@dataclass
class SessionData:
    """What a session holds. ``tabs``: ``{tab key: {setting: plain value}}``."""

    folder: Path | None = None
    current: Path | None = None
    selected: list[Path] = field(default_factory=list)
    tab: str | None = None  # key of the tab shown
    tabs: dict[str, dict[str, Any]] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """``value`` as JSON types (dataclasses become dicts, tuples lists); TypeError otherwise."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not a saveable setting")


def capture_state(state: Any) -> dict[str, Any]:
    """The saveable settings of a tab state: every field but its ``transient`` ones (results
    another tab publishes, request counters), as plain values."""
    out: dict[str, Any] = {}
    for name, value in state.as_dict().items():
        if name in state.transient:
            continue
        try:
            out[name] = plain(value)
        except TypeError:
            continue  # a result held in the state, not a setting
    return out


def restore_state(state: Any, saved: dict[str, Any]) -> list[str]:
    """Set each saved setting that ``state`` still has with a fitting type; returns the names
    of those left at their current value (unknown, transient, or of another type)."""
    skipped: list[str] = []
    names = set(state.field_names()) - set(state.transient)
    for name, value in saved.items():
        if name not in names:
            skipped.append(name)
            continue
        try:
            decoded = state.decode(name, value)
        except (TypeError, ValueError, KeyError):
            skipped.append(name)
            continue
        default = getattr(type(state), name)
        if not _same_kind(default, decoded):
            skipped.append(name)
            continue
        setattr(state, name, decoded)
    return skipped


def _same_kind(default: Any, value: Any) -> bool:
    if value is None:
        return default is None
    if default is None:  # the optional settings are numbers: limits, a bin, a time
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def _relative(path: Path | None, base: Path | None) -> str | None:
    """``path`` relative to ``base`` when it lies below it, else absolute (``base`` None)."""
    if path is None:
        return None
    full = Path(path).resolve()
    if base is not None and full.is_relative_to(base.resolve()):
        return full.relative_to(base.resolve()).as_posix() or "."
    return str(full)


def _absolute(text: Any, base: Path) -> Path | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise SessionError(f"a path in the session is {type(text).__name__}, not text")
    path = Path(text)
    return path if path.is_absolute() else (base / path)


def to_dict(data: SessionData, base: Path | None) -> dict[str, Any]:
    return {
        "kind": KIND, "version": VERSION,
        "folder": _relative(data.folder, base),
        "current": _relative(data.current, base),
        "selected": [_relative(p, base) for p in data.selected],
        "tab": data.tab, "tabs": data.tabs,
    }  # fmt: skip


def from_dict(raw: Any, base: Path, where: str) -> SessionData:
    if not isinstance(raw, dict) or raw.get("kind") != KIND:
        raise SessionError(f"{where}: not an xpcsviewer session")
    if raw.get("version") != VERSION:
        raise SessionError(f"{where}: session version {raw.get('version')!r}; this xpcsviewer "
                           f"reads version {VERSION}")
    tabs = raw.get("tabs") or {}
    selected = raw.get("selected") or []
    if not isinstance(tabs, dict) or not all(isinstance(v, dict) for v in tabs.values()) \
            or not isinstance(selected, list):
        raise SessionError(f"{where}: 'tabs' or 'selected' is malformed")
    return SessionData(
        folder=_absolute(raw.get("folder"), base), current=_absolute(raw.get("current"), base),
        selected=[p for p in (_absolute(s, base) for s in selected) if p is not None],
        tab=raw.get("tab") if isinstance(raw.get("tab"), str) else None, tabs=tabs,
    )  # fmt: skip


def save(data: SessionData, path: str | Path) -> Path:
    """Write ``data`` to ``path`` (JSON, paths relative to its folder) atomically: a
    temporary file in the same folder, then a rename, with the user's umask."""
    path = Path(path)
    text = json.dumps(to_dict(data, path.parent), indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xpcsviewer-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(path: str | Path) -> SessionData:
    """Read a session file; raises :class:`SessionError` naming the file and the problem."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionError(f"{path.name}: cannot read the session ({exc})") from None
    return from_dict(raw, path.parent, path.name)


def loads(text: str, base: Path, where: str = "last session") -> SessionData:
    """A session from JSON text (the one kept in the settings between runs)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(f"{where}: not valid JSON ({exc})") from None
    return from_dict(raw, base, where)


def dumps(data: SessionData) -> str:
    """JSON text of ``data`` with absolute paths (for the settings file)."""
    return json.dumps(to_dict(data, None))
