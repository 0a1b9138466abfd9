"""Every tab on every shipped file, on an averaged file and on altered copies: each plot shows
data or says why not, user strings reach labels verbatim, and no view widens the window.

One window visits every (file, tab): the tabs' compiled kernels and pooled plots are reused,
as when a user steps through a folder. Qt warnings fail the test (qt_log_level_fail)."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import show_tab as _show_tab

from xpcsviewer.compute import average_files
from xpcsviewer.demo import ensure_demo
from xpcsviewer.gui.plotting import blank_panels, escape, shown_notes, visible_panels
from xpcsviewer.gui.tabs import TABS
from xpcsviewer.io._keys import NEXUS_8IDI as K

SHIPPED = ("brownian_a", "aging_b", "phi_c", "dstep_c")
ODD_NAME = "odd <b>&amp; x>_results.hdf"  # would be bold and cut at "<" if read as HTML
ODD_SAMPLE = "<i>s&p</i>"
MAX_MIN_WIDTH = 1280  # px: the window must fit a laptop screen whatever a view shows


def _altered(source: Path, out: Path, change) -> Path:
    shutil.copy(source, out)
    with h5py.File(out, "r+") as h5:
        change(h5)
    return out


def _set_sample(h5: h5py.File) -> None:
    del h5[K["sample_name"]]
    h5[K["sample_name"]] = ODD_SAMPLE


def _dark(h5: h5py.File) -> None:
    h5[K["saxs_2d"]][...] = 0.0  # a dark frame: no pixel > 0, the log scale has nothing


def _no_trace(h5: h5py.File) -> None:
    del h5[K["intensity_vs_time"]]


def _nan_image(h5: h5py.File) -> None:
    h5[K["saxs_2d"]][...] = np.nan  # a failed reduction: no finite pixel at all


def _nan_bin(h5: h5py.File) -> None:
    g2 = h5[K["g2"]]
    g2[:, 0] = np.nan  # one dynamic bin without a single finite g2 value


@pytest.fixture
def folder(tmp_path: Path, data_dir: Path) -> Path:
    """The shipped files, an averaged file, altered copies of brownian_a, and the demo's aging
    file (its Two-time tab has a long note: age-window fits that fail)."""
    folder = tmp_path / "beamtime"
    folder.mkdir()
    for name in SHIPPED:
        (folder / f"{name}_results.hdf").symlink_to(data_dir / f"{name}_results.hdf")
    (folder / "demo_aging.hdf").symlink_to(ensure_demo() / "demo_aging.hdf")
    source = data_dir / "brownian_a_results.hdf"
    average_files([source], folder / "brownian_a_avg.hdf")
    _altered(source, folder / ODD_NAME, _set_sample)
    _altered(source, folder / "dark_results.hdf", _dark)
    _altered(source, folder / "no_trace_results.hdf", _no_trace)
    _altered(source, folder / "nan_image_results.hdf", _nan_image)
    _altered(source, folder / "nan_bin_results.hdf", _nan_bin)
    return folder


def show_tab(qtbot, window, key: str):
    """Show tab ``key`` and wait for it (longer than conftest's wait: the first two-time
    compile of a 1,000-frame map can take ~20 s on a busy shared machine)."""
    from xpcsviewer.gui.tabs import TABS as tabs

    window.tabs.setCurrentIndex([spec.key for spec in tabs].index(key))
    driver = window.current_driver()
    qtbot.waitUntil(lambda: window.scan_job is None and not driver.busy and not driver.stale,
                    timeout=120_000)
    return _show_tab(qtbot, window, key)


def _show(qtbot, window, path: Path) -> None:
    window.session.set_current(path)
    window.session.set_selected([path])


def test_every_tab_shows_a_plot_or_says_why_on_every_file(qtbot, make_window, folder):
    window = make_window(folder)
    failures, errors = [], []
    widest = 0
    files = sorted(folder.glob("*.hdf"))
    assert len(files) == 11
    for path in files:
        _show(qtbot, window, path)
        for spec in TABS:
            view = show_tab(qtbot, window, spec.key)
            where = f"{path.name} / {spec.title}"
            if spec.key == "metadata":
                if view.tree.topLevelItemCount() == 0:
                    failures.append(f"{where}: empty tree")
                continue
            if visible_panels(view) == 0:
                failures.append(f"{where}: no plot shown")
            failures += [f"{where}: {blank}" for blank in blank_panels(view)]
            errors += [f"{where}: {n}" for n in shown_notes(view) if "could not show" in n]
            # The window's own hint lags on the offscreen platform; the tab widget's is what a
            # view asks for (a 394-character note on demo_aging's Two-time tab asked 2,383 px).
            widest = max(widest, window.minimumSizeHint().width(), window.tabs.minimumSizeHint().width())
    assert not failures, "\n".join(failures)
    # What the tabs could not show at all: none of these files should fail outright.
    assert not errors, "\n".join(errors)
    assert widest < MAX_MIN_WIDTH, f"a view raised the window's minimum width to {widest} px"


def test_degenerate_views_say_why(qtbot, make_window, folder):
    window = make_window(folder)

    _show(qtbot, window, folder / "dark_results.hdf")
    view = show_tab(qtbot, window, "saxs_2d")
    assert view.state.log_scale  # the default: the log scale has nothing to show
    assert "linear scale" in view.panel.note.text and "every pixel is 0" in view.panel.note.text
    assert np.array_equal(view.panel.image_data(), np.zeros(view.last_data.image.shape))
    assert view.panel.overlay.isVisible()  # the mask is not washed into a white canvas

    _show(qtbot, window, folder / "nan_image_results.hdf")
    view = show_tab(qtbot, window, "saxs_2d")
    assert "no pixel holds a finite value" in view.panel.note.text

    _show(qtbot, window, folder / "nan_bin_results.hdf")
    view = show_tab(qtbot, window, "g2")
    assert view.grid.notes_shown()[0].startswith(("no finite value", "fit failed"))
    assert blank_panels(view) == []

    _show(qtbot, window, folder / "brownian_a_avg.hdf")
    view = show_tab(qtbot, window, "intensity")
    assert "no intensity-vs-time trace" in view.trace_plot.note.text
    assert "brownian_a_avg.hdf" in view.trace_plot.note.text
    view = show_tab(qtbot, window, "stability")
    assert "no SAXS-1D segments" in view.profiles.note.text

    _show(qtbot, window, folder / "no_trace_results.hdf")
    view = show_tab(qtbot, window, "intensity")
    assert "no_trace_results.hdf has no intensity-vs-time trace" in view.trace_plot.note.text

    _show(qtbot, window, folder / "brownian_a_results.hdf")
    view = show_tab(qtbot, window, "intensity")
    n_frames = view.last_data.traces[0].n_frames
    view.rebin_spin.setValue(n_frames + 5)  # more frames per point than the run has
    show_tab(qtbot, window, "intensity")
    (x, y, _label), = view.trace_plot.line_data()
    assert x.size == 1 and y[0] == pytest.approx(view.last_data.traces[0].intensity[0])
    assert f"rebin {n_frames + 5} ≥ the frames" in view.trace_plot.plot.titleLabel.text

    view = show_tab(qtbot, window, "saxs_1d")
    view.q_edits["q_min"].setText("5")  # Å⁻¹: far beyond any bin
    view.q_edits["q_min"].editingFinished.emit()
    show_tab(qtbot, window, "saxs_1d")
    assert "no q bin lies in the chosen q range (5 to ∞ Å⁻¹)" in view.plot.note.text
    assert blank_panels(view) == []


def test_user_strings_reach_rich_text_labels_verbatim(qtbot, make_window, folder):
    window = make_window(folder)
    path = folder / ODD_NAME
    _show(qtbot, window, path)
    view = show_tab(qtbot, window, "saxs_2d")
    # titles are plain text now (elided to the plot): the name itself, not markup
    assert ODD_NAME in view.panel.plot.titleLabel.text
    view = show_tab(qtbot, window, "saxs_1d")
    (_sample, label), = view.plot.legend.items
    assert label.text == escape(ODD_NAME)
    view = show_tab(qtbot, window, "average")
    sample = view.table.item(0, 1)
    assert sample.text() == ODD_SAMPLE and escape(ODD_SAMPLE) in sample.toolTip()
    view = show_tab(qtbot, window, "g2")
    assert escape(ODD_NAME) in view.grid.heading.text and ODD_NAME not in view.grid.heading.text


def test_averaging_different_samples_is_refused_unless_allowed(qtbot, make_window, folder, tmp_path):
    a, b = folder / "brownian_a_results.hdf", folder / ODD_NAME
    with pytest.raises(ValueError, match=r"different samples \('<i>s&p</i>' vs 'brownian_a'\)"):
        average_files([a, b], tmp_path / "mixed.hdf")
    assert not (tmp_path / "mixed.hdf").exists()
    with pytest.raises(ValueError, match=r"different partitions \(\d+ vs 12 q bins\)"):
        average_files([a, folder / "phi_c_results.hdf"], tmp_path / "mixed.hdf", allow_mixed=True)
    out = average_files([a, b], tmp_path / "mixed.hdf", allow_mixed=True)
    assert sorted(out.average.report.used) == sorted([a.name, b.name])

    window = make_window(folder)
    window.session.set_selected([a, b])
    view = show_tab(qtbot, window, "average")
    assert "different samples" in view.last_data.error and not view.write_button.isEnabled()
    assert "different samples" in view.plot.note.text
    view.mixed_box.setChecked(True)
    view = show_tab(qtbot, window, "average")
    assert not view.last_data.error and view.write_button.isEnabled()
    assert any("averaging mixed files as asked" in n for n in view.last_data.notes)


def test_exports_show_dollar_signs_verbatim(tmp_path):
    from xpcsviewer.gui.plotting import Line, LinesFigure, export_panels_figure

    # Read as mathtext, "\notacommand" fails to parse and the export raised ValueError.
    name = r"run_$\notacommand$.hdf"
    line = Line(np.array([1e-3, 2e-3]), np.array([1.0, 2.0]), name)
    figure = LinesFigure([line], "q (Å⁻¹)", "I", True, True, title=name)
    out = export_panels_figure(tmp_path / "fig.png", [figure], title=name)
    assert out.stat().st_size > 1000
