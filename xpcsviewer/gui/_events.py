"""A minimal observer: plain Python so that tab state and controllers run without Qt.

Qt widgets subscribe to these events and write user input back into the state (the napari /
glue pattern in HOUSE.md); the state never knows about the widgets.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any


class Event:
    """A list of callbacks called in order by :meth:`emit`."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)


class State:
    """Base for a tab's settings: assigning a public attribute emits ``changed(name)``.

    Subclasses declare their fields as class attributes with defaults; each instance gets its
    own (deep) copy, so a mutable default such as a dict is never shared between tabs.
    """

    # Fields a session does not save: results another tab publishes, request counters.
    _transient: frozenset[str] = frozenset()

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "changed", Event())
        for name in self.field_names():
            value = values.pop(name) if name in values else copy.deepcopy(getattr(type(self), name))
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"unknown settings for {type(self).__name__}: {sorted(values)}")

    @classmethod
    def field_names(cls) -> list[str]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if name.startswith("_") or callable(value) or isinstance(value, (classmethod, property)):
                    continue
                if name not in names:
                    names.append(name)
        return names

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.field_names():
            raise AttributeError(f"{type(self).__name__} has no setting {name!r}")
        if _same(getattr(self, name), value):
            return
        object.__setattr__(self, name, value)
        self.changed.emit(name)

    @property
    def transient(self) -> frozenset[str]:
        return self._transient

    def decode(self, name: str, value: Any) -> Any:
        """A saved (JSON) value back to the field's type; states with structured fields
        override this. Raises TypeError/ValueError/KeyError for a value that does not fit."""
        return value

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.field_names()}


def _same(old: Any, new: Any) -> bool:
    """Whether assigning ``new`` over ``old`` changes nothing. Results another tab shares
    (fits, lists of φ arrays) have no single truth value for ``==``: those are the same only
    when they are the same object."""
    if old is new:
        return True
    try:
        return bool(old == new)
    except (ValueError, TypeError):  # arrays of different shapes or of several elements
        return False
