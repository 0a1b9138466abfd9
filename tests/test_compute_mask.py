"""Mask tools: each shape selects exactly the pixels whose centres it contains; undo/redo."""

from __future__ import annotations

import numpy as np
import pytest

from xpcsviewer.compute.mask import (
    MaskEditor,
    ellipse,
    polygon,
    rectangle,
    ring_outliers,
    thick_line,
    threshold,
)


def test_rectangle_exact_pixels_any_corner_order():
    sel = rectangle((6, 8), 5.5, 3.0, 1.2, 1.0)
    want = np.zeros((6, 8), bool)
    want[1:4, 2:6] = True  # rows 1..3 (y in [1, 3]), cols 2..5 (x in [1.2, 5.5])
    np.testing.assert_array_equal(sel, want)


def test_circle_and_rotated_ellipse():
    sel = ellipse((7, 7), 3, 3, 1.0)
    want = np.zeros((7, 7), bool)
    want[3, 2:5] = True
    want[2:5, 3] = True  # radius 1: the centre and its four neighbours (boundary included)
    np.testing.assert_array_equal(sel, want)
    # rx = 2 along the 90-degree direction (rows), ry = 0.5: a vertical bar of 5 pixels.
    bar = ellipse((7, 7), 3, 3, 2.0, 0.5, angle_deg=90.0)
    np.testing.assert_array_equal(np.argwhere(bar), [[1, 3], [2, 3], [3, 3], [4, 3], [5, 3]])
    with pytest.raises(ValueError):
        ellipse((3, 3), 1, 1, 0.0)


def test_polygon_triangle_includes_boundary():
    sel = polygon((5, 5), [(0, 0), (4, 0), (0, 4)])
    rows, cols = np.indices((5, 5))
    np.testing.assert_array_equal(sel, rows + cols <= 4)  # x + y <= 4, edges included
    with pytest.raises(ValueError):
        polygon((5, 5), [(0, 0), (1, 1)])


def test_thick_line_beamstop_arm():
    sel = thick_line((7, 10), 0, 3, 9, 3, width=2.0)
    want = np.zeros((7, 10), bool)
    want[2:5, :] = True  # rows within 1 pixel of row 3
    np.testing.assert_array_equal(sel, want)
    diag = thick_line((5, 5), 0, 0, 4, 4, width=0.5)
    np.testing.assert_array_equal(diag, np.eye(5, dtype=bool))


def test_threshold_low_high_and_nan():
    img = np.array([[0.0, 1.0, 2.0], [3.0, np.nan, 10.0]])
    np.testing.assert_array_equal(threshold(img, low=1.0, high=3.0),
                                  [[True, False, False], [False, True, True]])
    np.testing.assert_array_equal(threshold(img), [[False] * 3, [False, True, False]])


def test_ring_outliers_flag_the_hot_pixel_only():
    rng = np.random.default_rng(0)
    img = rng.normal(100.0, 1.0, (20, 20))
    rings = np.repeat(np.arange(1, 5), 100).reshape(20, 20)
    img[7, 7] = 150.0  # ring 2
    img[15, 3] = 0.0  # ring 4, a dead pixel
    valid = np.ones((20, 20), bool)
    valid[0, 0] = False
    img[0, 0] = 1e6  # masked already: not reported
    out = ring_outliers(img, rings, valid, n_sigma=6.0)
    np.testing.assert_array_equal(np.argwhere(out), [[7, 7], [15, 3]])
    flat = ring_outliers(np.ones((4, 4)), np.ones((4, 4), int), np.ones((4, 4)))
    assert not flat.any()


def test_editor_combine_invert_undo_redo_and_count():
    ed = MaskEditor((4, 5))
    assert ed.valid_count == 20
    ed.apply(rectangle((4, 5), 0, 0, 1, 1))  # exclude 2x2
    assert ed.valid_count == 16
    ed.apply(rectangle((4, 5), 1, 1, 1, 1), "include")  # give one back
    assert ed.valid_count == 17 and ed.mask[1, 1] and not ed.mask[0, 0]
    ed.invert()
    assert ed.valid_count == 3
    other = np.zeros((4, 5), bool)
    other[0, :] = True
    ed.set(other, "or")
    # after invert: (0,0), (0,1), (1,0) valid; OR row 0 -> row 0 (5) + (1,0)
    assert ed.valid_count == 6 and ed.mask[1, 0] and ed.mask[0].all()
    assert ed.undo() and ed.valid_count == 3
    assert ed.undo() and ed.valid_count == 17
    assert ed.redo() and ed.valid_count == 3
    ed.apply(np.zeros((4, 5), bool))  # a new edit clears redo
    assert not ed.redo()
    while ed.undo():
        pass
    assert ed.valid_count == 20 and not ed.undo()
    with pytest.raises(ValueError):
        ed.set(np.ones((3, 3)))
    with pytest.raises(ValueError):
        ed.apply(other, "xor")
    with pytest.raises(ValueError):
        ed.mask[0, 0] = False  # read-only: edits go through the history
