"""Beam-centre finding recovers the shipped files' beam centre from their SAXS-2D."""

from __future__ import annotations

import json

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.compute.center import find_beam_center, ring_cost


@pytest.mark.parametrize("name", ["brownian_a", "aging_b", "phi_c", "dstep_c"])
def test_recovers_the_true_beam_centre_within_half_a_pixel(data_dir, name):
    f = xv.open(data_dir / f"{name}_results.hdf")
    truth = json.loads((data_dir / f"{name}_truth.json").read_text())["beam_center_xy"]
    # Start 4.3 / 3.1 pixels off: the search must walk back to the truth.
    found = find_beam_center(f.saxs_2d, f.qmap.mask, (truth[0] + 4.3, truth[1] - 3.1))
    assert abs(found.x - truth[0]) < 0.5 and abs(found.y - truth[1]) < 0.5
    assert found.pixels == int(np.count_nonzero(f.qmap.mask & (f.saxs_2d > 0)))


def test_synthetic_rings_and_default_guess():
    ny, nx, cx, cy = 90, 110, 61.3, 37.8
    rows, cols = np.mgrid[:ny, :nx]
    r = np.hypot(cols - cx, rows - cy)
    image = 1.0 / (1 + (r / 9.0) ** 2) ** 2 * (1.5 + np.cos(r / 2.5))
    mask = np.ones((ny, nx), bool)
    mask[30:46, 55:] = False  # a beamstop arm through the centre
    found = find_beam_center(image, mask)
    assert found.x == pytest.approx(cx, abs=0.05) and found.y == pytest.approx(cy, abs=0.05)
    log_image = np.log(image)
    at, _ = ring_cost(log_image, mask, cx, cy)
    assert at < ring_cost(log_image, mask, cx + 1, cy)[0]


def test_bad_input_raises():
    with pytest.raises(ValueError, match="2-D"):
        find_beam_center(np.ones(10))
    with pytest.raises(ValueError, match="shape"):
        find_beam_center(np.ones((8, 8)), np.ones((8, 9)))
    with pytest.raises(ValueError, match="fewer than 16"):
        find_beam_center(np.zeros((8, 8)))
