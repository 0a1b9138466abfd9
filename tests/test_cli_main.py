"""``xpcsviewer [FOLDER] --snapshot DIR --size WxH --select N``: nonsense values and options
that cannot go together are refused (exit 2, the option and the value named) before Qt is
imported, instead of an empty, resized or silently different window."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xpcsviewer.cli import MIN_SIZE, main


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--size", "0x0"], f"argument --size: the window is at least {MIN_SIZE[0]}x"
                            f"{MIN_SIZE[1]} pixels (its panels do not fit in less), got '0x0'"),
        (["--size=-5x800"], "got '-5x800'"),
        (["--size", "1366x300"], "the window is at least"),
        (["--size", "100000x100000"], "argument --size: at most 8192x8192 pixels"),
        (["--size", "big"], "argument --size: must be WIDTHxHEIGHT"),
        (["--select", "0"], "argument --select: must be a whole number >= 1, got 0"),
        (["--select", "-3"], "argument --select: must be a whole number >= 1, got -3"),
    ],
)
def test_nonsense_snapshot_values_exit_2_naming_the_option(args, said, tmp_path, capsys):
    assert main([str(tmp_path), "--snapshot", str(tmp_path / "shots"), *args]) == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "shots").exists()


def test_a_laptop_size_is_accepted_and_refusal_is_qt_free():
    from xpcsviewer.cli import build_parser

    assert build_parser().parse_args(["--size", "1366x768"]).size == (1366, 768)
    code = ("import sys; from xpcsviewer.cli import main\n"
            "assert main(['--snapshot', 'x', '--size', '0x0']) == 2\n"
            "assert 'PySide6' not in sys.modules\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["{tmp}/nope", "--snapshot", "{tmp}/shots"], "FOLDER {tmp}/nope does not exist"),
        (["{tmp}/f.txt", "--snapshot", "{tmp}/shots"], "FOLDER {tmp}/f.txt is a file xpcsviewer "
                                                        "cannot open"),
        (["{tmp}", "--demo", "--snapshot", "{tmp}/shots"], "give FOLDER or --demo, not both"),
        (["{tmp}", "--select", "3"], "--select only applies with --snapshot DIR"),
        (["{tmp}", "--size", "1366x768"], "--size only applies with --snapshot DIR"),
        (["{tmp}", "--select", "3", "--size", "1366x768"],
         "--select and --size only apply with --snapshot DIR"),
        (["{tmp}", "--snapshot", "{tmp}/f.hdf"], "--snapshot {tmp}/f.hdf is a file"),
        (["{tmp}", "--snapshot", "/proc/shots"], "cannot write --snapshot /proc/shots: "),
    ],
)
def test_options_that_cannot_work_are_refused_before_the_window(args, said, tmp_path, capsys):
    (tmp_path / "f.hdf").write_bytes(b"")
    (tmp_path / "f.txt").write_text("notes")
    assert main([a.format(tmp=tmp_path) for a in args]) == 2
    err = capsys.readouterr().err
    assert said.format(tmp=tmp_path) in err and "Traceback" not in err
    assert not (tmp_path / "shots").exists()
