"""House rule: nothing outside xpcsviewer.gui imports Qt or pyqtgraph (checked in a fresh process)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import xpcsviewer

QT_MODULES = ("PySide6", "pyqtgraph", "PyQt5", "PyQt6", "shiboken6")


def _non_gui_modules() -> list[str]:
    names = ["xpcsviewer"]
    for info in pkgutil.walk_packages(xpcsviewer.__path__, prefix="xpcsviewer."):
        if info.name.startswith("xpcsviewer.gui"):
            continue
        names.append(info.name)
    return names


def test_non_gui_code_never_loads_qt():
    modules = _non_gui_modules()
    assert "xpcsviewer.backends" in modules and "xpcsviewer.api" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if name.endswith('__main__'):\n        continue\n"
        "    importlib.import_module(name)\n"
        f"leaked = [m for m in {QT_MODULES!r} if m in sys.modules]\n"
        "assert not leaked, f'Qt loaded outside gui: {leaked}'\n"
        "print(len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_plain_import_is_light():
    code = (
        "import sys, xpcsviewer; assert 'jax' not in sys.modules and 'PySide6' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_tab_models_import_with_qt_unimportable():
    # Inside gui/, the models half (controllers, their state, the tab list, the session, the
    # cancel token) imports with PySide6/pyqtgraph blocked outright, not merely unloaded.
    import xpcsviewer.gui

    models = ["xpcsviewer.gui.tabs", "xpcsviewer.gui.session", "xpcsviewer.gui._events",
              "xpcsviewer.gui._token", "xpcsviewer.gui.tabs._model"]
    for info in pkgutil.walk_packages(xpcsviewer.gui.__path__, prefix="xpcsviewer.gui."):
        if info.name.endswith(".controller"):
            models.append(info.name)
    assert len([m for m in models if m.endswith(".controller")]) >= 10
    code = (
        "import importlib, importlib.abc, sys\n"
        "class NoQt(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {QT_MODULES!r}:\n"
        "            raise ImportError(name + ' blocked')\n"
        "sys.meta_path.insert(0, NoQt())\n"
        f"for name in {models!r}:\n"
        "    importlib.import_module(name)\n"
        "views = [m for m in sys.modules if m.endswith('.view')]\n"
        "assert not views, views\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]
