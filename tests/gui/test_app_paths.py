"""What the command line's paths open: a missing path is refused before any window, a result
file given as the folder opens its folder with it current, and ``mask FILE --snapshot``
renders FILE on the Mask tab (it rendered the demo data and exited 0)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from xpcsviewer.gui.app import argument_problem, run


def test_a_missing_path_is_refused_on_stderr_with_exit_2(tmp_path, capsys):
    assert run(folder=tmp_path / "nope", snapshot=tmp_path / "out") == 2
    assert "nope: no such folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert run(file=tmp_path / "gone.tif", tab="mask", snapshot=tmp_path / "out") == 2
    assert "gone.tif: no such file" in capsys.readouterr().err
    assert argument_problem(tmp_path, None) == ""


def test_mask_file_snapshot_renders_that_file_on_the_mask_tab(qapp, data_dir, tmp_path, monkeypatch, capsys):
    import fabio.tifimage

    import xpcsviewer as xv
    from xpcsviewer.gui import snapshot

    image = np.asarray(xv.open(data_dir / "brownian_a_results.hdf").saxs_2d, np.float32)
    tif = tmp_path / "detector.tif"
    fabio.tifimage.TifImage(data=image).write(str(tif))
    seen = {}
    real = snapshot.render_tabs

    def spy(window, outdir, timeout_s=60.0, keys=None):
        written = real(window, outdir, timeout_s, keys)
        mask = window.drivers[[d.controller.key for d in window.drivers].index("mask")]
        seen.update(image=np.array(mask.controller.data.image), keys=keys)
        return written

    monkeypatch.setattr(snapshot, "render_tabs", spy)
    assert run(file=tif, tab="mask", snapshot=tmp_path / "out", size=(1366, 768)) == 0
    assert seen["keys"] == ("mask",)
    np.testing.assert_array_equal(seen["image"], image)
    assert [Path(p).name for p in capsys.readouterr().out.split()] == ["mask.png"]
