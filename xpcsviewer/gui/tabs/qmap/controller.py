"""Q-map data: roi label maps from the file, q and phi recomputed from its geometry."""

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


class QmapState(State):
    colormap = "turbo"
    show_beam_center = True


@dataclass(frozen=True)
class QmapPanel:
    """One map: ``image`` (ny, nx), NaN where the pixel is in no roi; ``label`` with units."""

    key: str
    title: str
    label: str  # colour bar label, with units
    image: Any


@dataclass(frozen=True)
class QmapData:
    name: str
    panels: list[QmapPanel]
    beam_center: tuple[float, float]
    readout_maps: dict[str, np.ndarray]  # NumPy copies for the cursor readout
    settings: dict[str, Any]
    index_mapping: np.ndarray | None = None  # (n_bins,) grid index of each g2 column
    used: np.ndarray | None = None  # (ny, nx) bool, True = pixel not masked


def _labels(roi_map: np.ndarray) -> np.ndarray:
    shown = roi_map.astype(np.float64)
    shown[roi_map == 0] = np.nan  # label 0 = excluded, left blank
    return shown


class QmapController(BinPicker):
    key = "qmap"
    title = "Q-map"
    files_from = "current"
    state_class = QmapState

    def prepare(self, files: list[Any], token: Any, progress: Any) -> QmapData:
        f = files[0]
        settings = self.state.as_dict()
        qm = f.qmap
        # NumPy on a CPU (one_pass): one pass over the pixels, nothing to compile first.
        geometry = compute_qmap(qm.energy_kev, qm.detector_distance_m, qm.pixel_size_m,
                                qm.beam_center_x, qm.beam_center_y, qm.shape,
                                backend=one_pass())
        n_dyn, n_sta = int(np.max(qm.dynamic_roi_map)), int(np.max(qm.static_roi_map))
        panels = [
            QmapPanel("dynamic", f"dynamic roi ({n_dyn} bins)", "roi label", _labels(qm.dynamic_roi_map)),
            QmapPanel("static", f"static roi ({n_sta} bins)", "roi label", _labels(qm.static_roi_map)),
            QmapPanel("q", "q map", "q (Å⁻¹)", geometry.q),
            QmapPanel("phi", "φ map (from +x, counter-clockwise)", "φ (°)", geometry.phi),
        ]
        readout = {
            "q": ensure_numpy(geometry.q),
            "phi": ensure_numpy(geometry.phi),
            "dynamic": np.asarray(qm.dynamic_roi_map),
            "static": np.asarray(qm.static_roi_map),
        }
        center = (float(qm.beam_center_x), float(qm.beam_center_y))
        return QmapData(f.name, panels, center, readout, settings,
                        index_mapping=np.asarray(qm.dynamic_index_mapping), used=np.asarray(qm.mask, bool))

    @staticmethod
    def bin_at(data: QmapData | None, column: int, row: int) -> int | None:
        """The g2 column to pick for a click on pixel (``column``, ``row``); see bin_at_pixel."""
        if data is None:
            return None
        return bin_at_pixel(data.readout_maps["dynamic"], data.index_mapping, data.used, column, row)

    @staticmethod
    def readout(data: QmapData | None, column: int, row: int) -> str:
        if data is None or column < 0 or row < 0:
            return ""
        m = data.readout_maps
        return (
            f"pixel ({column}, {row})  q = {m['q'][row, column]:.5f} Å⁻¹  "
            f"φ = {m['phi'][row, column]:.1f}°  dynamic roi {int(m['dynamic'][row, column])}  "
            f"static roi {int(m['static'][row, column])}  (0 = excluded)"
        )
