"""Q-map of a flat detector perpendicular to the beam (transmission geometry).

Conventions (the same as the ``/xpcs/qmap`` partitions stored in APS-8IDI result files,
checked pixel for pixel against ``tests/data``):

- Arrays are indexed ``[row, column]``; **x is the column** (fast) axis and **y the row** axis,
  and the beam centre ``(beam_center_x, beam_center_y)`` is in pixels on those axes with pixel
  ``(0, 0)`` centred at coordinate 0.
- ``lambda = 12.39841984 / E`` (Å, E in keV), ``k0 = 2 pi / lambda``,
  ``2 theta = atan(r / distance)``, ``q = 2 k0 sin(theta)`` in Å⁻¹.
- ``phi`` is measured from +x in degrees in (-180, 180], counter-clockwise **as the image is
  shown with row 0 at the top** (the APS SimpleMask convention): ``phi = atan2(-(y - cy), x - cx)``.
  The stored files have a single phi bin, so the sign cannot be read back from them; this
  follows the mask tool that writes those partitions.
- ``qx = q cos(phi)``, ``qy = q sin(phi)`` (so ``qy > 0`` towards row 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xpcsviewer.backends import BackendProtocol

from ._kernels import bucket, kernel, resolve

#: keV·Å; the constant the APS mask tool uses, so recomputed bin centres match stored ones exactly.
E2K_KEV_A = 12.39841984


@dataclass(frozen=True)
class DetectorQMap:
    """Per-pixel maps, each ``(ny, nx)`` float64 backend arrays.

    ``q``, ``qx``, ``qy`` in Å⁻¹; ``phi`` in degrees (-180, 180].
    """

    q: Any
    phi: Any
    # On a compiling backend: (q, phi) flat and padded to the pixel bucket, as the kernel made
    # them, so make_partitions reads them without a copy (None otherwise).
    flat: Any = None
    backend: Any = field(default=None, repr=False, compare=False)

    # qx, qy on demand: nothing in the viewer draws them, and making them in the kernel took
    # half of each Q-map redraw while the Mask tab's beam centre is dragged (issue 15).
    @property
    def qx(self) -> Any:
        """q cos(phi), Å⁻¹."""
        b = resolve(self.backend)
        return self.q * b.cos(b.deg2rad(self.phi))

    @property
    def qy(self) -> Any:
        """q sin(phi), Å⁻¹ (> 0 towards row 0)."""
        b = resolve(self.backend)
        return self.q * b.sin(b.deg2rad(self.phi))

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.q.shape)


def wavevector(energy_kev: float) -> float:
    """``k0 = 2 pi / lambda`` in Å⁻¹ for a photon energy in keV."""
    import math

    return 2.0 * math.pi * float(energy_kev) / E2K_KEV_A


def _build(backend: BackendProtocol, size: int):
    b = backend

    def qmap_kernel(params, nx):
        # Flat over a bucket of ``size`` pixels: pixel p is (row p // nx, column p % nx), nx
        # traced, so one program serves every detector shape in the bucket. Coordinates are
        # exact integers either way, so every value is the one a (ny, nx) grid gives.
        k0, distance, pixel, cx, cy = (params[i] for i in range(5))
        # In float64, not int64 (no vector integer division on x86: 2x slower overall).
        # floor(p / nx) is exact: p < 2**53 and p / nx rounds across no integer.
        p = b.arange(size, dtype="float64")
        row = b.floor(p / nx)
        dxx = (p - row * nx) - cx
        dyy = row - cy
        r = b.hypot(dxx, dyy)
        u2 = (r * (pixel / distance)) ** 2  # tan^2(2 theta)
        # sin(theta) from tan(2 theta) algebraically, in the cancellation-free form
        # 1 - cos 2t = u^2 / ((1 + u^2)(1 + cos 2t)): float64 sin/arctan/cos dominate the
        # run time on CPU (XLA and NumPy alike), so the map avoids them except arctan2.
        c2t = 1.0 / b.sqrt(1.0 + u2)
        q = 2.0 * k0 * b.sqrt(0.5 * u2 * c2t**2 / (1.0 + c2t))
        return q, b.rad2deg(b.arctan2(-dyy, dxx))

    return qmap_kernel


def compute_qmap(
    energy_kev: float,
    distance_m: float,
    pixel_size_m: float,
    beam_center_x: float,
    beam_center_y: float,
    shape: tuple[int, int],
    *,
    backend: BackendProtocol | str | None = None,
) -> DetectorQMap:
    """q, phi, qx, qy for every pixel of a detector of ``shape = (ny, nx)``.

    energy in keV, distance and pixel size in m, beam centre in pixels (x = column, y = row).
    On JAX one compiled program serves every detector with a pixel count in the same
    bucket (docs/performance.md); new geometry reuses it.
    """
    b = resolve(backend)
    ny, nx = (int(s) for s in shape)
    if distance_m <= 0 or pixel_size_m <= 0 or energy_kev <= 0:
        raise ValueError(
            f"energy ({energy_kev} keV), distance ({distance_m} m) and pixel size "
            f"({pixel_size_m} m) must be positive"
        )
    params = b.asarray(
        [wavevector(energy_kev), distance_m, pixel_size_m, beam_center_x, beam_center_y],
        dtype="float64",
    )
    # Bucketed by pixel count (flat, cut back to ny * nx and reshaped on the host).
    n = ny * nx
    size = bucket(n) if b.supports_jit else n
    maps = kernel(b, "qmap", (size,), _build)(params, nx)
    flat = (maps[0], maps[1]) if b.supports_jit else None
    if b.supports_jit:  # cut and reshaped on the host: an eager reshape compiles per shape
        maps = [b.from_numpy(np.asarray(b.to_numpy(m))[:n].reshape(ny, nx)) for m in maps]
    else:
        maps = [m[:n].reshape(ny, nx) for m in maps]
    q, phi = maps
    return DetectorQMap(q=q, phi=phi, flat=flat, backend=b)
