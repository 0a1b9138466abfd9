"""Mask tab model (Qt-free): the image, its geometry, a mask with undo/redo, a partition
preview and Save qmap — the same calls as ``xv.make_qmap``, so the preview is what is saved.

``prepare`` (worker thread) reads the current file's SAXS-2D, stored geometry and mask into a
:class:`MaskData`; ``read`` (a :class:`Task` the view starts) does the same for any image
``io.read_image`` opens (TIFF/EDF/CBF, raw HDF5 frames averaged over a range, with progress
and cancel). The view then edits ``controller.editor`` (a ``compute.mask.MaskEditor``) on the
GUI thread, where each edit is one array operation on the detector.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import compute_qmap, make_partitions, one_pass
from xpcsviewer.compute.center import BeamCenter, find_beam_center
from xpcsviewer.compute.mask import (
    MaskEditor,
    ellipse,
    polygon,
    rectangle,
    ring_outliers,
    thick_line,
    threshold,
)
from xpcsviewer.io import (
    DetectorImage,
    Geometry,
    ImageReadCancelled,
    read_image,
    read_poni,
    write_qmap_file,
)
from xpcsviewer.qmap_make import load_array, stored_geometry, to_qmap

from ..._events import State
from ..._token import JobCancelled
from .._model import TabController

TOOLS = ("rectangle", "ellipse", "polygon", "line")


class MaskState(State):
    # The (q, φ) grids are taken from each file as it opens (its own partition first), so a
    # session does not keep them.
    _transient = frozenset({"dynamic_q", "dynamic_phi", "static_q", "static_phi"})
    tool = "rectangle"
    mode = "exclude"  # or "include"
    line_width = 5.0  # pixels, the thick-line tool
    dynamic_q = 12
    dynamic_phi = 1
    static_q = 120
    static_phi = 1
    phi_span = "full"
    show_partition = True


@dataclass(frozen=True)
class MaskData:
    """``image`` (ny, nx) float64; ``geometry``; ``mask`` the file's (True = valid);
    ``dynamic`` / ``static`` the file's (n_q, n_phi) grids (the preview starts from them, so it
    shows the file's own partition). ``name``: what the image is (file name, and for raw frames
    the averaged range); ``stored_geometry``: whether the geometry came with the image (only
    result files carry one; for other images it is the one typed before)."""

    name: str
    path: Path
    image: np.ndarray
    geometry: Geometry
    mask: np.ndarray
    dynamic: tuple[int, int] = (12, 1)
    static: tuple[int, int] = (120, 1)
    stored_geometry: bool = True


@dataclass(frozen=True)
class Preview:
    """Dynamic partition preview: ``roi_map`` (ny, nx) compact labels, ``counts`` (K,) pixels
    per roi (label r at [r - 1]), ``static_rois`` how many static rois hold pixels."""

    roi_map: np.ndarray
    counts: np.ndarray
    static_rois: int


def selection(shape: tuple[int, int], tool: str, points: list[tuple[float, float]],
              width: float = 1.0) -> np.ndarray:
    """The pixels a drawn shape selects. ``points`` in pixel coordinates (x column, y row,
    pixel centres at integers): rectangle / line two corners / ends, ellipse the bounding box
    corners, polygon the vertices."""
    if tool == "rectangle":
        (x0, y0), (x1, y1) = points[0], points[-1]
        return rectangle(shape, x0, y0, x1, y1)
    if tool == "ellipse":
        (x0, y0), (x1, y1) = points[0], points[-1]
        rx, ry = abs(x1 - x0) / 2, abs(y1 - y0) / 2
        if rx == 0 or ry == 0:
            return np.zeros(shape, bool)
        return ellipse(shape, (x0 + x1) / 2, (y0 + y1) / 2, rx, ry)
    if tool == "polygon":
        return polygon(shape, points)
    if tool == "line":
        (x0, y0), (x1, y1) = points[0], points[-1]
        return thick_line(shape, x0, y0, x1, y1, width)
    raise ValueError(f"unknown tool {tool!r}; one of {', '.join(TOOLS)}")


class MaskController(TabController):
    key = "mask"
    title = "Mask"
    files_from = "current"
    state_class = MaskState
    render_only = frozenset(MaskState.field_names())  # edits never need a new file read

    def __init__(self, **preferences: Any) -> None:
        super().__init__(**preferences)
        self.data: MaskData | None = None  # what is edited (its geometry as last applied)
        self.loaded: MaskData | None = None  # what ``load`` was given: a new one resets edits
        self.editor: MaskEditor | None = None

    def empty_message(self) -> str:
        return "Select a file: its SAXS-2D, geometry and mask open here for editing."

    def prepare(self, files: list[Any], token: Any, progress: Any) -> MaskData:
        f = files[0]
        qm = f.qmap
        geometry = Geometry(qm.energy_kev, qm.detector_distance_m, qm.pixel_size_m,
                            qm.beam_center_x, qm.beam_center_y)
        return MaskData(f.name, Path(f.path), np.asarray(f.saxs_2d, np.float64), geometry,
                        np.asarray(qm.mask, bool), tuple(qm.dynamic_num_pts),
                        tuple(qm.static_num_pts))

    def read(self, path: str | Path, frames: Any = None, token: Any = None,
             progress: Any = None, geometry: Geometry | None = None) -> MaskData:
        """Any image ``io.read_image`` opens, as :class:`MaskData` (worker thread). A result
        file brings its geometry, mask and grids; another image starts with every pixel valid,
        the grids of the state and ``geometry`` (the one in use; without one, 10 keV, 5 m,
        75 µm, centre mid-detector), to be typed or taken from a PONI file. ``token`` cancels
        between blocks of frames (the job then ends as cancelled). Raises XpcsFormatError."""
        try:
            det = read_image(path, frames, progress=progress, cancel=token)
        except ImageReadCancelled:
            raise JobCancelled() from None  # the job runner's word for a cancelled job
        return self.image_data(det, geometry)

    def image_data(self, det: DetectorImage, geometry: Geometry | None = None) -> MaskData:
        if det.qmap is not None:
            qm = det.qmap
            return MaskData(det.path.name, det.path, det.image, stored_geometry(qm, det.path),
                            np.asarray(qm.mask, bool), tuple(qm.dynamic_num_pts),
                            tuple(qm.static_num_pts))
        ny, nx = det.image.shape
        geometry = geometry or Geometry(10.0, 5.0, 75e-6, (nx - 1) / 2, (ny - 1) / 2)
        s = self.state
        return MaskData(det.description, det.path, det.image, geometry,
                        np.ones(det.image.shape, bool), (s.dynamic_q, s.dynamic_phi),
                        (s.static_q, s.static_phi), stored_geometry=False)

    def load(self, data: MaskData) -> None:
        """Start editing ``data`` (GUI thread): the file's mask is the first undo step."""
        self.data = self.loaded = data
        self.editor = MaskEditor(data.mask.copy())

    # edits -------------------------------------------------------------------------------
    def draw(self, tool: str, points: list[tuple[float, float]]) -> int:
        """Apply a drawn shape with the state's mode; returns how many pixels it selected."""
        assert self.editor is not None
        sel = selection(self.editor.shape, tool, points, self.state.line_width)
        self.editor.apply(sel, self.state.mode)
        return int(sel.sum())

    def threshold(self, low: float | None, high: float | None) -> int:
        assert self.editor is not None and self.data is not None
        sel = threshold(self.data.image, low, high)
        self.editor.apply(sel, "exclude")
        return int(sel.sum())

    def outliers(self, n_sigma: float = 5.0) -> int:
        """Exclude pixels far from their static ring's median (rings of the current preview)."""
        assert self.editor is not None and self.data is not None
        rings = self._partitions().static.roi_map
        sel = ring_outliers(self.data.image, ensure_numpy(rings), self.editor.mask, n_sigma)
        self.editor.apply(sel, "exclude")
        return int(sel.sum())

    def import_mask(self, path: str | Path, combine: str = "replace") -> int:
        """A mask or blemish file (``.npy``, TIFF/EDF/CBF, or HDF5 at /qmap/mask,
        /xpcs/qmap/mask or /mask; nonzero = valid) replacing the mask or combined with it (``"and"``: valid in both,
        ``"or"``: in either). Returns the valid count; raises XpcsFormatError for an unreadable
        file and ValueError for another detector shape."""
        assert self.editor is not None
        self.editor.set(load_array(Path(path), "mask"), combine)
        return self.editor.valid_count

    def set_geometry(self, geometry: Geometry) -> None:
        assert self.data is not None
        self.data = replace(self.data, geometry=geometry)

    def import_poni(self, path: str | Path) -> Geometry:
        """Take the geometry from a pyFAI PONI file (``io.read_poni``; what it ignores is in
        ``Geometry.ignored``). Raises XpcsFormatError."""
        geometry = read_poni(path)
        self.set_geometry(geometry)
        return geometry

    def find_center(self) -> BeamCenter:
        """The beam centre from the image's rings (not applied: the view shows it first)."""
        assert self.data is not None and self.editor is not None
        g = self.data.geometry
        return find_beam_center(self.data.image, self.editor.mask, (g.beam_center_x,
                                                                    g.beam_center_y))

    # partitions --------------------------------------------------------------------------
    def _partitions(self):
        assert self.data is not None and self.editor is not None
        s = self.state
        # NumPy on a CPU (one_pass): a drag step is one memory-bound pass over the pixels,
        # no faster compiled, and each new pixel or bin bucket would compile first (~1 s).
        b = one_pass()
        qm = compute_qmap(*self.data.geometry.qmap_args(self.editor.shape), backend=b)
        return make_partitions(qm, self.editor.mask, dynamic=(s.dynamic_q, s.dynamic_phi),
                               static=(s.static_q, s.static_phi), phi_span=s.phi_span,
                               backend=b)

    def preview(self) -> Preview:
        """The dynamic rois of the current mask and geometry, with pixels per roi."""
        parts = self._partitions()
        roi = ensure_numpy(parts.dynamic.roi_map)
        counts = ensure_numpy(parts.dynamic.counts)
        return Preview(roi, counts[counts > 0], int(np.count_nonzero(ensure_numpy(parts.static.counts))))

    def save(self, path: str | Path, overwrite: bool = False) -> str:
        """Write the qmap file (``io.write_qmap_file``); returns its content hash."""
        assert self.data is not None
        qmap = to_qmap(self._partitions(), self.data.geometry)
        return write_qmap_file(path, qmap, source_file=self.data.path.name, overwrite=overwrite)
