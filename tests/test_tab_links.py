"""Links between tabs are declared on the Qt-free controllers (``publishes`` / ``follows``),
a picked bin travels as a shared value, and every typed number goes through one parser."""

from __future__ import annotations

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.gui._token import CancelToken
from xpcsviewer.gui.session import Session
from xpcsviewer.gui.tabs import TABS
from xpcsviewer.gui.tabs._model import parse_number
from xpcsviewer.gui.tabs.g2.controller import G2Controller
from xpcsviewer.gui.tabs.qmap.controller import QmapController


def test_every_followed_key_is_published_and_lands_in_a_state_field():
    publishers: dict[str, list[str]] = {}
    for spec in TABS:
        for key in spec.controller.publishes:
            publishers.setdefault(key, []).append(spec.key)
    follows = {spec.key: dict(spec.controller.follows) for spec in TABS}
    assert follows["diffusion"] == {"g2_fit": "g2_fit", "g2_phi": "g2_phi"}
    assert follows["twotime"] == {"picked_bin": "bin"}
    assert publishers == {"picked_bin": ["saxs_2d", "qmap"], "g2_phi": ["g2"], "g2_fit": ["g2"],
                          "wrote": ["average"]}
    for spec in TABS:
        fields = spec.controller.state_class.field_names()
        for key, field in spec.controller.follows.items():
            assert key in publishers, f"{spec.key} follows {key!r}, which no tab publishes"
            assert field in fields, f"{spec.key} follows {key!r} into unknown field {field!r}"


def test_a_controller_publishes_only_what_it_declares():
    g2 = G2Controller()
    sent = []
    g2.shared.connect(lambda *args: sent.append(args))
    assert g2.results(None) == {"g2_phi": None, "g2_fit": None}  # a message: no fit shown
    g2.publish("g2_fit", None)
    assert sent == [("g2_fit", None, False)]
    with pytest.raises(KeyError, match="does not declare 'picked_bin'"):
        g2.publish("picked_bin", 3)
    with pytest.raises(RuntimeError, match="driver"):  # no runner of its own any more
        g2.start(object())


def test_every_pick_on_a_real_qmap_reaches_the_session(data_dir):
    path = data_dir / "aging_b_results.hdf"
    controller, session = QmapController(), Session()
    with xv.open(path) as f:
        data = controller.prepare([f], CancelToken(), lambda fraction, message="": None)
        qm = f.qmap
        roi, mask, mapping = qm.dynamic_roi_map, qm.mask, qm.dynamic_index_mapping
    controller.shared.connect(session.publish)  # what the tab driver wires
    said, reasons = [], []
    controller.said.connect(said.append)
    session.changed.connect(reasons.append)
    row, column = np.argwhere((roi == 5) & mask)[0]
    expected = int(np.flatnonzero(mapping == 5 - 1)[0])  # as tests/gui/test_tab_twotime.py
    for _ in range(2):  # the same bin picked twice is two picks (Two-time may have moved on)
        assert controller.pick(data, int(column), int(row)) == expected
    assert session.shared["picked_bin"] == expected
    assert reasons == ["shared:picked_bin"] * 2
    assert said == [f"roi {expected + 1} picked for Two-time"] * 2
    row0, column0 = np.argwhere(roi == 0)[0]
    assert controller.pick(data, int(column0), int(row0)) is None  # unbinned: no pick
    assert reasons == ["shared:picked_bin"] * 2 and "no bin picked" in said[-1]


@pytest.mark.parametrize(("text", "options", "value"), [
    (" 2e-3 ", {}, 2e-3), ("-1.5", {}, -1.5), ("", {}, None), ("auto", {}, None),
    ("nan", {}, None), ("inf", {}, None), ("-inf", {}, None),
    ("0", {"positive": True}, None), ("-2", {"positive": True}, None), ("3", {"positive": True}, 3.0),
    ("0", {"minimum": 0.0}, 0.0), ("-1e-9", {"minimum": 0.0}, None),
])
def test_one_parser_for_every_typed_number(text, options, value):
    assert parse_number(text, **options) == value


def test_a_followed_result_without_a_truth_value_is_compared_by_identity():
    # g2_phi is one φ array per file; two files of 10 and 12 bins once made the Diffusion
    # state's "unchanged?" test raise (numpy cannot say whether two such lists are equal).
    from xpcsviewer.gui.tabs.diffusion.controller import DiffusionState

    state, changed = DiffusionState(), []
    state.changed.connect(changed.append)
    first = [np.zeros(10), np.zeros(12)]
    state.g2_phi = first
    state.g2_phi = [np.zeros(12), np.zeros(10)]  # same lengths, other shapes: a change
    state.g2_phi = [np.zeros(12), np.zeros(10)]  # equal-valued but new arrays: a change too
    state.g2_phi = state.g2_phi  # the same object: nothing to tell
    assert changed == ["g2_phi"] * 3
