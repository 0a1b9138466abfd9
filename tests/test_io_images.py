"""``xv.read_image``: detector images written with fabio, raw HDF5 frames averaged lazily, and
every broken input refused with an XpcsFormatError naming the file and the problem."""

from __future__ import annotations

import fabio.cbfimage
import fabio.edfimage
import fabio.tifimage
import h5py
import numpy as np
import pytest

import xpcsviewer as xv
import xpcsviewer.io._images as _images
from xpcsviewer.io import ImageReadCancelled, XpcsFormatError, is_result_file, parse_frames

WRITERS = {  # format: (fabio class, the dtype the file holds)
    "tif": (fabio.tifimage.TifImage, np.float32),
    "edf": (fabio.edfimage.EdfImage, np.float32),
    "cbf": (fabio.cbfimage.CbfImage, np.int32),  # byte-offset CBF holds integers
}


@pytest.fixture(scope="module")
def saxs(data_dir):
    return np.asarray(xv.open(data_dir / "brownian_a_results.hdf").saxs_2d, np.float64)


def write(tmp_path, name: str, data: np.ndarray):
    cls, dtype = WRITERS[name.rsplit(".", 1)[1]]
    stored = data.astype(dtype)
    cls(data=stored).write(str(tmp_path / name))
    return tmp_path / name, stored


def frames_file(path, frames, chunks=True):
    with h5py.File(path, "w") as f:
        f.create_dataset("entry/data/data", data=frames,
                         chunks=(4, *frames.shape[1:]) if chunks else None)
    return path


@pytest.fixture(scope="module")
def poisson(saxs):
    """23 frames of photon counts about brownian_a's SAXS-2D (x 40 photons)."""
    rng = np.random.default_rng(15)
    return rng.poisson(saxs * 40, size=(23, *saxs.shape)).astype(np.uint32)


@pytest.mark.parametrize("ext", ["tif", "edf", "cbf"])
def test_fabio_formats_read_back_equal(tmp_path, saxs, ext):
    # CBF holds counts: scale the SAXS-2D to integers first (as a detector counts photons).
    data = np.rint(saxs * 1000) if ext == "cbf" else saxs
    path, stored = write(tmp_path, f"saxs.{ext}", data)
    got = xv.read_image(path)
    assert got.image.dtype == np.float64 and got.image.shape == saxs.shape == (128, 128)
    np.testing.assert_array_equal(got.image, stored)
    assert got.kind == {"tif": "tiff"}.get(ext, ext) and got.qmap is None
    assert got.frames is None and got.n_frames == 1
    assert not is_result_file(path)


def test_result_file_gives_saxs_2d_and_its_stored_qmap(data_dir, saxs):
    path = data_dir / "brownian_a_results.hdf"
    got = xv.read_image(path)
    np.testing.assert_array_equal(got.image, saxs)
    assert got.kind == "result" and is_result_file(path)
    assert got.qmap.mask.shape == saxs.shape and got.qmap.beam_center_x > 0


def test_raw_frames_mean_over_a_range_block_by_block(tmp_path, poisson, monkeypatch):
    path = frames_file(tmp_path / "raw.h5", poisson)
    # Three frames' worth of float64 a block: 13 frames are read in 5 blocks, never at once.
    monkeypatch.setattr(_images, "BLOCK_BYTES", 3 * poisson[0].size * 8)
    seen = []
    got = xv.read_image(path, (5, 18), progress=lambda f, m: seen.append(f))
    np.testing.assert_array_equal(got.image, poisson[5:18].mean(axis=0))
    assert got.kind == "frames" and got.frames == (5, 18) and got.n_frames == 23
    assert seen == pytest.approx([3 / 13, 6 / 13, 9 / 13, 12 / 13, 1.0])
    assert "mean of frames 5–17 (13 of 23)" in got.description
    np.testing.assert_array_equal(xv.read_image(path).image, poisson.mean(axis=0))
    np.testing.assert_array_equal(xv.read_image(path, slice(None, 4)).image,
                                  poisson[:4].mean(axis=0))
    np.testing.assert_array_equal(xv.read_image(path, (20, None)).image,
                                  poisson[20:].mean(axis=0))
    assert not is_result_file(path)


def test_raw_frames_unchunked_and_through_an_external_link(tmp_path, poisson):
    frames_file(tmp_path / "data_000001.h5", poisson[:9], chunks=False)
    with h5py.File(tmp_path / "master.h5", "w") as f:  # Eiger-style master file
        f["entry/data/data"] = h5py.ExternalLink("data_000001.h5", "/entry/data/data")
    got = xv.read_image(tmp_path / "master.h5", (1, 8))
    np.testing.assert_array_equal(got.image, poisson[1:8].mean(axis=0))


def test_a_long_run_is_read_only_over_the_range(tmp_path):
    # 10⁶ declared frames (26 TB as float64): the size of the whole is no reason to refuse,
    # only the frames asked for are read (unwritten chunks read as HDF5's fill value 0).
    with h5py.File(tmp_path / "long.h5", "w") as f:
        ds = f.create_dataset("entry/data/data", shape=(10**6, 64, 48), dtype="u2",
                              chunks=(1, 64, 48))
        ds[500_001] = 8
    got = xv.read_image(tmp_path / "long.h5", (500_000, 500_004))
    assert got.n_frames == 10**6 and got.image.shape == (64, 48)
    np.testing.assert_array_equal(got.image, np.full((64, 48), 2.0))


def test_cancel_between_blocks(tmp_path, poisson, monkeypatch):
    path = frames_file(tmp_path / "raw.h5", poisson)
    monkeypatch.setattr(_images, "BLOCK_BYTES", 4 * poisson[0].size * 8)
    seen = []
    with pytest.raises(ImageReadCancelled, match="raw.h5"):
        xv.read_image(path, progress=lambda f, m: seen.append(f), cancel=lambda: bool(seen))
    assert len(seen) == 1  # stopped after the first block


def test_multi_frame_edf_averages_its_frames(tmp_path, saxs):
    frames = [np.rint(saxs * k).astype(np.float32) for k in (10, 20, 40)]
    img = fabio.edfimage.EdfImage(data=frames[0])
    for f in frames[1:]:
        img.append_frame(data=f)
    img.write(str(tmp_path / "multi.edf"))
    got = xv.read_image(tmp_path / "multi.edf", (1, 3))
    assert got.n_frames == 3 and got.frames == (1, 3)
    np.testing.assert_array_equal(got.image, (frames[1].astype(np.float64) + frames[2]) / 2)


def test_parse_frames():
    assert parse_frames("") is None and parse_frames(" 3:7 ") == (3, 7)
    assert parse_frames(":5") == (None, 5) and parse_frames("2:") == (2, None)
    for bad in ("3", "a:b", "1:2:3"):
        with pytest.raises(ValueError, match="START:STOP"):
            parse_frames(bad)


def _broken(tmp_path, poisson, saxs):
    """(file, frames, words the message must hold) for each kind of bad input."""
    t = tmp_path
    (t / "garbage.tif").write_bytes(b"II*\x00" + b"garbage" * 5)
    (t / "empty.edf").write_bytes(b"")
    (t / "text.cbf").write_bytes(b"###CBF: not really\n")
    (t / "image.png").write_bytes(b"\x89PNG")
    np.save(t / "cube.npy", np.ones((2, 3, 4)))
    (t / "pickle.npy").write_bytes(b"not numpy at all")
    with h5py.File(t / "plain.h5", "w") as f:
        f["entry/other"] = np.ones(3)
    with h5py.File(t / "flat.h5", "w") as f:
        f["entry/data/data"] = np.ones((8, 8))
    with h5py.File(t / "names.h5", "w") as f:
        f["entry/data/data"] = np.array([[[b"a"]]])
    with h5py.File(t / "empty_frames.h5", "w") as f:
        f.create_dataset("entry/data/data", shape=(4, 0, 8), dtype="u2")
    with h5py.File(t / "giant.h5", "w") as f:  # declared, never written: 4e8 pixels a frame
        f.create_dataset("entry/data/data", shape=(2, 20000, 20000), dtype="u2", chunks=True)
    with h5py.File(t / "far.h5", "w") as f:
        f["entry/data/data"] = h5py.ExternalLink("../outside.h5", "/entry/data/data")
    frames_file(t / "raw.h5", poisson)
    write(t, "one.tif", saxs)
    return [
        (t / "missing.tif", None, "no such file"),
        (t / "garbage.tif", None, "not a readable TIFF image"),
        (t / "empty.edf", None, "not a readable EDF image"),
        (t / "text.cbf", None, "not a readable CBF image"),
        (t / "image.png", None, "unknown image format '.png'"),
        (t / "cube.npy", None, "expected a 2-D image"),
        (t / "pickle.npy", None, "not a readable .npy"),
        (t / "plain.h5", None, "neither a result file"),
        (t / "flat.h5", None, "expected frames (N, H, W)"),
        (t / "names.h5", None, "expected numbers"),
        (t / "empty_frames.h5", None, "empty frames"),
        (t / "far.h5", None, "outside"),
        (t / "giant.h5", None, "more than the 134,217,728 of a detector image"),
        (t / "raw.h5", (5, 5), "is empty"),
        (t / "raw.h5", (9, 4), "is empty"),
        (t / "raw.h5", (0, 24), "outside the 23 frames of the file"),
        (t / "raw.h5", (-1, 3), "outside the 23 frames of the file"),
        (t / "raw.h5", slice(0, 9, 2), "has a step"),
        (t / "one.tif", (0, 2), "outside the 1 frame of the file"),
        (t, None, "a folder"),
    ]


def test_broken_inputs_raise_naming_file_and_problem(tmp_path, poisson, saxs):
    for path, frames, words in _broken(tmp_path, poisson, saxs):
        with pytest.raises(XpcsFormatError) as err:
            xv.read_image(path, frames)
        assert words in str(err.value), (path.name, str(err.value))
        assert err.value.path.name == path.name
