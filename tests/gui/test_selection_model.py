"""One selection model (issue 13 §4): the current file and the overlay set are clear, the
file table's highlight follows View → Next/Previous file, a new current file leaves nothing
of the previous one on screen, and Enter in a tab's box does not touch the selection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from xpcsviewer.gui.file_panel import PATH_ROLE

WAIT_MS = 120_000  # a cold JAX compile of the g2 fit on a busy machine


def highlighted(window) -> Path | None:
    panel = window.file_panel
    index = panel.table.currentIndex()
    return Path(panel.proxy.index(index.row(), 0).data(PATH_ROLE)) if index.isValid() else None


def test_table_highlight_follows_next_and_previous_file(qtbot, make_window, idle, data_dir):
    window = make_window(data_dir)
    paths = window.file_panel.visible_paths()
    assert len(paths) >= 3
    window.session.set_current(paths[0])
    for step, action in ((1, "next_file"), (2, "next_file"), (1, "previous_file")):
        window.actions_by_name[action].trigger()
        assert window.session.current == paths[step]
        assert highlighted(window) == paths[step]  # the table says which file is current
        assert window.file_panel.table.selectionModel().isRowSelected(step)
    # A file on the overlay list is highlighted there too; stepping does not change the set.
    window.session.set_selected([paths[0], paths[1]])
    window.actions_by_name["previous_file"].trigger()
    assert window.session.current == paths[0]
    assert window.file_panel.selected_list.currentRow() == 0
    assert window.session.selected == [paths[0], paths[1]]


def test_enter_in_a_colour_limit_box_does_not_select(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir)
    window.session.set_current(window.file_panel.visible_paths()[0])
    view = tab(window, "saxs_2d")
    window.activateWindow()
    view.vmin_edit.setFocus()
    view.vmin_edit.setText("0.5")
    qtbot.keyClick(view.vmin_edit, Qt.Key.Key_Return)
    qtbot.keyClick(view.vmin_edit, Qt.Key.Key_Enter)
    assert window.session.selected == []  # Enter set the limit, nothing else
    assert view.state.vmin == 0.5
    # In the file table Enter still adds the highlighted file.
    table = window.file_panel.table
    table.setFocus()
    table.setCurrentIndex(window.file_panel.proxy.index(1, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.session.selected == [window.file_panel.visible_paths()[1]]


def test_a_new_current_file_clears_the_previous_ones_readouts(qtbot, make_window, tab, idle, data_dir):
    window = make_window(data_dir)
    paths = window.file_panel.visible_paths()
    window.session.set_current(paths[0])
    for key in ("saxs_2d", "qmap"):
        view = tab(window, key)
        view._hovered(10, 20)
        assert paths[0].name not in view.readout.text() and "pixel (10, 20)" in view.readout.text()
        window.actions_by_name["next_file"].trigger()
        # Until the new file is drawn there is no old picture to export or read out.
        assert view.last_data is None and view.readout.text().strip() == ""
        idle(window)
        assert view.last_data is not None and view.last_data.name == paths[1].name
        assert view.readout.text().strip() == ""
        window.session.set_current(paths[0])
        idle(window)


def test_a_new_current_file_clears_the_fit_table_and_nuts_line(qtbot, make_window, tab, data_dir):
    window = make_window(data_dir)
    paths = [p for p in window.file_panel.visible_paths() if p.name.startswith("brownian")
             or p.name.startswith("aging")]
    window.session.set_current(paths[0])
    view = tab(window, "g2")
    view.fit_panel.fit_button.click()
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=WAIT_MS)
    assert view.table.cell(0, "file") == paths[0].name
    view.fit_panel.bayes_status.setText(f"NUTS bin 3 of {paths[0].name}: R-hat 1.00")
    window.session.set_current(paths[1])
    # At once, before the new file is computed: nothing of the old one on show.
    assert view.last_data is None
    assert view.fit_panel.bayes_status.text() == ""
    assert view.table.isHidden() and view.table.rowCount() == 0
    assert window.session.shared.get("g2_fit") is None  # Diffusion drops the old fits too
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=WAIT_MS)
    names = {view.table.cell(r, "file") for r in range(view.table.rowCount())}
    assert names == {paths[1].name}
