"""Suggested export names (issue 13 §5): file, tab and bins, safe on every OS."""

from __future__ import annotations

from pathlib import Path

from xpcsviewer.gui.export_names import file_stem, start_path, suggest_name


def test_name_says_file_tab_and_bins():
    files = [Path("/data/brownian_a_results.hdf")]
    assert suggest_name(files, "g2", ".csv", (1, 12)) == "brownian_a_g2_bins1-12.csv"
    assert suggest_name(files, "g2", "png", (5, 5)) == "brownian_a_g2_bins5.png"
    assert suggest_name(files, "saxs_1d", ".svg") == "brownian_a_saxs_1d.svg"
    two = [*files, Path("/data/aging_b_results.hdf"), Path("/data/phi_c_results.hdf")]
    assert suggest_name(two, "diffusion", ".pdf") == "brownian_a+2_diffusion.pdf"
    assert suggest_name([], "trends", ".csv") == "xpcsviewer_trends.csv"


def test_unsafe_characters_become_underscores():
    name = suggest_name([Path("/d/run 3: T=$20/°C_results.h5")], "g2", ".csv", (2, 4))
    assert name == "C_g2_bins2-4.csv"  # the directory part is not the name
    assert suggest_name([Path("/d/run 3: T=$20 °C_results.h5")], "g2", ".csv") == "run_3_T_20_C_g2.csv"
    assert file_stem("x_results.hdf") == "x" and file_stem("_results.hdf") == "_results"


def test_start_path_prefers_the_last_export_folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    assert start_path(str(tmp_path), data, "a.csv") == tmp_path / "a.csv"
    assert start_path(str(tmp_path / "gone"), data, "a.csv") == data / "a.csv"
    assert start_path("", data, "a.csv") == data / "a.csv"
    assert start_path(None, data, "a.csv") == data / "a.csv"
