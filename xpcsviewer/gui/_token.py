"""Cancelling a job: the Qt-free half of ``jobs.py``, so controllers (which take a token in
``prepare``) run and are tested without Qt."""

from __future__ import annotations

import threading


class JobCancelled(Exception):
    """Raised inside a job by :meth:`CancelToken.raise_if_cancelled`."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise JobCancelled()
