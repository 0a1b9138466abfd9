"""Averaging refuses files that are not one sample and partition, naming both files and values;
``allow_mixed`` averages different samples or frame times on purpose; the averaged file's
lack of an intensity trace is a NaN intensity, not a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import xpcsviewer
from xpcsviewer.compute import average_files, average_g2, file_differences, trace_mean
from xpcsviewer.io._keys import NEXUS_8IDI as K


def _copy(source: Path, out: Path, key: str, value) -> Path:
    shutil.copy(source, out)
    with h5py.File(out, "r+") as h5:
        del h5[key]
        h5[key] = value
    return out


@pytest.fixture
def brownian(data_dir: Path) -> Path:
    return data_dir / "brownian_a_results.hdf"


def test_different_samples_and_frame_times_are_named_and_refused(brownian, tmp_path):
    other = _copy(brownian, tmp_path / "other_sample.hdf", K["sample_name"], "silica_b")
    slow = _copy(brownian, tmp_path / "slow.hdf", K["frame_time_s"], 0.002)
    with pytest.raises(ValueError, match=r"other_sample.hdf and brownian_a_results.hdf are "
                                         r"different samples \('silica_b' vs 'brownian_a'\)"):
        average_files([brownian, other], tmp_path / "out.hdf")
    with pytest.raises(ValueError, match=r"slow.hdf and brownian_a_results.hdf have different "
                                         r"frame times \(0.002 vs 0.001 s\).*allow_mixed=True"):
        average_files([brownian, slow], tmp_path / "out.hdf")
    assert not (tmp_path / "out.hdf").exists()

    out = average_files([brownian, other], tmp_path / "out.hdf", allow_mixed=True)
    assert sorted(out.average.report.used) == ["brownian_a_results.hdf", "other_sample.hdf"]
    mean, g2 = xpcsviewer.open(out.path).g2, xpcsviewer.open(brownian).g2
    # two copies of one run: the average is that run (float32 storage); where NaN goes is
    # the NaN-aware averaging's business (issue 10 §3), not this test's
    both = np.isfinite(mean) & np.isfinite(g2)
    assert both.mean() > 0.9
    np.testing.assert_allclose(mean[both], g2[both], rtol=1e-6)


def test_different_partitions_and_detectors_are_refused_even_when_mixed_is_allowed(brownian, data_dir, tmp_path):
    phi = data_dir / "phi_c_results.hdf"
    files = [xpcsviewer.open(brownian), xpcsviewer.open(phi)]
    differences = file_differences(files)
    n_phi, n_brownian = files[1].n_bins, files[0].n_bins
    assert any(f"different partitions ({n_phi} vs {n_brownian} q bins)" in s for s in differences.hard)
    shapes = tuple(files[1].qmap.shape), tuple(files[0].qmap.shape)
    if shapes[0] != shapes[1]:
        assert any(f"different detector shapes ({shapes[0]} vs {shapes[1]} pixels)" in s
                   for s in differences.hard)
    assert differences.refusal(allow_mixed=True)
    with pytest.raises(ValueError, match="different partitions"):
        average_files([brownian, phi], tmp_path / "out.hdf", allow_mixed=True)


def test_an_averaged_file_can_be_averaged_again(brownian, tmp_path):
    first = average_files([brownian], tmp_path / "avg.hdf").path
    averaged = xpcsviewer.open(first)
    assert np.size(averaged.intensity_t[0]) == 0 and np.isnan(trace_mean(averaged))
    assert trace_mean(xpcsviewer.open(brownian)) == pytest.approx(
        float(np.mean(xpcsviewer.open(brownian).intensity_t[1])))
    again = average_files([brownian, first, brownian], tmp_path / "again.hdf")
    assert "no intensity trace in avg.hdf: intensity not judged there" in again.average.report.notes


def test_unknown_intensity_is_not_judged():
    tau = np.geomspace(1e-3, 1.0, 20)
    g2 = np.ones((20, 2)) * 1.2
    err = np.full((20, 2), 0.01)
    avg = average_g2([tau] * 3, [g2] * 3, [err] * 3, intensities=[1.0, np.nan, 1.02],
                     names=["a", "b", "c"], intensity_tolerance=0.1)
    assert avg.report.used == ("a", "b", "c")
    assert any("no intensity trace in b" in n for n in avg.report.notes)
