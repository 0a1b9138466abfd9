"""Metadata fields both layouts store the same way, read through a layout's key table.

Every field is read on its own and tolerantly: one that is damaged or refused (a text whose
bytes live outside the folder, a "scalar" that declares a million values) comes back NaN or ""
and is named in ``Metadata.notes``, so the other fields, tabs and files still show.
"""

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
    """Geometry, timing and provenance; absent or unreadable numbers are NaN, texts empty.

    The arguments are what the layouts store differently (or not at all). ``notes`` collects
    what ``src`` could not read while this file's metadata was gathered (the arguments'
    texts and config values included).
    """

    def number(name: str) -> float:
        return src.scalar(keys[name], np.nan, tolerant=True)

    energy = number("energy_kev")
    fields = dict(
        energy_kev=energy,
        wavelength_a=HC_KEV_A / energy if energy and np.isfinite(energy) else np.nan,
        detector_distance_m=number("detector_distance_m"),
        pixel_size_m=number("pixel_size_m"),
        beam_center_x=number("beam_center_x"),
        beam_center_y=number("beam_center_y"),
        frame_time_s=number("frame_time_s"),
        count_time_s=number("count_time_s"),
        sample_name=src.text(keys["sample_name"]),
        start_time=src.text(keys["start_time"]),
        raw_data_path=src.text(keys["raw_data_path"]),
    )
    return Metadata(
        **fields,
        beamline=beamline,
        qmap_path=qmap_path,
        detector_shape=detector_shape,
        correlator=correlator,
        notes=tuple(dict.fromkeys(src.notes)),
    )
