"""Open-folder dialog (issue 13 §8): it says which folders hold result files and how many,
by listing names only (no file is opened), and opens the chosen folder."""

from __future__ import annotations

from pathlib import Path

from xpcsviewer.gui.folder_dialog import ResultCounter, describe


def beamtime(tmp_path: Path, data_dir: Path) -> Path:
    """run1: two result files (+ a log); run2: one .h5 and one .nxs; empty: none."""
    root = tmp_path / "beamtime"
    for name in ("run1", "run2", "empty"):
        (root / name).mkdir(parents=True)
    for name in ("brownian_a_results.hdf", "aging_b_results.hdf"):
        (root / "run1" / name).symlink_to(data_dir / name)
    (root / "run1" / "notes.log").write_text("beam dump at 03:12")
    (root / "run2" / "a.H5").write_bytes(b"not opened, only counted")
    (root / "run2" / "b.nxs").write_bytes(b"")
    return root


def test_counts_result_files_without_opening_them(tmp_path, data_dir):
    root = beamtime(tmp_path, data_dir)
    (root / "run1" / "sub.hdf").mkdir()  # a folder named like a file is not one
    counter = ResultCounter()
    assert [counter.count(root / n) for n in ("run1", "run2", "empty", "gone")] == [2, 2, 0, 0]
    assert counter.subfolders(root) == [("run1", 2), ("run2", 2)]
    text = describe(counter, root, root / "run1")
    assert text == ("run1: 2 result files; this folder: no result files; "
                    "sub-folders with result files: run1 (2), run2 (2)")
    (root / "run2" / "c.hdf5").write_bytes(b"")  # a new file: the folder changed, recounted
    assert counter.count(root / "run2") == 3
    assert describe(counter, root / "empty", None) == "this folder: no result files"


def test_dialog_shows_counts_and_opens_the_chosen_folder(qtbot, make_window, tmp_path, data_dir, idle):
    root = beamtime(tmp_path, data_dir)
    window = make_window()
    window.settings.setValue("window/last_folder", str(root))
    dialog = window.choose_folder()
    assert dialog.isVisible() and dialog.directory().absolutePath() == str(root)
    assert "sub-folders with result files: run1 (2), run2 (2)" in dialog.counts.text()
    dialog.currentChanged.emit(str(root / "run2"))  # the user highlights run2
    assert dialog.counts.text().startswith("run2: 2 result files")
    dialog.setDirectory(str(root / "run1"))
    dialog.directoryEntered.emit(str(root / "run1"))
    assert dialog.counts.text().startswith("this folder: 2 result files")
    dialog.fileSelected.emit(str(root / "run1"))
    dialog.close()
    idle(window)
    assert window.session.folder == root / "run1"
    assert sorted(Path(s.path).name for s in window.session.summaries) == [
        "aging_b_results.hdf", "brownian_a_results.hdf"]
