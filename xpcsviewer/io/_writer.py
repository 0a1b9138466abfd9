"""``write_result_file``: write the APS-8IDI NeXus result layout, atomically.

Used by the demo and by file averaging. The file appears complete or not at all, and never
replaces anything unasked: it is written to a recognisable temporary in the destination folder
(``.NAME.xpcsviewer-XXXXXXXX.tmp``, the user's umask), then linked into place, which fails if
the destination appeared meanwhile (``os.replace`` only with ``overwrite=True``); temporaries
that killed writers left there are removed first. See ``_atomic``. It never replaces a file it
was told is an input.

Progress and cancel: ``progress(fraction, message)`` is called before each write stage. It may
raise (a caller's cancel does exactly that); the temporary file is then removed and the
exception goes on, so an aborted write leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from ..backends import HDF5Adapter
from ._atomic import NewFile
from ._keys import C2_NAME_NEXUS
from ._keys import NEXUS_8IDI as K
from ._records import Metadata, QMap

_ADAPTER = HDF5Adapter()


def _put(h5: h5py.File, key: str, data: Any, dtype: Any = None, compress: bool = False) -> None:
    kwargs = {"compression": "lzf"} if compress else {}
    if isinstance(data, str):
        h5.create_dataset(key, data=data.encode("utf-8"), dtype=h5py.string_dtype())
    elif np.ndim(data) == 0:
        h5.create_dataset(key, data=np.asarray(data, dtype=dtype))
    else:
        h5.require_group(key.rsplit("/", 1)[0])
        _ADAPTER.write(h5, key, _ADAPTER.convert(data, dtype), **kwargs)


def _write_config(h5: h5py.File, kind: str, meta: Metadata, stride: int, avg: int) -> None:
    values = dict(meta.correlator.get(kind, {}))
    values.update(analysis_type=kind, stride_frame=int(stride), avg_frame=int(avg))
    values.setdefault("qmap", meta.qmap_path)
    values.setdefault("raw", meta.raw_data_path)
    for name, value in values.items():
        if isinstance(value, bool | int | float | str) or (
            isinstance(value, list) and value and all(isinstance(v, int | float) for v in value)
        ):
            _put(h5, f"{K[kind + '_config']}/{name}", value)


def _check_labels(qm: QMap) -> None:
    """Compact numbering (label r is column r - 1), or the reader would refuse the file."""
    for prefix in ("dynamic", "static"):
        top = int(np.max(getattr(qm, f"{prefix}_roi_map"), initial=0))
        n = np.size(getattr(qm, f"{prefix}_index_mapping"))
        if top > n:
            raise ValueError(f"{prefix}_roi_map has label {top} but {prefix}_index_mapping "
                             f"lists {n} bins: labels must be compact (1..{n})")


def _write_qmap(h5: h5py.File, qm: QMap) -> None:
    _put(h5, K["mask"], qm.mask, np.int32)
    _put(h5, K["dynamic_roi_map"], qm.dynamic_roi_map, np.uint32)
    _put(h5, K["static_roi_map"], qm.static_roi_map, np.uint32)
    for prefix in ("dynamic", "static"):
        q_list, phi_list = getattr(qm, f"{prefix}_q_list"), getattr(qm, f"{prefix}_phi_list")
        _put(h5, K[f"{prefix}_v_list_dim0"], q_list, np.float64)
        _put(h5, K[f"{prefix}_v_list_dim1"], phi_list, np.float64)
        h5[K[f"{prefix}_v_list_dim0"]].attrs.update(name="q", unit="1/A")
        h5[K[f"{prefix}_v_list_dim1"]].attrs.update(name="phi", unit="deg")
        _put(h5, K[f"{prefix}_index_mapping"], getattr(qm, f"{prefix}_index_mapping"), np.int64)
        _put(h5, K[f"{prefix}_num_pts"], np.array(getattr(qm, f"{prefix}_num_pts")), np.int64)
    _put(h5, K["map_names"], np.array([b"q", b"phi"]))
    _put(h5, K["map_units"], np.array([b"1/A", b"deg"]))
    for name in ("beam_center_x", "beam_center_y"):
        _put(h5, K[f"qmap_{name}"], float(getattr(qm, name)))
    _put(h5, K["qmap_detector_distance"], float(qm.detector_distance_m))
    _put(h5, K["qmap_pixel_size"], float(qm.pixel_size_m))
    _put(h5, K["qmap_energy"], float(qm.energy_kev))


def _write_metadata(h5: h5py.File, meta: Metadata) -> None:
    for name in ("energy_kev", "detector_distance_m", "pixel_size_m", "beam_center_x",
                 "beam_center_y", "frame_time_s", "count_time_s"):  # fmt: skip
        _put(h5, K[name], float(getattr(meta, name)))
    _put(h5, K["pixel_size_m"].replace("x_pixel", "y_pixel"), float(meta.pixel_size_m))
    for name in ("sample_name", "start_time", "beamline", "raw_data_path"):
        _put(h5, K[name], getattr(meta, name))
    _put(h5, K["schema_version"], "1.0")


def write_result_file(
    path: str | Path,
    *,
    metadata: Metadata,
    qmap: QMap,
    saxs_2d: np.ndarray,
    saxs_1d: np.ndarray,
    saxs_1d_segments: np.ndarray | None = None,
    intensity: np.ndarray | None = None,
    tau: np.ndarray | None = None,
    g2: np.ndarray | None = None,
    g2_err: np.ndarray | None = None,
    c2: Mapping[int, np.ndarray] | None = None,
    stride: int = 1,
    avg: int = 1,
    sources: Iterable[str | Path] = (),
    overwrite: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> Path:
    """Write one result file in the APS-8IDI NeXus layout; returns its path.

    ``tau`` (n_tau,) s is stored as ``delay_list`` in frames (tau / (frame_time x stride x
    avg)); ``g2``/``g2_err`` (n_tau, n_bins) with n_bins = len(qmap.dynamic_index_mapping).
    ``saxs_2d`` (ny, nx); ``saxs_1d`` (n_static,); ``saxs_1d_segments`` (n_seg, n_static);
    ``intensity`` (n_frames,) mean photons per pixel per frame. ``c2`` maps a g2 column to
    its (n, n) two-time map (only the upper triangle is stored, float32, lzf). Give
    multitau (tau + g2 + g2_err) or c2 or both.

    Raises ``FileExistsError`` when ``path`` exists (unless ``overwrite=True``), also when it
    was created by someone else while this file was being written, and
    ``ValueError`` when ``path`` is one of ``sources`` (inputs are never replaced, whatever
    ``overwrite`` says), when the multitau arrays are incomplete, or when a roi map's labels
    are not compact (a label above the length of its index mapping; label r is column r - 1).

    ``progress(fraction, message)``, fraction 0..1 of this write, is called before each stage
    and last with 1.0 once the file is in place; if it raises, nothing is left on disk.
    """
    path = Path(path)
    target = path.resolve()
    if any(Path(s).resolve() == target for s in sources):
        raise ValueError(f"refusing to write {path}: it is one of the input files")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    if (tau is None) != (g2 is None) or (g2 is None) != (g2_err is None):
        raise ValueError("tau, g2 and g2_err go together")
    if g2 is None and not c2:
        raise ValueError("nothing to write: give multitau (tau, g2, g2_err) and/or c2 maps")
    _check_labels(qmap)
    if g2 is not None:
        want = (np.size(tau), np.size(qmap.dynamic_index_mapping))
        if np.shape(g2) != want or np.shape(g2_err) != want:
            raise ValueError(
                f"g2 {np.shape(g2)} and g2_err {np.shape(g2_err)} must both be (n_tau, n_bins)"
                f" = {want}"
            )
    report = progress or (lambda fraction, message: None)
    n_c2 = len(c2) if c2 else 0
    with NewFile(path, overwrite=overwrite) as new:
        # locking=False: the temporary is already locked by NewFile (HDF5's own lock would
        # collide with it), and nobody else opens it
        with h5py.File(new.tmp, "w", locking=False) as h5:
            report(0.0, f"{path.name}: metadata and partition")
            _write_metadata(h5, metadata)
            _write_qmap(h5, qmap)
            report(0.2, f"{path.name}: SAXS")
            _put(h5, K["saxs_2d"], np.asarray(saxs_2d)[None], np.float32, compress=True)
            _put(h5, K["saxs_1d"], np.asarray(saxs_1d).reshape(1, -1), np.float32)
            if saxs_1d_segments is not None:
                _put(h5, K["saxs_1d_segments"], saxs_1d_segments, np.float32)
            if intensity is not None:
                frames = np.arange(np.size(intensity), dtype=np.float64)
                trace = np.stack([frames, np.asarray(intensity, np.float64)])
                _put(h5, K["intensity_vs_time"], trace, np.float32, compress=True)
            if g2 is not None:
                report(0.4, f"{path.name}: multi-tau g2")
                _write_config(h5, "multitau", metadata, stride, avg)
                step = metadata.frame_time_s * stride * avg
                delays = np.asarray(tau, np.float64) / step
                rounded = np.rint(delays)
                exact = np.allclose(delays, rounded, rtol=1e-9, atol=1e-6)
                _put(h5, K["delay_list"], rounded.astype(np.int64) if exact else delays)
                _put(h5, K["g2"], g2, np.float32)
                _put(h5, K["g2_err"], g2_err, np.float32)
            if c2:
                _write_config(h5, "twotime", metadata, stride, avg)
                cols = sorted(c2)
                # compact roi labels: g2 column c is dynamic roi label c + 1
                labels = np.asarray(cols, np.int64) + 1
                _put(h5, K["c2_processed_bins"], labels, np.int64)
                for ordinal, col in enumerate(cols, start=1):
                    # two-time maps are the big part of a file: one stage each
                    fraction = 0.5 + 0.4 * (ordinal - 1) / n_c2
                    report(fraction, f"{path.name}: two-time map {ordinal}/{n_c2}")
                    upper = np.triu(np.asarray(c2[col], np.float64))
                    key = f"{K['c2_group']}/{C2_NAME_NEXUS.format(ordinal)}"
                    _put(h5, key, upper, np.float32, compress=True)
        # the last chance to abort: once in place the file is complete and stays
        report(0.95, f"{path.name}: moving into place")
        new.install()
    report(1.0, f"wrote {path.name}")
    return path
