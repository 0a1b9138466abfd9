"""Suite-wide settings: offscreen Qt, float64 JAX, and a clean backend per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One engine per backend in the suite: many tests compare two fits to 1e-10, and the default
# first-fit-on-NumPy rule (fitting/_engine_choice.py) would make that depend on test order.
# tests/test_fit_engine_choice.py turns the rule on and checks it.
os.environ.setdefault("XPCS_FIRST_FIT_NUMPY", "false")
os.environ.setdefault("XPCS_DEMO_DIR", os.path.join(os.path.dirname(__file__), ".demo_cache"))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Folder of real boost_corr result files with their truth JSON (read-only inputs)."""
    return DATA


@pytest.fixture(autouse=True)
def _restore_backend():
    """Tests may switch backend or device; the next test starts from the environment again."""
    yield
    from xpcsviewer.backends import DeviceManager, reset_backend

    reset_backend()
    DeviceManager.reset()
