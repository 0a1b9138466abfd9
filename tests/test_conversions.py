"""ensure_numpy at the I/O boundary and the adapters' counters."""

from __future__ import annotations

import numpy as np
import pytest

from xpcsviewer.backends import (
    HDF5Adapter,
    MatplotlibAdapter,
    PyQtGraphAdapter,
    adapter_stats,
    ensure_backend_array,
    ensure_numpy,
    get_backend,
    reset_adapter_stats,
)


def test_jax_array_becomes_writable_float64():
    jaxb = get_backend("jax")
    out = ensure_numpy(jaxb.linspace(0.0, 1.0, 5))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    out[0] = 42.0  # must not raise: JAX buffers are immutable, the copy is ours
    assert out[0] == 42.0


def test_read_only_array_is_copied_not_modified():
    src = np.arange(4.0)
    src.flags.writeable = False
    out = ensure_numpy(src)
    assert out.flags.writeable and not np.shares_memory(out, src)


def test_writable_array_passes_through_without_copy():
    src = np.arange(4.0)
    assert ensure_numpy(src) is src


@pytest.mark.parametrize("value", [[1.0, 2.0], 3.5, (1, 2)])
def test_lists_and_scalars(value):
    out = ensure_numpy(value)
    assert isinstance(out, np.ndarray) and out.flags.writeable
    np.testing.assert_array_equal(out, np.asarray(value))


def test_ensure_backend_array_uses_given_backend():
    out = ensure_backend_array([1.0, 2.0], get_backend("numpy"))
    assert isinstance(out, np.ndarray)
    jax_out = ensure_backend_array(np.ones(2), get_backend("jax"))
    assert type(jax_out).__module__.startswith("jax")


@pytest.mark.parametrize("adapter_cls", [PyQtGraphAdapter, MatplotlibAdapter, HDF5Adapter])
def test_adapter_counters_move_and_reset(adapter_cls):
    reset_adapter_stats()
    adapter = adapter_cls()
    data = get_backend("jax").ones((3, 4))
    out = adapter.convert(data)
    adapter.convert(np.zeros(5))
    stats = adapter_stats()[adapter_cls.kind]
    assert isinstance(out, np.ndarray)
    assert stats.count == 2
    assert stats.bytes == 12 * 8 + 5 * 8
    assert stats.last_shape == (5,)
    assert stats.total_ms >= stats.max_ms > 0.0
    assert stats.mean_ms == pytest.approx(stats.total_ms / 2)
    adapter.reset()
    assert adapter.stats.count == 0


def test_unmonitored_adapter_does_not_count():
    reset_adapter_stats()
    PyQtGraphAdapter(monitor=False).convert(np.ones(3))
    assert adapter_stats()["pyqtgraph"].count == 0


def test_registry_sees_every_instance_of_a_kind():
    reset_adapter_stats()
    PyQtGraphAdapter().curve([1, 2], [3, 4])
    PyQtGraphAdapter().image(np.ones((2, 2)))
    assert adapter_stats()["pyqtgraph"].count == 3


def test_hdf5_adapter_writes_jax_arrays(tmp_path):
    import h5py

    reset_adapter_stats()
    with h5py.File(tmp_path / "out.h5", "w") as f:
        HDF5Adapter().write(f, "x", get_backend("jax").arange(4.0))
    with h5py.File(tmp_path / "out.h5", "r") as f:
        np.testing.assert_array_equal(f["x"][()], np.arange(4.0))
    assert adapter_stats()["hdf5"].count == 1
