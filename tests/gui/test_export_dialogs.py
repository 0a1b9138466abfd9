"""Export dialogs (issue 13 §5): they open in the last export folder with a name made of
file, tab and bins; the folder is remembered across restarts (QSettings)."""

from __future__ import annotations

from pathlib import Path

import xpcsviewer.gui._window_exports as window_exports


def test_export_dialogs_start_in_the_last_export_folder(qtbot, make_window, tab, data_dir,
                                                        tmp_path, monkeypatch):
    asked: list[str] = []
    answer: list[str] = []

    def fake_dialog(parent, caption, start, filters):
        asked.append(start)
        return answer.pop(0), filters

    monkeypatch.setattr(window_exports.QFileDialog, "getSaveFileName", fake_dialog)
    window = make_window(data_dir, select=1)
    view = tab(window, "g2")
    f = view.last_data.files[0]
    stem = Path(f.path).stem.removesuffix("_results")
    n = len(view.last_data.slots)
    # First export: no export folder yet, so the data folder, and the name of what is shown.
    out = tmp_path / "figures"
    out.mkdir()
    answer.append(str(out / "mine.csv"))
    window.choose_csv_export()
    assert asked[-1] == str(data_dir / f"{stem}_g2_bins1-{n}.csv")
    assert (out / "mine.csv").is_file()
    # The next one starts where the last one went; the bins follow the range plotted.
    view.state.bin_first, view.state.bin_last = 1, 3
    tab(window, "g2")
    answer.append(str(out / "fig.png"))
    window.choose_figure_export()
    assert asked[-1] == str(out / f"{stem}_g2_bins2-4.png")
    assert (out / "fig.png").is_file()
    # A cancelled dialog writes nothing and keeps the folder.
    answer.append("")
    window.choose_csv_export()
    assert window.settings.value(window_exports.EXPORT_FOLDER_KEY) == str(out)
    # Another tab names itself.
    tab(window, "saxs_1d")
    answer.append("")
    window.choose_figure_export()
    assert asked[-1] == str(out / f"{stem}_saxs_1d.png")
