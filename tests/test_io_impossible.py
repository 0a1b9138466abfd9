"""Issue 11 §4: impossible values are reported, not shown as fine; what is usable is kept.

Each file is a real one with a few values made impossible. The reader leaves out (or marks
missing) exactly those, keeps the rest equal to the original, and says what it did in
``XpcsFile.notes`` (and ``FileSummary.notes``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer as xv
import xpcsviewer.io as xio

DATA = Path(__file__).parent / "data"
REAL = DATA / "brownian_a_results.hdf"
DELAYS, G2, ERR = ("/xpcs/multitau/delay_list", "/xpcs/multitau/normalized_g2",
                   "/xpcs/multitau/normalized_g2_err")  # fmt: skip
ORIG = xv.open(REAL)


def altered(tmp_path: Path, name: str = "odd.hdf", src: Path = REAL, **arrays) -> Path:
    """A copy of ``src`` with datasets replaced: keys are G2/ERR/DELAYS names below."""
    path = tmp_path / name
    shutil.copyfile(src, path)
    keys = {"delays": DELAYS, "g2": G2, "err": ERR,
            "roi": "/xpcs/qmap/dynamic_roi_map", "sroi": "/xpcs/qmap/static_roi_map"}
    with h5py.File(path, "a") as h5:
        for name_, value in arrays.items():
            del h5[keys[name_]]
            h5[keys[name_]] = value
    return path


def stored(key: str) -> np.ndarray:
    with h5py.File(REAL, "r") as h5:
        return h5[key][()]


def test_negative_zero_and_nan_delays_are_left_out(tmp_path):
    delays = stored(DELAYS).astype(np.float64)
    delays[[0, 7]] = [-1.0, np.nan]
    delays[20] = 0.0
    f = xv.open(altered(tmp_path, delays=delays))
    keep = np.setdiff1d(np.arange(48), [0, 7, 20])
    np.testing.assert_array_equal(f.tau, ORIG.tau[keep])
    np.testing.assert_array_equal(f.g2, ORIG.g2[keep])
    np.testing.assert_array_equal(f.g2_err, ORIG.g2_err[keep])
    assert f.notes == ("3 delays negative, zero or NaN (rows 0, 7, 20): left out with their "
                       "g2 rows",)
    assert xv.scan(tmp_path)[0].notes == f.notes


def test_delays_out_of_order_are_sorted_with_their_rows(tmp_path):
    order = np.random.default_rng(1).permutation(48)
    f = xv.open(altered(tmp_path, delays=stored(DELAYS)[order], g2=stored(G2)[order],
                        err=stored(ERR)[order]))
    np.testing.assert_array_equal(f.tau, ORIG.tau)
    np.testing.assert_array_equal(f.g2, ORIG.g2)
    np.testing.assert_array_equal(f.g2_err, ORIG.g2_err)
    assert f.notes == ("delays were not in increasing order: sorted, each g2 row with its delay",)


def test_repeated_delay_keeps_its_first_row(tmp_path):
    delays = stored(DELAYS)
    delays[11] = delays[10]
    f = xv.open(altered(tmp_path, delays=delays))
    keep = np.r_[0:11, 12:48]
    np.testing.assert_array_equal(f.g2, ORIG.g2[keep])
    assert np.all(np.diff(f.tau) > 0) and f.tau.size == 47
    assert f.notes == ("1 delay repeated: the first row of each delay kept, the repeats left out",)


def test_inf_in_g2_and_impossible_errors_become_missing(tmp_path):
    g2, err = stored(G2), stored(ERR)
    g2[3, 2], g2[4, 5] = np.inf, -np.inf
    err[6, 1] = -0.5
    err[8, 0] = np.inf
    f = xv.open(altered(tmp_path, g2=g2, err=err))
    assert np.isnan(f.g2[3, 2]) and np.isnan(f.g2[4, 5]) and np.isnan(f.g2_err[6, 1])
    assert np.isnan(f.g2_err[8, 0])
    mask = np.ones(f.g2.shape, bool)
    mask[[3, 4], [2, 5]] = False
    np.testing.assert_array_equal(f.g2[mask], ORIG.g2[mask])
    assert f.notes == ("2 g2 values ±inf in bins 2, 5: treated as missing (NaN)",
                       "2 g2 error bars negative or infinite: treated as unknown (NaN)")


def test_no_usable_delay(tmp_path):
    nan = np.full(48, np.nan)
    with pytest.raises(xio.XpcsFormatError, match="no usable multi-tau delay"):
        xv.open(altered(tmp_path, delays=nan))
    aging = stored_from(DATA / "aging_b_results.hdf", DELAYS)
    f = xv.open(altered(tmp_path, "aging.hdf", DATA / "aging_b_results.hdf",
                        delays=-np.abs(aging.astype(float))))
    assert f.kinds == {"twotime"} and f.g2 is None and f.c2_bins == (3, 4, 5, 6, 7)
    assert "multi-tau results left out, two-time kept" in f.notes[-1]


def stored_from(path: Path, key: str) -> np.ndarray:
    with h5py.File(path, "r") as h5:
        return h5[key][()]


def test_roi_labels_beyond_the_q_lists_are_unused(tmp_path):
    roi = stored("/xpcs/qmap/dynamic_roi_map")
    sroi = stored("/xpcs/qmap/static_roi_map").astype(np.int64)  # stored uint32
    roi[0, :5] = 13  # 12 dynamic bins: label 13 names none
    sroi[1, :3] = -2
    f = xv.open(altered(tmp_path, roi=roi, sroi=sroi))
    assert f.notes == ()  # the q-map is read on first use
    qm = f.qmap
    expect = ORIG.qmap.dynamic_roi_map.copy()
    expect[0, :5] = 0
    np.testing.assert_array_equal(qm.dynamic_roi_map, expect)
    assert (qm.static_roi_map[1, :3] == 0).all() and qm.static_roi_map.max() == 120
    assert f.notes == (
        "dynamic_roi_map: 5 pixels carry labels beyond the 12 stored dynamic bins (13): "
        "treated as unused (label 0)",
        "static_roi_map: 3 pixels carry labels beyond the 120 stored static bins (-2): "
        "treated as unused (label 0)",
    )


def test_real_files_have_no_notes():
    for path in sorted(DATA.glob("*.hdf")):
        f = xv.open(path)
        _ = (f.metadata, f.qmap)
        assert f.notes == (), (path.name, f.notes)
