"""Sessions: every tab's settings survive a restart; a saved session reopens the same work in
a fresh window; a corrupt or outdated session is reported and the window starts as new."""

from __future__ import annotations

import json
import shutil

from conftest import wait_idle

from xpcsviewer.gui.tabs.g2._settings import ParamSetting

# One or two non-default settings per tab (values the views accept).
CHANGES = {
    "saxs_2d": {"log_scale": False, "vmin": 0.5},
    "saxs_1d": {"phi_slices": True, "q_min": 0.002},
    "qmap": {"show_beam_center": False},
    "g2": {"model": "stretched", "t_min": 1e-3, "bin_last": 5,
           "params": {"single": {"baseline": ParamSetting(fixed=True, value=1.0)}},
           "show_partial": True},
    "diffusion": {"alpha_free": False},
    "trends": {"scope": "folder", "q_values": "0.002, 0.004", "phi": 30.0, "x_axis": "file order"},
    "twotime": {"n_windows": 6},
    "stability": {"log_x": False},
    "intensity": {"rebin": 20},
    "average": {"bin": 2},
    "metadata": {"filter_text": "det"},
    "mask": {"tool": "polygon", "mode": "include", "line_width": 7.5, "phi_span": "valid"},
}


def _states(window) -> dict:
    return {d.controller.key: d.controller.state for d in window.drivers}


def test_every_tabs_settings_are_restored_after_a_restart(qtbot, make_window):
    first = make_window()
    states = _states(first)
    assert set(CHANGES) == set(states)  # every tab is covered
    for key, changes in CHANGES.items():
        for name, value in changes.items():
            setattr(states[key], name, value)
    first.tabs.setCurrentIndex(4)
    first.close()

    second = make_window()
    restored = _states(second)
    for key, changes in CHANGES.items():
        for name, value in changes.items():
            assert getattr(restored[key], name) == value, (key, name)
    assert restored["g2"].fit_request == 0  # a request counter is not a setting
    assert second.tabs.currentIndex() == 4


def test_a_saved_session_reopens_the_same_work_in_a_fresh_window(
        qtbot, make_window, settings_path, data_dir, tmp_path, tab):
    folder = tmp_path / "beamtime"
    folder.mkdir()
    for name in ("brownian_a_results.hdf", "aging_b_results.hdf"):
        shutil.copy(data_dir / name, folder / name)
    first = make_window(folder, select=2)
    first.session.set_current(folder / "aging_b_results.hdf")
    first.drivers[3].controller.state.bin_last = 4  # g2 shows its first 5 panels
    view = tab(first, "g2")
    columns, titles = view.last_data.columns, [s.title for s in view.last_data.slots]
    assert len(titles) == 5
    saved = first.save_session(folder / "work.json")
    raw = json.loads(saved.read_text())
    assert raw["folder"] == "." and "aging_b_results.hdf" in raw["selected"]  # relative paths

    first.close()
    settings_path.unlink()  # a fresh window: no last session to restore
    fresh = make_window()
    assert fresh.session.folder is None
    assert fresh.open_session(saved)
    wait_idle(qtbot, fresh)
    assert fresh.session.folder == folder
    assert fresh.session.selected == first.session.selected
    assert fresh.session.current == folder / "aging_b_results.hdf"
    assert fresh.drivers[3].controller.state.bin_last == 4
    again = tab(fresh, "g2")
    assert again.last_data.columns == columns
    assert [s.title for s in again.last_data.slots] == titles
    assert [f.name for f in again.last_data.files] == [f.name for f in view.last_data.files]


def test_a_corrupt_or_outdated_session_is_reported_and_ignored(qtbot, make_window, tmp_path):
    window = make_window()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert not window.open_session(bad)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"kind": "xpcsviewer-session", "version": 99, "tabs": {}}))
    assert not window.open_session(old)
    messages = [window.status_panel.messages.item(i).text()
                for i in range(window.status_panel.messages.count())]
    assert any("bad.json" in m and "cannot read" in m for m in messages)
    assert any("old.json" in m and "version 99" in m for m in messages)
    assert window.session.folder is None and window.drivers[3].controller.state.model == "single"
    # A corrupt last session in the settings: a message, and a window with default settings.
    window.settings.setValue("session/last", "{truncated")
    window.settings.sync()
    window.drivers[3].controller.state.model = "double"
    assert not window.restore_last_session(files=True)
    assert window.drivers[3].controller.state.model == "double"  # untouched, not half-applied


def test_session_values_of_the_wrong_type_are_skipped(tmp_path):
    from xpcsviewer.gui.session_file import restore_state
    from xpcsviewer.gui.tabs.g2.controller import G2State

    state = G2State()
    skipped = restore_state(state, {"model": 3, "t_min": "x", "bin_first": 2, "gone": 1,
                                    "fit_request": 5, "view_mode": None})
    assert state.bin_first == 2 and state.model == "single" and state.fit_request == 0
    assert sorted(skipped) == ["fit_request", "gone", "model", "t_min", "view_mode"]
