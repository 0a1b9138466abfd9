"""Connects one tab to the session and the job runner: stale data is recomputed in the
background when the tab is visible, and the newest result is rendered. It also wires the
tab's declared links (``publishes`` / ``follows``, see ``_model.py``) to the session and runs
the tab's second job (a :class:`Task`) on the same runner, with progress and cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from .._words import listed
from ..jobs import Job, JobError, JobRunner, give_way
from ..session import Session
from ._base import TabView
from ._model import Prepared, TabController, Task


class TabDriver(QObject):
    rendered = Signal()  # after every render or message, so tests and snapshots can wait

    def __init__(
        self,
        controller: TabController,
        view: TabView,
        session: Session,
        runner: JobRunner,
        report_error: Callable[[str], None],
        parent: QObject | None = None,
        show_status: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller, self.view = controller, view
        self._session, self._runner, self._report = session, runner, report_error
        self._job: Job | None = None
        self._task: Task | None = None  # what controller.task runs
        self.stale = True
        self.visible = False
        self._shown_paths: list[Path] = []  # what the view shows (or is being computed)
        controller.state.changed.connect(self._setting_changed)
        controller.shared.connect(session.publish)
        if show_status is not None:
            controller.said.connect(show_status)
        controller.attach(self._run_task)
        for key in controller.follows:
            if key in session.shared:
                self._follow(key)
        self._follow_current(quiet=True)
        # Connected once: the task's end is told by job identity (its progress comes through
        # the job's own on_progress).
        runner.job_finished.connect(self._task_finished)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def paths(self) -> list[Path]:
        source = self.controller.source()
        if source == "folder":
            return self._session.readable_paths()
        if source == "overlay":
            return self._session.overlay_paths()
        return self._session.current_paths()

    def session_changed(self, reason: str) -> None:
        """The listing, the selection or the current file changed, or another tab shared a
        result (``"shared:<key>"``)."""
        key = reason.removeprefix("shared:")
        if key != reason:
            if key in self.controller.follows:
                self._follow(key)  # a setting like any other: invalidates the tab
        elif reason == "listing" or self.paths() != self._shown_paths:
            self._follow_current(quiet=True)  # the one refresh below reads it
            self.invalidate()
        else:
            self._follow_current()  # a setting: invalidates the tab only when it changed

    def _follow_current(self, quiet: bool = False) -> None:
        """Set the controller's ``current_field`` to the current file's path while it is
        among the tab's files, else to None (``quiet``: without the change event)."""
        name = self.controller.current_field
        if name is None:
            return
        current, paths = self._session.current, self.paths()
        if self.controller.open_limit is not None:  # files past it are not even opened
            paths = paths[:self.controller.open_limit]
        value = str(current) if current is not None and current in paths else None
        if quiet:
            object.__setattr__(self.controller.state, name, value)
        else:
            setattr(self.controller.state, name, value)

    def _follow(self, key: str) -> None:
        setattr(self.controller.state, self.controller.follows[key], self._session.shared[key])

    def _publish(self, data: Any) -> None:
        for key, value in self.controller.results(data).items():
            self.controller.publish(key, value)

    def _setting_changed(self, name: str) -> None:
        if name in self.controller.render_only and self.view.last_data is not None:
            self.view.render(self.view.last_data)
            self.rendered.emit()
        else:
            self.invalidate()

    def invalidate(self) -> None:
        """Data or settings changed: recompute now if shown, else when next shown."""
        self.stale = True
        if self.visible:
            self.refresh()

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible and self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        if self._job is not None:
            self._job.cancel()  # its result would be stale; cancelled jobs deliver nothing
            self._job = None
        paths = self.paths()
        if paths != self._shown_paths:
            # Other files: what is on screen (plot, fit table, read-outs) belongs to the
            # previous ones and must neither stay on show nor be exported meanwhile.
            self.view.last_data = None
        self._shown_paths = paths
        if not paths:
            self.view.show_message(self.controller.empty_message())
            self._publish(None)
            self.rendered.emit()
            return
        name = (f"{self.controller.title}: {', '.join(p.name for p in paths[:3])}"
                + (" …" if len(paths) > 3 else ""))
        if self.view.last_data is None:
            # Nothing drawn yet: say what is coming rather than show empty axes meanwhile
            # (a first two-time map can take a minute on a busy machine).
            self.view.show_message(f"{name}: computing … (progress in the status panel)")
            self._publish(None)  # what this tab published was about the previous files
        job = self._runner.submit(
            name,
            lambda token, progress: self._prepare(paths, token, progress),
            on_result=lambda prepared: self._show(job, prepared),
            on_error=lambda error: self._failed(job, error),
        )
        self._job = job

    def _prepare(self, paths: list[Path], token: Any, progress: Any) -> Prepared:
        # Worker thread: open what opens, name what does not, plot the rest.
        inputs: list[Any] = []
        errors: list[str] = []
        opened: list[Path] = []
        limit = self.controller.open_limit
        tried = 0
        for index, path in enumerate(paths):
            if limit is not None and len(inputs) >= limit:
                break  # the controller would not use these: left unopened
            tried = index + 1
            token.raise_if_cancelled()
            progress(index / (len(paths) + 1), f"opening {path.name}")
            if not self.controller.opens_files:
                inputs.append(path)
                opened.append(path)
                continue
            try:
                inputs.append(self._session.open(path))
                opened.append(path)
            except Exception as exc:  # noqa: BLE001 - a bad file must not stop the others
                errors.append(f"{path.name}: {exc}")
            give_way()
        if not inputs:
            return Prepared(None, opened, errors)
        if limit is None:
            data = self.controller.prepare(inputs, token, progress)
        else:
            data = self.controller.prepare(inputs, token, progress, not_opened=len(paths) - tried)
        # What the reader left out while this tab read (a q-map label, a metadata field):
        # each file's notes are reported once per session (Session.new_notes).
        for f in inputs:
            errors += [f"{f.name}: {n}" for n in self._session.new_notes(f)]
        return Prepared(data, opened, errors)

    def _show(self, job: Job, prepared: Prepared, staged: bool = False) -> None:
        if job is not self._job:
            if staged:  # superseded between the two parts: the next result draws
                self.view.unstage()
            return
        if not staged and prepared.data is not None and self.view.stage(prepared.data):
            # Part of the drawing is done (e.g. 12 panels laid out: 30-40 ms); the rest on
            # the next turn of the event loop, after the window has had its timers and input.
            # The job stays this tab's until then (busy), so a newer one supersedes it.
            # (With this driver as the context: a window closed meanwhile drops the call.)
            QTimer.singleShot(0, self, lambda: self._show(job, prepared, staged=True))
            return
        self._job = None
        for message in prepared.errors:
            self._report(message)
        if prepared.data is None:
            self.view.show_message("Could not read: " + "; ".join(prepared.errors))
        else:
            self.view.last_data = prepared.data
            self.view.render(prepared.data)
        self._publish(prepared.data)
        self.rendered.emit()
        if prepared.data is not None and self.controller.refines(prepared.data):
            self._refine(prepared)

    def _refine(self, prepared: Prepared) -> None:
        """The controller's second stage, as this tab's job (cancelled like ``prepare``)."""
        data, paths = prepared.data, list(prepared.files)

        def work(token: Any, progress: Any) -> Any:
            return self.controller.refine(data, [self._session.open(p) for p in paths], token,
                                          progress)

        job = self._runner.submit(
            f"{self.controller.title}: {', '.join(p.name for p in paths[:3])} (second stage)",
            work,
            on_result=lambda refined: self._show(job, Prepared(refined, paths)),
            on_error=lambda error: self._failed(job, error),
        )
        self._job = job

    def _failed(self, job: Job, error: JobError) -> None:
        if job is not self._job:
            return
        self._job = None
        names = listed([p.name for p in self.paths()])
        message = f"{self.controller.title} could not show {names}: {error}"
        self._report(message)
        self.view.show_message(message)
        self._publish(None)
        self.rendered.emit()

    # -- the tab's second job ---------------------------------------------------------------------
    def _run_task(self, task: Task) -> Job:
        """Submit ``task`` (called by ``controller.start``, which keeps the job as
        ``controller.task``); only that job's callbacks reach the tab."""
        def work(token: Any, progress: Any) -> Any:
            return task.run([self._session.open(p) for p in task.paths], token, progress)

        job = self._runner.submit(
            task.name, work,
            on_result=lambda result: self._task_ended(job, task.done, result),
            on_error=lambda error: self._task_ended(job, task.failed, str(error)),
            on_progress=self._task_progressed,
        )
        self._task = task
        return job

    def _task_ended(self, job: Job, callback: Callable[..., None], *args: Any) -> None:
        if job is self.controller.task:
            self.controller.task = self._task = None
            callback(*args)

    def _task_progressed(self, job: Job) -> None:
        if job is self.controller.task and self._task is not None:
            self._task.progressed(job.fraction, job.message)

    def _task_finished(self, job: Job) -> None:
        # A result or error comes with its own callback; a cancelled run only ends here.
        if job is self.controller.task and job.token.cancelled and self._task is not None:
            self._task_ended(job, self._task.cancelled)
