"""The file whose bins the g2 panels are is the current file when it is overlaid (issue 13):
the others pair to its bins by (q, φ), each file keeps its colour, the fit is kept, and
other tabs are not redrawn. aging_b (10 bins) and brownian_a (12 bins) have different q
lists, so which file is the reference changes every panel."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import show_tab

import xpcsviewer
from xpcsviewer.compute.bins import match_bins
from xpcsviewer.gui.tabs.g2._bins import load, reference_index, slots


@pytest.fixture(scope="module")
def pair(data_dir):
    with xpcsviewer.open(data_dir / "aging_b_results.hdf") as a, \
            xpcsviewer.open(data_dir / "brownian_a_results.hdf") as b:
        return [load(a), load(b)]


def _check_paired_to(files, chosen, r):
    """Every panel of ``chosen`` is a bin of files[r] (or an orphan of the other file), the
    other file's member is the nearest bin by q, and colour = file index."""
    ref, o = files[r], 1 - r
    m = match_bins(ref.q, ref.phi, files[o].q, files[o].phi)
    panels_of_ref = [s for s in chosen if any(x.file_index == r for x in s.members)]
    assert [s.title.split("\n")[0] for s in panels_of_ref] == list(ref.labels)
    for c, slot in enumerate(panels_of_ref):
        by_file = {x.file_index: x for x in slot.members}
        assert by_file[r].column == c
        if m.partner[c] >= 0:
            partner = by_file[o].column
            assert partner == m.partner[c]
            # nearest by q: no bin of the other file is closer to this bin's q
            assert abs(files[o].q[partner] - ref.q[c]) == np.min(np.abs(files[o].q - ref.q[c]))
        else:
            assert o not in by_file
        assert [x.file_index for x in slot.members] == sorted(by_file)  # selection order
    orphans = [s for s in chosen if [x.file_index for x in s.members] == [o]]
    assert sorted(s.members[0].column for s in orphans) == sorted(m.orphans.tolist())
    assert all(x.colour == x.file_index for s in chosen for x in s.members)
    return m


def test_slots_pair_to_the_reference_and_keep_each_files_colour(pair):
    a, b = pair
    first, notes_a, n_a = slots(pair, "each")
    second, notes_b, n_b = slots(pair, "each", reference=1)
    m0 = _check_paired_to(pair, first, 0)
    m1 = _check_paired_to(pair, second, 1)
    assert n_a == n_b == 2
    assert len(second) == b.n_bins + m1.orphans.size and len(first) == a.n_bins + m0.orphans.size
    assert "differ from aging_b_results.hdf's" in notes_a[0]
    assert "differ from brownian_a_results.hdf's" in notes_b[0]
    # by q: brownian_a's first bin (q = 0.00338) is paired with aging_b's nearest one
    c0 = int(np.argmin(np.abs(a.q - b.q[0])))
    assert {(x.file_index, x.column) for x in second[0].members} >= {(1, 0), (0, c0)}


def test_per_q_panels_are_the_references_q_rings(pair):
    chosen, _, _ = slots(pair, "per_q", reference=1)
    assert len(chosen) == np.unique(pair[1].q_index).size
    assert all(f"q={pair[1].q[k]:.4g}" in s.title for k, s in enumerate(chosen))


def test_reference_index_is_the_current_file_when_overlaid():
    assert reference_index(["a", "b", "c"], "b") == 1
    assert reference_index(["a", "b", "c"], "z") == 0
    assert reference_index(["a", "b"], None) == 0


def test_making_another_overlaid_file_current_repairs_the_panels(qtbot, make_window, data_dir,
                                                                 tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("aging_b_results.hdf", "brownian_a_results.hdf"):
        shutil.copy(data_dir / name, folder)
    shutil.copy(data_dir / "brownian_a_results.hdf", folder / "zz_not_overlaid_results.hdf")
    window = make_window(folder, select=2)
    session = window.session
    a_path, b_path = session.selected
    assert session.current == a_path and b_path.name == "brownian_a_results.hdf"
    view = show_tab(qtbot, window, "g2")
    view.state.fit_on = True
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.fit is not None,
                    timeout=180_000)
    before = view.last_data
    assert before.reference == 0
    legend = view.legend(before)
    for key in ("saxs_1d", "diffusion", "g2"):  # two overlay tabs drawn, then back to g2
        view = show_tab(qtbot, window, key)
    assert view.last_data is before
    # the tabs of the current file (SAXS-2D, Q-map …) follow it; the others must not
    others = {d.controller.key: d for d in window.drivers
              if d.controller.source() != "current" and d.controller.key != "g2"}
    assert not others["saxs_1d"].stale and not others["diffusion"].stale
    fresh = {key for key, d in others.items() if not d.stale}

    session.set_current(b_path)  # as a click on it in the selected list does
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.reference == 1,
                    timeout=60_000)
    after = view.last_data
    _check_paired_to(after.files, after.slots, 1)
    assert [f.path for f in after.files] == [f.path for f in before.files]  # not reordered
    assert view.legend(after) == legend  # each file keeps its colour
    assert after.fit is before.fit  # same (file, column) set: not fitted again
    titles = [p.titleLabel.text for p in view.grid.plots]
    assert titles[0].startswith(after.files[1].labels[0])
    assert "bins of brownian_a" in view.grid.heading.item.toPlainText()
    assert "differ from brownian_a_results.hdf's" in view.notes_label.toolTip()
    assert {key for key, d in others.items() if not d.stale} == fresh  # none recomputes

    session.set_current(folder / "zz_not_overlaid_results.hdf")  # not overlaid: the first
    qtbot.waitUntil(lambda: view.last_data is not None and view.last_data.reference == 0,
                    timeout=60_000)
    _check_paired_to(view.last_data.files, view.last_data.slots, 0)
    assert view.legend(view.last_data) == legend
