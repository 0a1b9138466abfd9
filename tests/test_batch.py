"""``xpcsviewer batch``: the table equals the API's fits, bad files are rows, Dask = in-process.

The folder is built per session from the real files (brownian_a, phi_c), the Twotime-only
dstep_c (no multi-tau g2 to fit) and a file that is not HDF5 at all.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import xpcsviewer as xv
from xpcsviewer.batch import FitOptions, fit_files, list_files, read_table, write_table
from xpcsviewer.batch._report import pages_for, write_report
from xpcsviewer.cli import main

GOOD = ("brownian_a", "phi_c")


@pytest.fixture(scope="module")
def folder(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("beamtime")
    for name in (*GOOD, "dstep_c"):
        shutil.copy(data_dir / f"{name}_results.hdf", out)
    (out / "zz_broken_results.hdf").write_bytes(b"the correlator crashed here\n" * 50)
    return out


@pytest.fixture(scope="module")
def fitted(folder, tmp_path_factory):
    """``batch fit`` run once through the command line (JAX backend, default chunk)."""
    out = tmp_path_factory.mktemp("fit") / "fits.csv"
    rc = main(["batch", "fit", str(folder), "--backend", "jax", "--progress", "lines",
               "--out", str(out)])
    return rc, read_table(out), out


def test_table_equals_fit_g2_and_fit_tauq(fitted, folder, data_dir):
    rc, table, _ = fitted
    files = [xv.open(folder / f"{n}_results.hdf") for n in GOOD]
    ref = xv.fit_g2(files, model="single", backend="jax")
    tauq = xv.fit_tauq(ref, alpha=2)
    ok = np.array([s != "error" for s in table.columns["status"]])
    cols = {k: (np.asarray(v)[ok] if isinstance(v, np.ndarray) else
                [x for x, keep in zip(v, ok, strict=True) if keep])
            for k, v in table.columns.items()}
    assert len(cols["file"]) == ref.n_rows == 12 + 59
    assert cols["path"] == [str(files[k].path) for k in ref.file_index]
    np.testing.assert_array_equal(cols["column"], ref.column)
    np.testing.assert_array_equal(cols["q_1_per_A"], ref.q)
    phi = np.concatenate([f.dynamic_phi for f in files])
    np.testing.assert_array_equal(cols["phi_deg"], phi)
    for i, p in enumerate(ref.params):
        np.testing.assert_allclose(cols[p], ref.values[:, i], rtol=1e-10)
        np.testing.assert_allclose(cols[f"{p}_err"], ref.errors[:, i], rtol=1e-10)
    np.testing.assert_allclose(cols["chi2_red"], ref.chi2_red, rtol=1e-10)
    assert cols["status"] == [s.value for s in ref.status]
    np.testing.assert_allclose(cols["D_A2_per_s"], tauq.D[ref.file_index], rtol=1e-10)
    np.testing.assert_allclose(cols["D_err_A2_per_s"], tauq.D_err[ref.file_index], rtol=1e-10)
    # and the physics: phi_c was simulated with D = 1.5e5 A^2/s
    truth = json.loads((data_dir / "phi_c_truth.json").read_text())["diffusion_A2_per_s"]
    d_phi = cols["D_A2_per_s"][-1]
    assert abs(d_phi / float(np.ravel(truth)[0]) - 1) < 0.03


def test_bad_files_are_error_rows_and_exit_1(fitted):
    rc, table, _ = fitted
    assert rc == 1
    errors = {r["file"]: r for r in table.rows() if r["status"] == "error"}
    assert set(errors) == {"dstep_c_results.hdf", "zz_broken_results.hdf"}
    assert "no multi-tau g2" in errors["dstep_c_results.hdf"]["message"]
    assert "HDF5" in errors["zz_broken_results.hdf"]["message"]
    for row in errors.values():
        assert row["column"] == -1 and np.isnan(row["tau"]) and np.isnan(row["D_A2_per_s"])
    # one row per file in folder order, error rows where the file sits
    order = list(dict.fromkeys(table.columns["file"]))
    assert order == sorted(order) and len(order) == 4


def test_provenance_in_csv_header_and_parquet_metadata(fitted, tmp_path):
    _, table, csv_path = fitted
    text = csv_path.read_text()
    assert text.startswith("# {")
    prov = table.provenance
    assert prov["xpcsviewer_version"] == xv.__version__
    assert prov["backend"] == "jax" and prov["model"] == "single"
    assert prov["options"]["alpha"] == 2.0 and prov["created"]
    pq_path = write_table(table, tmp_path / "fits.parquet")
    import pyarrow.parquet as pq

    meta = pq.read_schema(pq_path).metadata[b"xpcsviewer"]
    assert json.loads(meta) == prov


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip(fitted, tmp_path, suffix):
    _, table, _ = fitted
    back = read_table(write_table(table, tmp_path / f"t{suffix}"))
    assert back.names == table.names and back.provenance == table.provenance
    assert back.equals(table, rtol=0.0)  # floats written exactly (repr / float64)
    for name, values in table.columns.items():
        assert type(back.columns[name]) is type(values), name
    # an independent reader sees the same numbers
    import pandas as pd

    df = (pd.read_csv(tmp_path / f"t{suffix}", comment="#") if suffix == ".csv"
          else pd.read_parquet(tmp_path / f"t{suffix}"))
    np.testing.assert_array_equal(df["tau"].to_numpy(), table.columns["tau"])


@pytest.mark.parametrize(
    "args",
    [
        ["fit", "{missing}", "--out", "{tmp}/t.csv"],
        ["fit", "{folder}", "--out", "{tmp}/t.xlsx"],
        ["fit", "{folder}"],
        ["fit", "{folder}", "--model", "triple", "--out", "{tmp}/t.csv"],
        ["fit", "{folder}", "--t-range", "1", "0.1", "--out", "{tmp}/t.csv"],
        ["fit", "{folder}", "--bins", "-1", "--out", "{tmp}/t.csv"],
        ["fit", "{folder}", "--workers", "2", "--scheduler", "tcp://x:1", "--out", "{tmp}/t.csv"],
        ["fit", "{folder}", "--workers", "0", "--out", "{tmp}/t.csv"],
        ["fit", "{empty}", "--out", "{tmp}/t.csv"],
        ["report", "{folder}", "--out", "{tmp}/r.png"],
        ["fit", "{folder}", "--out", "{folder}/brownian_a_results.hdf/t.csv"],
        ["fit", "{folder}", "--out", "{tmp}"],
        ["frobnicate", "{folder}"],
        ["snapshot", "{folder}", "--out", "{tmp}/shots", "--size", "100x100"],
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(args, folder, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    fill = {"missing": tmp_path / "nope", "folder": folder, "tmp": tmp_path,
            "empty": tmp_path / "empty"}
    argv = ["batch", *(a.format(**fill) for a in args)]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip()  # says why
    assert not [p for p in tmp_path.iterdir() if p.name != "empty"]


def test_batch_help_is_qt_free():
    code = ("import sys; from xpcsviewer.cli import main\n"
            "for argv in (['batch', '--help'], ['batch', 'fit', '--help'], ['--help']):\n"
            "    try:\n        rc = main(argv)\n    except SystemExit as e:\n        rc = e.code\n"
            "    assert rc == 0, (argv, rc)\n"
            "assert 'PySide6' not in sys.modules and 'jax' not in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "batch fit" in result.stdout or "fit" in result.stdout


def test_report_pages(folder, tmp_path):
    out = tmp_path / "report.pdf"
    assert main(["batch", "report", str(folder), "--progress", "none", "--out", str(out)]) == 1
    # trends page, brownian_a (12 bins: 1 page), phi_c (59 bins: 12 + 20 + 20 + 7 -> 4 pages);
    # the two failed files are listed on the trends page, without pages of their own
    n = 1 + pages_for(12) + pages_for(59)
    assert n == 6
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == n


def test_write_report_returns_its_page_count(fitted, tmp_path):
    _, table, _ = fitted
    only_brownian = table.__class__(
        {k: (v[:12] if isinstance(v, np.ndarray) else v[:12]) for k, v in table.columns.items()},
        table.provenance)
    assert set(only_brownian.columns["file"]) == {"brownian_a_results.hdf"}
    assert write_report(only_brownian, tmp_path / "r.pdf") == 2


@pytest.mark.slow
def test_dask_local_cluster_equals_in_process(folder):
    from xpcsviewer.batch._chunk import use_backend

    use_backend("jax")
    entries = list_files(folder)
    options = FitOptions(chunk_size=2, backend="jax")  # two chunks, one per worker
    local = fit_files(entries, options)
    remote = fit_files(entries, options, workers=2)
    assert remote.provenance["executor"].startswith("dask")
    assert remote.equals(local, rtol=0.0)
    assert remote.failed_files == local.failed_files and len(local.failed_files) == 2


def test_a_chunk_rejected_as_a_whole_becomes_error_rows_per_file(folder, tmp_path):
    # No delay of any file lies in 1000-2000 s: fit_g2 rejects the batch, the chunk is
    # retried file by file, and each file gets its own error row saying why.
    out = tmp_path / "t.csv"
    assert main(["batch", "fit", str(folder), "--t-range", "1000", "2000", "--progress",
                 "none", "--out", str(out)]) == 1
    table = read_table(out)
    assert table.n_rows == 4 and set(table.columns["status"]) == {"error"}
    by_file = dict(zip(table.columns["file"], table.columns["message"], strict=True))
    for name in GOOD:
        assert "t_range" in by_file[f"{name}_results.hdf"], by_file


def test_progress_lines_off_a_terminal_and_a_bar_on_one():
    import io

    from xpcsviewer.batch._progress import Progress

    lines = io.StringIO()
    p = Progress(3, "fit", stream=lines)  # a StringIO is not a TTY
    p.update(2, "1 failed in last chunk")
    p.update(1)
    p.close()
    text = lines.getvalue().splitlines()
    assert text[0].startswith("fit: 2/3 files") and "1 failed" in text[0]
    assert text[1].startswith("fit: 3/3 files")
    bar = io.StringIO()
    p = Progress(3, "fit", stream=bar, bar=True)
    p.update(3)
    p.close()
    assert "3/3" in bar.getvalue() and "\r" in bar.getvalue()


def test_local_workers_split_the_gpu_memory_share(monkeypatch):
    """Each local Dask worker pre-allocates fraction / workers of the GPU, not the parent's
    whole fraction (a second worker would fail to allocate)."""
    import distributed

    from xpcsviewer.backends import DeviceManager
    from xpcsviewer.batch import _dask

    seen = {}

    class FakeCluster:
        def __init__(self, **kwargs):
            seen.update(kwargs)

    monkeypatch.setattr(distributed, "LocalCluster", FakeCluster)
    monkeypatch.setattr(distributed, "Client", lambda cluster: cluster)
    _dask._client(4, None)
    share = DeviceManager.instance().memory_fraction / 4
    assert float(seen["env"]["XLA_PYTHON_CLIENT_MEM_FRACTION"]) == pytest.approx(share, rel=1e-3)
    assert seen["n_workers"] == 4 and seen["processes"] is True


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--alpha", "-5"], "argument --alpha: must be > 0"),
        (["--alpha", "0"], "argument --alpha: must be > 0"),
        (["--bins", "3", "-1"], "argument --bins: must be a g2 column >= 0 (0-based), got -1"),
        (["--t-range", "1", "0.1"], "--t-range 1 0.1: must be TMIN TMAX with 0 <= TMIN < TMAX"),
        (["--chunk-size", "0"], "argument --chunk-size: must be a whole number >= 1, got 0"),
        (["--out", "{tmp}/t.h5"], "--out {tmp}/t.h5: the table must end in .csv"),
    ],
)
def test_bad_values_are_named_with_the_option(args, said, folder, tmp_path, capsys):
    argv = ["batch", "fit", str(folder), "--out", str(tmp_path / "t.csv"),
            *(a.format(tmp=tmp_path) for a in args)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said.format(tmp=tmp_path) in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_fit_options_refuse_a_non_positive_alpha():
    # tau = tau0 q^-alpha: alpha = -5 gave tau0 ~ 2e11 for every file, silently
    with pytest.raises(ValueError, match="alpha must be > 0"):
        FitOptions(alpha=-5.0)
    assert FitOptions(alpha=None).alpha is None  # free


@pytest.fixture
def only_bad(tmp_path, data_dir):
    """A folder whose only file is a truncated copy of a real one."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "trunc_results.hdf").write_bytes(
        (data_dir / "brownian_a_results.hdf").read_bytes()[:20000])
    return bad


@pytest.mark.parametrize(("command", "name"), [("fit", "f.csv"), ("report", "r.pdf")])
def test_an_existing_out_is_kept_unless_overwrite(command, name, only_bad, tmp_path, capsys):
    out = tmp_path / name
    out.write_text("last night's results")
    argv = ["batch", command, str(only_bad), "--backend", "numpy", "--progress", "none",
            "--out", str(out)]
    assert main(argv) == 2
    assert f"--out {out} exists; pass --overwrite to replace it" in capsys.readouterr().err
    assert out.read_text() == "last night's results"
    assert main([*argv, "--overwrite"]) == 1  # the one file failed; --out replaced
    assert out.read_bytes() != b"last night's results"


def test_a_report_of_only_failed_files_names_each_and_why(only_bad, tmp_path, capsys):
    # pytest turns warnings into errors: an empty legend on the trends page would fail here
    out = tmp_path / "r3.pdf"
    assert main(["batch", "report", str(only_bad), "--backend", "numpy", "--progress",
                 "none", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out}: 0 of 1 files processed; 1 failed:" in err
    line = next(ln for ln in err.splitlines() if "trunc_results.hdf" in ln)
    assert "truncated" in line and line.count("trunc_results.hdf") == 1  # named once
    assert f"all are listed on the first page of {out}" in err and "error rows" not in err
    assert len(re.findall(rb"/Type\s*/Page\b", out.read_bytes())) == 1


def test_many_failed_files_get_pages_of_their_own(fitted, tmp_path):
    from xpcsviewer.batch._report import FAILED_ON_FIRST, FAILED_PER_PAGE, failure_pages

    assert failure_pages(FAILED_ON_FIRST) == 0 and failure_pages(FAILED_ON_FIRST + 1) == 1
    assert failure_pages(FAILED_ON_FIRST + FAILED_PER_PAGE + 1) == 2
    _, table, _ = fitted
    err = [i for i, s in enumerate(table.columns["status"]) if s == "error"]
    n = FAILED_ON_FIRST + 3
    rows = (err * n)[:n]  # the two error rows repeated: 11 failed files, nothing fitted
    many = table.__class__(
        {k: (v[rows] if isinstance(v, np.ndarray) else [v[i] for i in rows])
         for k, v in table.columns.items()}, table.provenance)
    assert write_report(many, tmp_path / "r.pdf") == 1 + failure_pages(n) == 2
