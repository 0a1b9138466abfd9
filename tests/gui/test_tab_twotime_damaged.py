"""Two-time tab on a file with one damaged map: the bin list still holds every map, the
damaged bin alone says so (naming the file and the map), the other bins are shown. And the
τ-per-window panel's title is whole at the tab's width in a 1366-px window."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.gui._token import CancelToken

DAMAGED = "/xpcs/twotime/correlation_map/c2_00001"  # aging_b: roi 4, column 3, the default bin


def _quiet(*_):
    return None


@pytest.fixture
def damaged(tmp_path, data_dir):
    """A copy of aging_b with ~300 bytes of garbage inside the stored chunk of c2_00001."""
    path = tmp_path / "aging_b_results.hdf"
    shutil.copyfile(data_dir / "aging_b_results.hdf", path)
    with h5py.File(path, "r") as h5:
        offset = h5[DAMAGED].id.get_chunk_info(0).byte_offset
    with path.open("r+b") as handle:  # plain file I/O: the way a disk or a copy breaks it
        handle.seek(offset + 1000)
        handle.write(b"\xde\xad" * 150)
    f = xpcsviewer.open(path)
    yield f
    f.close()


def test_one_damaged_map_leaves_the_others_selectable(qtbot, damaged):
    from xpcsviewer.gui.tabs.twotime.controller import TwotimeController
    from xpcsviewer.gui.tabs.twotime.view import TwotimeView

    controller = TwotimeController()
    view = TwotimeView(controller)
    qtbot.addWidget(view)
    data = controller.prepare([damaged], CancelToken(), _quiet)  # the default bin is the damaged one
    view.render(data)
    assert data.column == 3 and data.matrix is None
    assert "aging_b_results.hdf" in data.missing and "c2_00001" in data.missing
    assert "aging_b_results.hdf" in view.map.note.text and "c2_00001" in view.map.note.text
    # The list is the file's list of maps, read without reading them.
    assert [view.bin_box.itemData(i) for i in range(view.bin_box.count())] == [3, 4, 5, 6, 7]
    assert view.bin_box.currentData() == 3
    # Another bin, chosen from the list, reads and is drawn.
    view.bin_box.activated.emit(view.bin_box.findData(4))
    assert controller.state.bin == 4
    data = controller.prepare([damaged], CancelToken(), _quiet)
    view.render(data)
    assert not data.missing and data.column == 4 and view.bin_box.currentData() == 4
    assert view.bin_box.count() == 5 and not view.g2_plot.isHidden()
    np.testing.assert_array_equal(view.map.image_data(), data.matrix)
    assert view.map.image_data().shape == (500, 500)


def test_tau_panel_title_is_whole_at_1366_px(qtbot, data_dir):
    from dataclasses import replace

    from xpcsviewer.gui.line import Line
    from xpcsviewer.gui.tabs.twotime.controller import TwotimeController
    from xpcsviewer.gui.tabs.twotime.view import TAU_TIP, TAU_TITLE, TwotimeView

    f = xpcsviewer.open(data_dir / "aging_b_results.hdf")
    controller = TwotimeController()
    view = TwotimeView(controller)
    qtbot.addWidget(view)
    view.resize(1080, 640)  # the tab's area in a 1366 x 768 window
    view.show()
    qtbot.waitExposed(view)
    data = controller.prepare([f], CancelToken(), _quiet)
    ages = np.asarray(data.window_ages)
    # the layout alone is under test: any τ series makes the panel show its fitted title
    view.render(replace(data, fit_pending=False, tau_age=Line(ages, ages, "τ per window")))
    qtbot.wait(1)
    title = view.tau_plot.plot.titleLabel
    assert title.text == TAU_TITLE and title.item.toPlainText() == TAU_TITLE  # not elided
    assert view.tau_plot.toolTip() == TAU_TIP and "bootstrap" in TAU_TIP
    f.close()
