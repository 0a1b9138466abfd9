"""SAXS-2D settings and data: the image, the mask, the beam centre and per-pixel q and phi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xpcsviewer.backends import ensure_numpy
from xpcsviewer.compute import one_pass
from xpcsviewer.compute.qmap import compute_qmap
from xpcsviewer.compute.roi import bin_at_pixel

from ..._events import State
from .._model import BinPicker

IMAGE_UNITS = "photons/pixel/frame"


class Saxs2dState(State):
    log_scale = True
    colormap = "viridis"
    vmin: float | None = None  # colour limits in photons/pixel/frame; None = automatic
    vmax: float | None = None
    show_mask = True
    show_beam_center = True


@dataclass(frozen=True)
class Saxs2dData:
    """``image`` (ny, nx) photons/pixel/frame; ``excluded`` (ny, nx) bool, True = masked;
    ``q`` (ny, nx) Å⁻¹ and ``phi`` (ny, nx) degrees as NumPy for the cursor readout;
    beam centre in pixels (x = column, y = row)."""

    name: str
    image: Any
    excluded: Any
    q: np.ndarray
    phi: np.ndarray
    beam_center: tuple[float, float]
    settings: dict[str, Any]
    dynamic_roi: np.ndarray | None = None  # (ny, nx) int roi labels, for picking a bin by click
    index_mapping: np.ndarray | None = None  # (n_bins,) grid index of each g2 column


class Saxs2dController(BinPicker):
    key = "saxs_2d"
    title = "SAXS-2D"
    files_from = "current"
    state_class = Saxs2dState

    def initial_state(self, preferences: dict[str, Any]) -> dict[str, Any]:
        return {"colormap": preferences.get("colormap", "viridis")}

    def prepare(self, files: list[Any], token: Any, progress: Any) -> Saxs2dData:
        f = files[0]
        settings = self.state.as_dict()
        image = f.saxs_2d
        qmap = f.qmap
        token.raise_if_cancelled()
        geometry = compute_qmap(
            qmap.energy_kev,
            qmap.detector_distance_m,
            qmap.pixel_size_m,
            qmap.beam_center_x,
            qmap.beam_center_y,
            image.shape,
            backend=one_pass(),  # NumPy on a CPU: one pass, nothing to compile first
        )
        # The readout indexes one pixel per mouse move: NumPy copies make that instant.
        return Saxs2dData(
            name=f.name,
            image=image,
            excluded=~qmap.mask,
            q=ensure_numpy(geometry.q),
            phi=ensure_numpy(geometry.phi),
            beam_center=(float(qmap.beam_center_x), float(qmap.beam_center_y)),
            settings=settings,
            dynamic_roi=np.asarray(qmap.dynamic_roi_map),
            index_mapping=np.asarray(qmap.dynamic_index_mapping),
        )

    @staticmethod
    def bin_at(data: Saxs2dData | None, column: int, row: int) -> int | None:
        """The g2 column to pick for a click on pixel (``column``, ``row``); None when masked."""
        if data is None or data.dynamic_roi is None:
            return None
        used = ~np.asarray(data.excluded, bool)
        return bin_at_pixel(data.dynamic_roi, data.index_mapping, used, column, row)

    @staticmethod
    def readout(data: Saxs2dData | None, column: int, row: int) -> str:
        """The status text for the pixel under the cursor."""
        if data is None or column < 0 or row < 0:
            return ""
        value = float(data.image[row, column])
        masked = " (masked)" if bool(data.excluded[row, column]) else ""
        return (
            f"pixel ({column}, {row})  q = {data.q[row, column]:.5f} Å⁻¹  "
            f"φ = {data.phi[row, column]:.1f}°  I = {value:.4g} {IMAGE_UNITS}{masked}"
        )

