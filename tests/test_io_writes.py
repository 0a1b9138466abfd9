"""Issue 11 §5 and issue 10 §6: nothing of the user's overwritten, nothing half-written left.

Temporaries are ``.NAME.xpcsviewer-XXXXXXXX.tmp``; stale ones of ours are removed by the next
write into the folder, nobody else's; a destination created while we wrote is never replaced;
new files get the user's umask; exports refuse an existing file unless told. The kill test
SIGKILLs a process writing an average at several points.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import xpcsviewer as xv
from xpcsviewer.compute import average_files
from xpcsviewer.fitting._export import write_csv, write_json
from xpcsviewer.io._atomic import STALE

REAL = Path(__file__).parent / "data" / "brownian_a_results.hdf"
OURS = re.compile(r"^\.mean\.hdf\.xpcsviewer-[0-9a-f]{8}\.tmp$")


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory):
    from xpcsviewer import demo

    return demo.make(tmp_path_factory.mktemp("demo"))[:2]  # one sample, one partition


@pytest.fixture
def inputs(tmp_path, demo_pair):
    # demo files, not tests/data: their error bars are never 0 at every file at once, which
    # the NumPy weighted mean (compute/average.py) warns about (a divide by zero it then masks)
    for name, src in zip(("run_1.hdf", "run_2.hdf"), demo_pair, strict=True):
        shutil.copyfile(src, tmp_path / name)
    return [tmp_path / "run_1.hdf", tmp_path / "run_2.hdf"]


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_temporary_is_recognisable_and_goes(inputs, tmp_path):
    seen: list[set[str]] = []
    average_files(inputs, tmp_path / "mean.hdf", backend="numpy",
                  progress=lambda f, m: seen.append(names(tmp_path)))
    during = set().union(*seen) - {"run_1.hdf", "run_2.hdf", "mean.hdf"}
    assert len(during) == 1 and OURS.match(during.pop())
    assert names(tmp_path) == {"run_1.hdf", "run_2.hdf", "mean.hdf"}


def test_stale_temporaries_of_ours_go_and_nobody_elses(inputs, tmp_path):
    stale = [tmp_path / ".mean.hdf.xpcsviewer-0123abcd.tmp", tmp_path / ".x.h5.xpcsviewer-ffffffff.tmp"]
    for p in stale:
        p.write_bytes(b"\x89HDF\r\n\x1a\n half written")
    others = {
        ".mean.hdf.abcd1234.tmp": "the old naming: not recognisably ours",
        ".mean.hdf.xpcsviewer-notours.tmp": "not our random part",
        "mean.hdf.xpcsviewer-0123abcd.tmp": "not hidden",
        ".y.xpcsviewer-00000000.tmpx": "another suffix",
    }
    for name in others:
        (tmp_path / name).write_text("someone else's")
    (tmp_path / ".link.xpcsviewer-11111111.tmp").symlink_to(inputs[0])
    live = tmp_path / ".z.hdf.xpcsviewer-22222222.tmp"  # a live writer holds its lock
    live.write_bytes(b"")
    held = os.open(live, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        average_files(inputs, tmp_path / "mean.hdf", backend="numpy")
        left = names(tmp_path)
    finally:
        os.close(held)
    assert not any(p.name in left for p in stale)
    assert set(others) | {".link.xpcsviewer-11111111.tmp", live.name, "mean.hdf"} <= left
    assert all((tmp_path / n).read_text() == "someone else's" for n in others)


def test_destination_created_meanwhile_is_not_replaced(inputs, tmp_path):
    out = tmp_path / "mean.hdf"

    def someone_else(fraction, message):
        if "moving into place" in message:
            out.write_text("theirs")

    with pytest.raises(FileExistsError, match="created by someone else"):
        average_files(inputs, out, backend="numpy", progress=someone_else)
    assert out.read_text() == "theirs"
    assert names(tmp_path) == {"run_1.hdf", "run_2.hdf", "mean.hdf"}
    again = average_files(inputs, out, backend="numpy", overwrite=True)  # asked: replaced
    assert xv.open(again.path).n_bins == 10


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_files_get_the_users_umask(inputs, tmp_path, umask):
    old = os.umask(umask)
    try:
        out = average_files(inputs, tmp_path / "mean.hdf", backend="numpy").path
        csv = tmp_path / "t.csv"
        write_csv(["a"], [[1.0]], csv, "c")
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert csv.stat().st_mode & 0o777 == 0o666 & ~umask


def test_exports_refuse_an_existing_file(tmp_path):
    path = tmp_path / "fit.json"
    path.write_text("mine")
    with pytest.raises(FileExistsError, match="fit.json exists; pass overwrite=True"):
        write_json({"a": 1.0}, path)
    with pytest.raises(FileExistsError):
        write_csv(["a"], [[1.0]], path, "c")
    assert path.read_text() == "mine" and names(tmp_path) == {"fit.json"}
    text = write_json({"a": float("nan")}, path, overwrite=True)
    assert json.loads(path.read_text()) == {"a": None} == json.loads(text)


def test_fit_result_exports_default_to_new_files(tmp_path):
    f = xv.open(REAL)
    fit = xv.fit_g2(f, bins=[2, 3], backend="numpy")
    fit.to_csv(tmp_path / "fit.csv")
    with pytest.raises(FileExistsError):
        fit.to_csv(tmp_path / "fit.csv")
    fit.to_json(tmp_path / "fit.json")
    with pytest.raises(FileExistsError):
        fit.to_json(tmp_path / "fit.json")
    assert json.loads(fit.to_json(tmp_path / "fit.json", overwrite=True))
    assert names(tmp_path) == {"fit.csv", "fit.json"}


CHILD = """
import os, sys
from xpcsviewer.compute import average_files

a, b, out, stop = sys.argv[1:]

def hold():
    print("READY", flush=True)
    sys.stdin.read()  # until killed

def progress(fraction, message):
    if stop in message:
        hold()

if stop == "linked":  # killed between the link into place and removing the temporary
    real_link = os.link
    def link(src, dst):
        real_link(src, dst)
        hold()
    os.link = link
average_files([a, b], out, backend="numpy", progress=progress)
print("FINISHED", flush=True)
"""

POINTS = ["reading g2 of run_2", "metadata and partition", "multi-tau g2", "moving into place",
          "linked"]


@pytest.mark.parametrize("point", POINTS)
def test_kill_mid_write_leaves_inputs_and_our_temporaries_only(inputs, tmp_path, point):
    out = tmp_path / "mean.hdf"
    env = dict(os.environ, PYTHONPATH=str(Path(xv.__file__).parents[1]), JAX_PLATFORMS="cpu")
    with subprocess.Popen([sys.executable, "-c", CHILD, *map(str, inputs), str(out), point],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) as child:
        try:
            assert child.stdout.readline().strip() == b"READY"
            child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=60) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
    left = names(tmp_path) - {"run_1.hdf", "run_2.hdf"}
    if point == "linked":  # complete under its name, our temporary beside it
        assert "mean.hdf" in left and xv.open(out).n_bins == 10
        left.discard("mean.hdf")
    assert all(STALE.match(n) and OURS.match(n) for n in left), left
    assert len(left) == (0 if point == "reading g2 of run_2" else 1)

    nxt = average_files(inputs, tmp_path / "next.hdf", backend="numpy")  # the next write
    expect = {"run_1.hdf", "run_2.hdf", "next.hdf"} | ({"mean.hdf"} if point == "linked" else set())
    assert names(tmp_path) == expect
    assert xv.open(nxt.path).g2.shape[1] == 10


def test_a_missing_or_wrong_folder_is_named_not_our_temporary(tmp_path):
    """Every export through NewFile names the folder that is missing, never the hidden
    ``.NAME.xpcsviewer-….tmp`` the OS error would carry."""
    fit = xv.fit_g2(xv.open(REAL), bins=[2, 3], backend="numpy")
    missing = tmp_path / "nodir" / "sub"
    writes = [fit.to_json, fit.to_csv, xv.fit_tauq(fit).to_json, xv.fit_tauq(fit).to_csv,
              lambda p: write_json({"a": 1}, p), lambda p: write_csv(["a"], [[1]], p, "c")]
    for write in writes:
        with pytest.raises(FileNotFoundError) as info:
            write(missing / "x.json")
        assert str(info.value) == f"cannot write {missing / 'x.json'}: folder {missing} does not exist"
        assert "xpcsviewer-" not in str(info.value)
    a_file = tmp_path / "a_file"
    a_file.write_text("mine")
    with pytest.raises(NotADirectoryError, match=f"{a_file} is not a folder"):
        fit.to_json(a_file / "x.json")
    assert names(tmp_path) == {"a_file"} and a_file.read_text() == "mine"


def test_an_unwritable_folder_is_named_not_our_temporary(tmp_path, monkeypatch):
    """The tests may run as root, who writes anywhere: the OS refusal is simulated."""
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if STALE.match(Path(path).name):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(PermissionError) as info:
        write_csv(["a"], [[1]], tmp_path / "x.csv", "c")
    assert str(info.value) == f"cannot write {tmp_path / 'x.csv'}: no permission to write in folder {tmp_path}"
    assert names(tmp_path) == set()


def test_a_command_line_names_its_option_and_the_folder_once(tmp_path):
    """A write that fails anyway (the folder went away after the checks) reads as one
    sentence naming the option, the path and the folder, never the temporary."""
    from xpcsviewer._cli_args import write_failed

    out = tmp_path / "gone" / "q.h5"
    with pytest.raises(FileNotFoundError) as info:
        write_json({"a": 1}, out)
    said = write_failed(out, info.value)
    assert said == f"cannot write --out {out}: folder {out.parent} does not exist"
    assert write_failed(out, PermissionError(13, "Permission denied")) == (
        f"cannot write --out {out}: Permission denied")
