"""SAXS-1D settings and curves, straight from each file's stored ``saxs_1d``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..._events import State
from .._model import TabController

X_LABEL = "q (Å⁻¹)"
Y_LABEL = "I (photons/pixel/frame)"


class Saxs1dState(State):
    log_x = True
    log_y = True
    phi_slices = False  # one curve per phi bin instead of the mean over phi
    q_min: float | None = None  # Å⁻¹; None = no limit
    q_max: float | None = None


@dataclass(frozen=True)
class Saxs1dCurve:
    """One curve: ``q`` (n,) Å⁻¹ and ``intensity`` (n,) of file ``file``, phi slice ``phi``
    in degrees (None when averaged over phi)."""

    file: str
    phi: float | None
    q: np.ndarray
    intensity: np.ndarray

    @property
    def label(self) -> str:
        return self.file if self.phi is None else f"{self.file} φ={self.phi:.4g}°"


@dataclass(frozen=True)
class Saxs1dData:
    curves: list[Saxs1dCurve]
    settings: dict[str, Any]


def _in_range(q: np.ndarray, q_min: float | None, q_max: float | None) -> np.ndarray:
    keep = np.ones(q.shape, bool)
    if q_min is not None:
        keep &= q >= q_min
    if q_max is not None:
        keep &= q <= q_max
    return keep


class Saxs1dController(TabController):
    key = "saxs_1d"
    title = "SAXS-1D"
    files_from = "overlay"
    state_class = Saxs1dState

    def prepare(self, files: list[Any], token: Any, progress: Any) -> Saxs1dData:
        settings = self.state.as_dict()
        curves: list[Saxs1dCurve] = []
        for index, f in enumerate(files):
            token.raise_if_cancelled()
            progress((index + 1) / (len(files) + 1), f"reading {f.name}")
            curves.extend(self.file_curves(f, settings))
        return Saxs1dData(curves, settings)

    @staticmethod
    def file_curves(f: Any, settings: dict[str, Any]) -> list[Saxs1dCurve]:
        q, intensity = f.saxs_1d
        phi = np.asarray(f.static_phi, dtype=np.float64)
        phis = np.unique(phi[np.isfinite(phi)])
        if len(phis) <= 1:
            groups = [(None, np.ones(q.shape, bool))]
        elif settings["phi_slices"]:
            groups = [(float(p), phi == p) for p in phis]
        else:
            groups = []
        curves = []
        for label_phi, members in groups:
            keep = members & _in_range(q, settings["q_min"], settings["q_max"])
            order = np.argsort(q[keep], kind="stable")
            curves.append(Saxs1dCurve(f.name, label_phi, q[keep][order], intensity[keep][order]))
        if not groups:  # several phi bins, shown as the mean over phi at each q
            q_values = np.unique(q)
            mean = np.array([intensity[q == value].mean() for value in q_values])
            keep = _in_range(q_values, settings["q_min"], settings["q_max"])
            curves.append(Saxs1dCurve(f"{f.name} (mean of {len(phis)} φ bins)", None,
                                      q_values[keep], mean[keep]))
        return curves

    def can_export_csv(self) -> bool:
        return True

    def export_csv(self, path: Path, data: Saxs1dData) -> Path:
        """Long format, one row per point: file, phi_deg (blank = all phi), q_1/A, intensity."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            handle.write("# xpcsviewer SAXS-1D export; q in 1/A, intensity in photons/pixel/frame\n")
            writer = csv.writer(handle)
            writer.writerow(["file", "phi_deg", "q_1_per_A", "intensity"])
            for curve in data.curves:
                phi = "" if curve.phi is None else f"{curve.phi:.6g}"
                for q, value in zip(curve.q, curve.intensity, strict=True):
                    writer.writerow([curve.file, phi, repr(float(q)), repr(float(value))])
        return path
