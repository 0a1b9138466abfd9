"""average_files reports progress per file and per write stage, and a cancel leaves nothing."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.backends import get_backend
from xpcsviewer.compute import average_files
from xpcsviewer.compute.average import AverageCancelled

NP = get_backend("numpy")


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory):
    from xpcsviewer import demo

    return demo.make(tmp_path_factory.mktemp("demo"))[:2]  # one sample, one partition


def _folder_state(folder):
    return sorted(p.name for p in folder.iterdir())


def test_progress_rises_to_one_and_names_the_files(demo_pair, tmp_path):
    seen: list[tuple[float, str]] = []
    out = average_files(demo_pair, tmp_path / "mean.hdf", backend=NP,
                        progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert all(b >= a for a, b in zip(fractions, fractions[1:], strict=False))
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions.count(1.0) == 1  # 1.0 only once the file is in place
    messages = " | ".join(m for _, m in seen)
    for p in demo_pair:  # each input named while its g2 and its SAXS are read
        assert f"reading g2 of {p.name}" in messages and f"reading SAXS of {p.name}" in messages
    for stage in ("metadata and partition", "SAXS", "multi-tau g2", "moving into place"):
        assert f"mean.hdf: {stage}" in messages
    assert seen[-1][1] == "wrote mean.hdf"
    # The running-sum SAXS equals the plain mean of the inputs.
    with xpcsviewer.open(demo_pair[0]) as a, xpcsviewer.open(demo_pair[1]) as b:
        expect = (a.saxs_1d[1] + b.saxs_1d[1]) / 2
    with xpcsviewer.open(out.path) as avg:
        np.testing.assert_allclose(avg.saxs_1d[1], expect, rtol=1e-6)  # stored as float32


@pytest.mark.parametrize("style", ["callable", "token"])
def test_cancel_after_the_first_file_leaves_nothing(demo_pair, tmp_path, style):
    out = tmp_path / "mean.hdf"
    before = _folder_state(tmp_path)
    messages: list[str] = []

    class Token:
        cancelled = False

    token = Token()

    def progress(fraction, message):
        messages.append(message)
        if message.startswith("reading g2 of") and "(1/" in message:
            token.cancelled = True  # the user presses Cancel while the first file is read

    cancel = (lambda: token.cancelled) if style == "callable" else token
    with pytest.raises(AverageCancelled, match="cancelled"):
        average_files(demo_pair, out, backend=NP, progress=progress, cancel=cancel)
    assert messages == [f"reading g2 of {demo_pair[0].name} (1/2)"]  # stopped at once
    assert _folder_state(tmp_path) == before  # no output, no temporary file


def test_cancel_during_the_write_removes_the_temporary_file(demo_pair, tmp_path):
    out = tmp_path / "mean.hdf"
    stop = {"now": False}
    temp_seen: list[str] = []

    def progress(fraction, message):
        if message.endswith("multi-tau g2"):  # metadata and SAXS are already in the temp file
            temp_seen.extend(p.name for p in tmp_path.glob(".mean.hdf.*.tmp"))
            stop["now"] = True

    with pytest.raises(AverageCancelled):
        average_files(demo_pair, out, backend=NP, progress=progress, cancel=lambda: stop["now"])
    assert len(temp_seen) == 1  # the write had really started
    assert _folder_state(tmp_path) == []
