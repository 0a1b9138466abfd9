"""The g2 tab at 1366x768 (a laptop) with five overlaid files, a fit and a long "partitions
differ" note: two rows of readable panels (issue 13 §6). Three wrapped lines of notes and
the fit table's old share left one row of two panels."""

from __future__ import annotations

import shutil

from conftest import show_tab, wait_idle
from PySide6.QtCore import Qt

from xpcsviewer.gui.plotting._panel_grid import MIN_PANEL_PX
from xpcsviewer.gui.tabs.g2._notes_row import FOLDED, OPEN


def test_a_laptop_window_shows_two_rows_of_readable_panels_and_every_note(qtbot, make_window,
                                                                         data_dir, tmp_path):
    folder = tmp_path / "five"
    folder.mkdir()
    shutil.copy(data_dir / "aging_b_results.hdf", folder)
    for k in range(4):  # brownian_a's partition differs from aging_b's: one long note
        (folder / f"brownian_sample_{k}_long_name_results.hdf").symlink_to(
            data_dir / "brownian_a_results.hdf")
    window = make_window(folder, select=5)
    window.resize(1366, 768)
    view = show_tab(qtbot, window, "g2")
    view.state.fit_on = True
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=180_000)
    wait_idle(qtbot, window)
    qtbot.wait(300)  # the layout settles on posted events
    assert len(view.last_data.files) == 5 and view.table.isVisible()
    notes = view.notes_label
    whole = "; ".join(view.last_data.notes)
    assert "partitions differ" in whole and whole.count("without a partner") == 4
    # one line, elided, the whole text in the tooltip
    assert notes.text().startswith(FOLDED) and notes.text().endswith("…")
    assert notes.height() <= 2 * notes.fontMetrics().lineSpacing()
    assert "brownian_sample_3_long_name" in notes.toolTip()
    assert "brownian_sample_3_long_name" not in notes.text()

    plots = list(view.grid.plots)
    assert view.grid.capacity()[0] >= 2 and len(plots) >= 4  # two rows of panels
    view_rect = view.grid.mapToScene(view.grid.viewport().rect()).boundingRect()
    for plot in plots:
        rect = plot.sceneBoundingRect()
        assert rect.width() >= MIN_PANEL_PX[0] - 10 and rect.height() >= MIN_PANEL_PX[1] - 10
        assert view_rect.contains(rect.adjusted(1, 1, -1, -1))
    rows = sorted({round(p.sceneBoundingRect().top()) for p in plots})
    assert len(rows) >= 2

    # a click shows every note wrapped; another folds it to one line again
    qtbot.mouseClick(notes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.height() > 2 * notes.fontMetrics().lineSpacing(), timeout=5000)
    assert notes.text() == OPEN + whole
    qtbot.mouseClick(notes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.height() <= 2 * notes.fontMetrics().lineSpacing(), timeout=5000)
    assert notes.text().startswith(FOLDED)
