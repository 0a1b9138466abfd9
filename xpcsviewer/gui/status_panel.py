"""The status panel: backend and device, live adapter counters, job progress with cancel,
and the messages (bad files, fallbacks) the session produced.

It is one line by default (backend, device, adapter totals, the job and its Cancel) so the
plots keep the height on a 1366x768 laptop; *Details* shows the adapter table and messages.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xpcsviewer.backends import adapter_stats

from ._words import counted
from .jobs import Job, JobRunner
from .plotting import note_label
from .theme import active

REFRESH_MS = 500
PROGRESS_MS = 50  # the job progress bar and line: at most 20 updates a second
STATS_COLUMNS = ("adapter", "count", "total ms", "mean ms", "bytes", "last shape")
MAX_MESSAGES = 200


def human_bytes(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class StatusPanel(QWidget):
    def __init__(self, runner: JobRunner, budget: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.budget = budget  # the session's io.CacheBudget: its use is shown next to the adapters
        self.memory_label = QLabel("")
        self.backend_label = QLabel("backend: …")
        self.notice_label = note_label("")  # plain text: notices quote file names
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(f"color: {active().note}; font-weight: bold;")
        self.notice_label.hide()
        self.stats_table = QTableWidget(0, len(STATS_COLUMNS))
        self.stats_table.setHorizontalHeaderLabels(list(STATS_COLUMNS))
        self.stats_table.verticalHeader().setVisible(False)
        self.stats_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.stats_table.setMaximumHeight(112)
        self.stats_table.verticalHeader().setDefaultSectionSize(24)
        self.stats_table.horizontalHeader().setStretchLastSection(True)
        self.job_label = note_label("idle")  # job names quote file names
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel)
        self.messages = QListWidget()
        self.messages.setWordWrap(True)
        self.totals_label = QLabel("")
        # Room for a long session's counts up front: the text grows while the summary row
        # keeps its layout, and at 1366 px the row had cut it to "…conversions, 1 m".
        self.totals_label.setMinimumWidth(
            self.totals_label.fontMetrics().horizontalAdvance("adapters: 99999 conversions, 9999 ms"))
        self.details_button = QToolButton()
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self.set_expanded)
        self._unread = 0

        summary = QHBoxLayout()
        summary.addWidget(self.backend_label)
        summary.addWidget(self.totals_label)
        summary.addWidget(self.memory_label)
        summary.addWidget(self.job_label, 1)
        summary.addWidget(self.progress, 1)
        summary.addWidget(self.cancel_button)
        summary.addWidget(self.details_button)
        # The details in two columns: what computes (left), what happened (right).
        self.details = QWidget()
        columns = QHBoxLayout(self.details)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addWidget(self.stats_table, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("messages (bad files, fallbacks):"))
        right.addWidget(self.messages, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(summary)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.details, 1)
        self.set_expanded(False)

        # Progress is shown at most every PROGRESS_MS: a job opening 200 files reports 400
        # times, and repainting the bar for each queued report stalled the event loop ~0.7 s.
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._job_changed)
        runner.job_started.connect(self._job_changed)
        runner.job_progressed.connect(self._progress_later)
        runner.job_finished.connect(self._job_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_stats)
        self.timer.start()
        self.refresh_stats()

    def set_backend(self, backend: str, device: str) -> None:
        self.backend_label.setText(f"backend: {backend}    device: {device}")

    def set_notice(self, text: str) -> None:
        """A standing notice (e.g. the GPU fell back to the CPU); empty text hides it."""
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    @property
    def expanded(self) -> bool:
        return self.details.isVisibleTo(self)

    def set_expanded(self, expanded: bool) -> None:
        """Show or hide the adapter table and the messages (the one-line summary stays)."""
        self.details.setVisible(expanded)
        if expanded:
            self._unread = 0
        if self.details_button.isChecked() != expanded:
            self.details_button.setChecked(expanded)
        self._label_details_button()

    def _label_details_button(self) -> None:
        if self.expanded:
            self.details_button.setText("Hide details")
        else:
            new = f" ({counted(self._unread, 'new message')})" if self._unread else ""
            self.details_button.setText(f"Details{new}")

    def add_message(self, text: str) -> None:
        self.messages.addItem(text)
        while self.messages.count() > MAX_MESSAGES:
            self.messages.takeItem(0)
        self.messages.scrollToBottom()
        if not self.expanded:
            self._unread += 1
            self._label_details_button()

    def refresh_stats(self) -> None:
        stats = adapter_stats()
        count = sum(snap.count for snap in stats.values())
        total_ms = sum(snap.total_ms for snap in stats.values())
        self.totals_label.setText(f"adapters: {count} conversions, {total_ms:.0f} ms")
        if self.budget is not None:
            self.memory_label.setText(self.memory_text())
        self.stats_table.setRowCount(len(stats))
        for row, snap in enumerate(stats.values()):
            shape = "—" if snap.last_shape is None else "×".join(map(str, snap.last_shape)) or "scalar"
            cells = (snap.name, str(snap.count), f"{snap.total_ms:.2f}", f"{snap.mean_ms:.3f}",
                     human_bytes(snap.bytes), shape)
            for column, text in enumerate(cells):
                item = self.stats_table.item(row, column)
                if item is None:
                    self.stats_table.setItem(row, column, QTableWidgetItem(text))
                elif item.text() != text:
                    item.setText(text)

    def memory_text(self) -> str:
        """"cache: used / budget" of the session's arrays, all open files together."""
        b = self.budget
        return f"cache: {human_bytes(b.used_bytes)} / {human_bytes(b.budget_bytes)}"

    def adapter_count(self, name: str) -> int:
        """The count shown for adapter ``name`` (what the user reads)."""
        for row in range(self.stats_table.rowCount()):
            if self.stats_table.item(row, 0).text() == name:
                return int(self.stats_table.item(row, 1).text())
        return 0

    def _progress_later(self, _job: Job) -> None:
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def _job_changed(self, _job: Job | None = None) -> None:
        self._progress_timer.stop()
        running = self.runner.running
        self.cancel_button.setEnabled(bool(running))
        if not running:
            self.job_label.setText("idle")
            self.progress.setValue(0)
            return
        job = running[-1]
        more = f" (+{len(running) - 1} more)" if len(running) > 1 else ""
        self.job_label.setText(f"{job.name} {job.message}{more}".strip())
        self.progress.setValue(int(job.fraction * 1000))

    def _cancel(self) -> None:
        for job in self.runner.running:
            job.cancel()
