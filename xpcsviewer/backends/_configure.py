"""``configure``: the one Qt-free way to choose the backend and the device.

The preferences dialog and the command line both call it, so a choice means the same thing
wherever it is made. Whatever cannot take effect now, or falls back, comes back as a notice
for the user, never as an exception, with one exception: with ``use_gpu=None`` the
environment's device choice stands, and one that cannot be met raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import get_backend, set_backend
from ._device import DeviceManager, GPUUnavailableError

BACKENDS = ("auto", "jax", "numpy")


@dataclass
class Configured:
    """What :func:`configure` did: notices for the user, and the device now in use."""

    notices: list[str] = field(default_factory=list)
    device_label: str = ""
    fell_back: bool = False


def configure(backend: str | None = None, use_gpu: bool | None = None,
              fallback: bool | None = None, memory_fraction: float | None = None, *,
              changed: set[str] | None = None) -> Configured:
    """Make the backend (``"auto"``, ``"jax"`` or ``"numpy"``) and device choice take effect.

    ``None`` keeps what is in use (the environment's choice at start-up). ``changed``: the names among ``backend``, ``use_gpu``, ``memory_fraction`` that differ
    from the previous choice; ``None`` (start-up) applies only what differs from the
    environment's defaults (ADR-001: ``XPCS_USE_JAX``, ``XPCS_USE_GPU``...). The memory
    fraction is read by XLA once, so a change only takes effect after a restart (a notice).
    """
    result = Configured()
    changed = set() if changed is None else changed
    if backend is not None and (backend != "auto" or "backend" in changed):
        try:
            set_backend(backend)
        except (ImportError, ValueError) as exc:
            result.notices.append(f"Backend {backend!r} unavailable ({exc}); using NumPy.")
            set_backend("numpy")
    if get_backend().name != "jax":
        if use_gpu:
            result.notices.append("The GPU is used only by the JAX backend; computing on the CPU.")
            result.fell_back = True
        result.device_label = "cpu"
        return result
    manager = DeviceManager.instance()
    if fallback is not None:
        manager.set_fallback(fallback)
    if use_gpu is None:
        # The environment's device choice stands; one it cannot meet (XPCS_USE_GPU=true,
        # XPCS_GPU_FALLBACK=false, no GPU) raises GPUUnavailableError here: the command
        # line must refuse to start rather than compute elsewhere.
        result.device_label = manager.device_label()
        return result
    if "memory_fraction" in changed and memory_fraction is not None:
        result.notices.append(manager.set_memory_fraction(memory_fraction))
    if use_gpu or manager.use_gpu or "use_gpu" in changed:
        try:
            info = manager.set_use_gpu(use_gpu)
        except GPUUnavailableError as exc:
            info = manager.set_use_gpu(False)
            result.notices.append(f"{exc} GPU use is off for this session.")
            result.fell_back = True
        if info.fell_back:
            result.fell_back = True
            result.notices.append(
                "GPU requested, but JAX finds no GPU: computing on the CPU instead (fallback)."
            )
        elif info.kind == "gpu" and use_gpu:
            result.notices.append(f"Computing on the GPU: {info.name}.")
        result.device_label = info.label
    else:
        result.device_label = manager.device_label()
    return result
