"""Metadata fields both layouts store the same way, read through a layout's key table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._h5 import Source
from ._records import HC_KEV_A, Metadata


def read_metadata(
    src: Source,
    keys: Mapping[str, str],
    *,
    beamline: str,
    qmap_path: str,
    detector_shape: tuple[int, int],
    correlator: dict[str, Any],
) -> Metadata:
    """Geometry, timing and provenance; absent numbers are NaN, absent texts empty.

    The arguments are what the layouts store differently (or not at all).
    """
    energy = src.scalar(keys["energy_kev"], np.nan)
    return Metadata(
        energy_kev=energy,
        wavelength_a=HC_KEV_A / energy if energy and np.isfinite(energy) else np.nan,
        detector_distance_m=src.scalar(keys["detector_distance_m"], np.nan),
        pixel_size_m=src.scalar(keys["pixel_size_m"], np.nan),
        beam_center_x=src.scalar(keys["beam_center_x"], np.nan),
        beam_center_y=src.scalar(keys["beam_center_y"], np.nan),
        frame_time_s=src.scalar(keys["frame_time_s"], np.nan),
        count_time_s=src.scalar(keys["count_time_s"], np.nan),
        sample_name=src.text(keys["sample_name"]),
        start_time=src.text(keys["start_time"]),
        beamline=beamline,
        raw_data_path=src.text(keys["raw_data_path"]),
        qmap_path=qmap_path,
        detector_shape=detector_shape,
        correlator=correlator,
    )
