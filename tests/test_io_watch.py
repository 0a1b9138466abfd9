"""``FolderWatcher`` in both modes: files written into a watched folder, one slowly in pieces,
each reported once, complete, without error; the slow one pending while partial."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from xpcsviewer.io import FolderEvent, FolderWatcher
from xpcsviewer.io._scan import summarize

INTERVAL = 0.2
WAIT_S = 30.0  # generous upper bound on a loaded machine; the test never measures time


class Recorder:
    def __init__(self, sizes: dict[Path, int]) -> None:
        self.events: list[tuple[FolderEvent, int]] = []  # event, bytes on disk at that moment
        self.lock = threading.Lock()
        self.complete = threading.Event()
        self.sizes = sizes

    def __call__(self, event: FolderEvent) -> None:
        size = event.path.stat().st_size if event.path.exists() else -1
        with self.lock:
            self.events.append((event, size))
            done = {e.path for e, _ in self.events if e.kind == "complete"}
        if done >= set(self.sizes):
            self.complete.set()

    def of(self, path: Path) -> list[tuple[str, int]]:
        with self.lock:
            return [(e.kind, size) for e, size in self.events if e.path == path]


def _write_slowly(source: Path, target: Path, pieces: int, pause: float, written: list) -> None:
    data = source.read_bytes()
    step = -(-len(data) // pieces)
    with target.open("wb") as h:
        for k in range(pieces):
            h.write(data[k * step:(k + 1) * step])
            h.flush()
            written.append(min((k + 1) * step, len(data)))
            if k < pieces - 1:
                time.sleep(pause)  # the correlator between two flushes


@pytest.mark.parametrize("mode", ["events", "poll"])
def test_files_written_into_a_watched_folder_appear_once_complete(tmp_path, data_dir, mode):
    (tmp_path / "old_results.hdf").write_bytes((data_dir / "phi_c_results.hdf").read_bytes())
    (tmp_path / "notes.txt").write_text("not a result file")
    quick = tmp_path / "quick_results.hdf"
    slow = tmp_path / "slow_results.hdf"
    later = tmp_path / "later_results.h5"
    sources = {quick: data_dir / "brownian_a_results.hdf", slow: data_dir / "aging_b_results.hdf",
               later: data_dir / "brownian_a_results.hdf"}
    recorder = Recorder({p: s.stat().st_size for p, s in sources.items()})
    written: list[int] = []
    with FolderWatcher(tmp_path, recorder, mode=mode, interval=INTERVAL):
        shutil.copyfile(sources[quick], quick)
        # Pauses of 3 intervals: the watcher sees the partial file unchanged and tries it.
        _write_slowly(sources[slow], slow, 4, 3 * INTERVAL, written)
        shutil.copyfile(sources[later], later)
        assert recorder.complete.wait(WAIT_S), recorder.events
    # Files there before the watcher started, and other names, are not reported.
    reported = {e.path for e, _ in recorder.events}
    assert reported == set(sources)
    full = recorder.sizes
    for path in sources:
        kinds = recorder.of(path)
        complete = [(k, s) for k, s in kinds if k == "complete"]
        assert len(complete) == 1, kinds  # once
        assert complete[0][1] == full[path]  # complete: reported with every byte on disk
        assert all(k in ("pending", "complete") for k, _ in kinds)  # never removed/broken
        (event,) = [e for e, _ in recorder.events if e.path == path and e.kind == "complete"]
        assert event.summary.error == ""
        assert event.summary.n_bins == summarize(sources[path]).n_bins
        assert kinds[0][0] == "pending" and kinds[-1][0] == "complete"
    # The slow file was pending while partial, and a partial copy is indeed not readable
    # (so the watcher met an unreadable file and did not report it as broken).
    slow_events = recorder.of(slow)
    assert slow_events[0] == ("pending", slow_events[0][1]) and slow_events[0][1] < full[slow]
    partial = tmp_path / "partial.bin"
    partial.write_bytes(sources[slow].read_bytes()[: written[1]])
    assert summarize(partial).error


def test_known_files_changed_and_removed_are_reported(tmp_path, data_dir):
    """A file listed unreadable before (being written) is looked at again; a removed one is
    reported removed."""
    half = (data_dir / "brownian_a_results.hdf").read_bytes()
    target = tmp_path / "growing_results.hdf"
    target.write_bytes(half[: len(half) // 2])
    events: list[FolderEvent] = []
    arrived = threading.Event()

    def record(event: FolderEvent) -> None:
        events.append(event)
        if event.kind in ("complete", "removed"):
            arrived.set()

    with FolderWatcher(tmp_path, record, mode="poll", interval=INTERVAL, known=[]):
        with target.open("ab") as h:
            h.write(half[len(half) // 2:])
        assert arrived.wait(WAIT_S)
        arrived.clear()
        target.unlink()
        assert arrived.wait(WAIT_S)
    assert [e.kind for e in events] == ["pending", "complete", "removed"]
    assert events[1].summary.error == ""


def test_watcher_refuses_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="mode"):
        FolderWatcher(tmp_path, print, mode="inotify")
    with pytest.raises(ValueError, match="interval"):
        FolderWatcher(tmp_path, print, interval=0)
    with pytest.raises(NotADirectoryError):
        FolderWatcher(tmp_path / "nope", print)


def test_files_listed_unreadable_at_start_are_reported_only_once_they_read(tmp_path, data_dir):
    """A broken file left alone is never reported (not pending, not broken again); one that
    was being written during the listing and is complete by now is reported complete."""
    (tmp_path / "broken_results.hdf").write_bytes(b"the detector PC crashed" * 10)
    done = tmp_path / "done_results.hdf"
    shutil.copyfile(data_dir / "brownian_a_results.hdf", done)
    later = tmp_path / "later_results.hdf"
    events: list[FolderEvent] = []
    arrived = threading.Event()

    def record(event: FolderEvent) -> None:
        events.append(event)
        if event.path == later and event.kind == "complete":
            arrived.set()

    with FolderWatcher(tmp_path, record, mode="poll", interval=INTERVAL, known=[]):
        shutil.copyfile(data_dir / "brownian_a_results.hdf", later)
        assert arrived.wait(WAIT_S)  # many looks at every file have passed by now
    mine = [e for e in events if e.path != later]
    assert [(e.path.name, e.kind) for e in mine] == [("done_results.hdf", "complete")]
    assert mine[0].summary.error == ""


@pytest.mark.parametrize("mode", ["events", "poll"])
def test_a_file_renamed_into_place_is_reported_once(tmp_path, data_dir, mode):
    """Writers that write a temporary name and rename it (atomic writes) are seen too."""
    events: list[FolderEvent] = []
    arrived = threading.Event()

    def record(event: FolderEvent) -> None:
        events.append(event)
        if event.kind == "complete":
            arrived.set()

    target = tmp_path / "renamed_results.hdf"
    with FolderWatcher(tmp_path, record, mode=mode, interval=INTERVAL):
        temporary = tmp_path / ".renamed_results.hdf.part"
        shutil.copyfile(data_dir / "brownian_a_results.hdf", temporary)
        temporary.rename(target)
        assert arrived.wait(WAIT_S)
    assert [(e.path, e.kind) for e in events] == [(target, "pending"), (target, "complete")]
