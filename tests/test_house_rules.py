"""House rule: nothing outside xpcsviewer.gui imports Qt or pyqtgraph (checked in a fresh process)."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

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
              "xpcsviewer.gui._token", "xpcsviewer.gui.tabs._model", "xpcsviewer.gui.line",
              "xpcsviewer.gui._words"]
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


# -- the wiring inside gui/ (issue 12 §2, §6), read from the source ---------------------------
PACKAGE = Path(xpcsviewer.__file__).parent
TABS = PACKAGE / "gui" / "tabs"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports when it runs (function-level imports
    included, ``if TYPE_CHECKING:`` blocks left out), each with the modules of the names
    it takes (``from .x import y`` also gives ``x.y``, as ``y`` may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = node.module if not node.level else ".".join(filter(None, [base, node.module]))
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _tab_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[3] if parts[:3] == ["xpcsviewer", "gui", "tabs"] and len(parts) > 3 \
        and not parts[3].startswith("_") else None


def test_no_tab_imports_another():
    # Tabs talk through declared links (TabController.publishes / follows), never imports.
    tabs = sorted(p.name for p in TABS.iterdir() if (p / "__init__.py").is_file())
    assert len(tabs) >= 11 and "g2" in tabs and "diffusion" in tabs
    arrows = []
    for tab in tabs:
        for path in sorted((TABS / tab).rglob("*.py")):
            arrows += [f"{_module_name(path)} -> {m}" for m in _runtime_imports(path)
                       if _tab_of(m) not in (None, tab)]
    assert arrows == []


def test_views_ask_nothing_of_the_window():
    # A view gets its controller (state, links, tasks) and nothing else: no .window() calls.
    calls = []
    for path in sorted(TABS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls += [f"{path.relative_to(PACKAGE)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "window"]
    assert calls == []
    views = list(TABS.glob("*/view.py"))
    assert len(views) >= 11 and all("window()" not in v.read_text(encoding="utf-8") for v in views)


def test_no_import_circles_in_gui_and_compute_reads_through_io():
    # gui/app <-> main_window went in a circle over demo_folder; compute once opened files
    # through the top-level API (xpcsviewer.open), which loads the fitting package.
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: {m for m in _runtime_imports(path) if m in modules and m != name}
             for name, path in modules.items() if name.startswith("xpcsviewer.gui")}
    circles = sorted(f"{a} <-> {b}" for a, targets in graph.items() for b in targets
                     if a < b and a in graph.get(b, ()))
    assert circles == []
    for layer in ("compute", "io"):
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            above = {m for m in _runtime_imports(path)
                     if m in ("xpcsviewer", "xpcsviewer.api") or m.startswith("xpcsviewer.fitting")}
            assert not above, f"{path.relative_to(PACKAGE)} imports {above}"
