"""Backend choice from the environment, the DeviceManager, and the CLI's messages."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from xpcsviewer import backends
from xpcsviewer.backends import DeviceManager, GPUUnavailableError


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "xpcsviewer", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("false", "numpy"), ("true", "jax"), ("auto", "jax")]
)
def test_xpcs_use_jax_is_honoured(monkeypatch, value, expected):
    monkeypatch.setenv("XPCS_USE_JAX", value)
    backends.reset_backend()
    assert backends.get_backend().name == expected


def test_bad_xpcs_use_jax_value_is_named(monkeypatch):
    monkeypatch.setenv("XPCS_USE_JAX", "maybe")
    backends.reset_backend()
    with pytest.raises(ValueError, match="XPCS_USE_JAX='maybe'"):
        backends.get_backend()


def test_missing_jax_gives_install_instructions(monkeypatch):
    monkeypatch.setenv("XPCS_USE_JAX", "true")
    monkeypatch.setattr(backends, "jax_available", lambda: False)
    backends.reset_backend()
    with pytest.raises(ImportError, match="pip install jax jaxlib"):
        backends.get_backend()


def test_set_backend_switches_and_reset_rereads(monkeypatch):
    monkeypatch.setenv("XPCS_USE_JAX", "true")
    assert backends.set_backend("numpy").name == "numpy"
    assert backends.get_backend().name == "numpy"
    backends.reset_backend()
    assert backends.get_backend().name == "jax"


def test_device_manager_is_a_singleton():
    assert DeviceManager.instance() is DeviceManager.instance()


def test_gpu_required_without_gpu_raises(monkeypatch):
    monkeypatch.setenv("XPCS_USE_GPU", "true")
    monkeypatch.setenv("XPCS_GPU_FALLBACK", "false")
    DeviceManager.reset()
    with pytest.raises(GPUUnavailableError, match="XPCS_GPU_FALLBACK=false"):
        DeviceManager.instance().info()


def test_gpu_fallback_uses_cpu_and_logs_once(monkeypatch, caplog):
    monkeypatch.setenv("XPCS_USE_GPU", "true")
    DeviceManager.reset()
    manager = DeviceManager.instance()
    with caplog.at_level(logging.WARNING):
        first = manager.info()
        manager.info()
    assert first.kind == "cpu" and first.fell_back and first.requested_gpu
    assert sum("GPU requested" in r.message for r in caplog.records) == 1


def test_run_time_gpu_toggle_reports_fallback():
    manager = DeviceManager.instance()
    on = manager.set_use_gpu(True)
    assert on.fell_back and on.kind == "cpu"
    off = manager.set_use_gpu(False)
    assert not off.fell_back and not off.requested_gpu
    assert "restart" in manager.set_memory_fraction(0.5)
    with pytest.raises(ValueError):
        manager.set_memory_fraction(1.5)


def test_bad_memory_fraction_is_named(monkeypatch):
    monkeypatch.setenv("XPCS_GPU_MEMORY_FRACTION", "lots")
    DeviceManager.reset()
    with pytest.raises(ValueError, match="XPCS_GPU_MEMORY_FRACTION"):
        DeviceManager.instance()


def test_cli_version_on_numpy_backend():
    result = _cli("--version", XPCS_USE_JAX="false")
    assert result.returncode == 0, result.stderr
    assert "backend: numpy" in result.stdout and "xpcsviewer 0." in result.stdout


def test_cli_gpu_required_without_gpu_fails_clearly():
    result = _cli("--version", XPCS_USE_GPU="true", XPCS_GPU_FALLBACK="false", JAX_PLATFORMS="cpu")
    assert result.returncode == 2
    assert "GPU was requested" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_help_does_not_start_qt():
    code = (
        "import sys\n"
        "from xpcsviewer.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'PySide6' not in sys.modules, 'help imported Qt'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--snapshot" in result.stdout


def test_compilation_cache_folder_from_environment(monkeypatch, tmp_path):
    from xpcsviewer.backends._jax_backend import default_cache_dir

    monkeypatch.setenv("XPCS_JAX_CACHE_DIR", str(tmp_path / "jit"))
    assert default_cache_dir() == tmp_path / "jit"
    monkeypatch.setenv("XPCS_JAX_CACHE_DIR", "")
    assert default_cache_dir() is None
    assert backends.enable_compilation_cache() is None
    monkeypatch.delenv("XPCS_JAX_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "xpcsviewer" / "jax"


def test_configure_is_the_one_qt_free_choice_of_backend_and_device():
    # Preferences and the command line both go through configure(); it never needs Qt.
    import subprocess
    import sys

    from xpcsviewer.backends import configure, get_backend, reset_backend, set_backend

    try:
        done = configure("numpy", use_gpu=True, fallback=True, changed={"backend"})
        assert get_backend().name == "numpy" and done.device_label == "cpu"
        assert done.fell_back and "only by the JAX backend" in done.notices[0]
        done = configure("jax", use_gpu=False, fallback=True, changed={"backend"})
        assert get_backend().name == "jax" and done.device_label == "cpu" and not done.notices
        done = configure(None)  # keep what is in use
        assert get_backend().name == "jax" and not done.notices
    finally:
        set_backend("auto")
        reset_backend()
    code = ("import sys, xpcsviewer.backends._device, xpcsviewer.backends._configure;"
            "print(any(m.startswith(('PySide6', 'jax')) for m in sys.modules),"
            "'xpcsviewer.backends._jax_backend' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]  # no Qt, no JAX, no circle through the backend
