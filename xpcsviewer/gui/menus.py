"""The menu bar: File, View, Tools, Help, with their keyboard shortcuts.

Actions call the main window's public methods; nothing here holds state.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from xpcsviewer import __version__

from .live import FOLLOW_KEY, NEWEST_KEY, POLL_KEY


def _action(window: QMainWindow, menu, text: str, slot, shortcut=None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(window: QMainWindow) -> dict[str, QAction]:
    bar = window.menuBar()
    actions: dict[str, QAction] = {}
    file_menu = bar.addMenu("&File")
    actions["open"] = _action(window, file_menu, "&Open folder…", window.choose_folder, QKeySequence.StandardKey.Open)
    actions["reload"] = _action(window, file_menu, "&Reload folder", window.reload_folder, "F5")
    for key, text in ((FOLLOW_KEY, "&Follow folder (list new files as they are written)"),
                      (POLL_KEY, "Follow by &polling (network file systems)"),
                      (NEWEST_KEY, "Show the &newest file when it arrives")):
        toggle = QAction(text, window, checkable=True)
        toggle.setChecked(window.follow_option(key))
        toggle.toggled.connect(lambda on, k=key: window.set_follow_option(k, on))
        file_menu.addAction(toggle)
        actions[key.split("/")[1]] = toggle
    actions["open_session"] = _action(window, file_menu, "Open sess&ion…", window.choose_session_open)
    actions["save_session"] = _action(window, file_menu, "Sa&ve session…", window.choose_session_save)
    file_menu.addSeparator()
    actions["export_csv"] = _action(window, file_menu, "Export tab data as &CSV…", window.choose_csv_export, "Ctrl+E")
    actions["export_figure"] = _action(window, file_menu, "Export tab &figure (PNG/SVG/PDF)…", window.choose_figure_export, "Ctrl+Shift+E")
    actions["snapshots"] = _action(window, file_menu, "Save &snapshots of every tab…", window.choose_snapshot_folder, "Ctrl+Shift+S")
    file_menu.addSeparator()
    actions["quit"] = _action(window, file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    view_menu = bar.addMenu("&View")
    for dock, shortcut in ((window.file_dock, "Ctrl+Shift+F"), (window.status_dock, "Ctrl+Shift+T")):
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence(shortcut))
        view_menu.addAction(toggle)
    view_menu.addSeparator()
    actions["next_file"] = _action(window, view_menu, "&Next file", lambda: window.step_file(+1), "Ctrl+Down")
    actions["previous_file"] = _action(window, view_menu, "&Previous file", lambda: window.step_file(-1), "Ctrl+Up")
    view_menu.addSeparator()
    for index in range(window.tabs.count()):
        actions[f"tab_{index}"] = _action(
            window, view_menu, window.tabs.tabText(index),
            lambda i=index: window.tabs.setCurrentIndex(i), f"Alt+{index + 1}" if index < 9 else None,
        )

    tools_menu = bar.addMenu("&Tools")
    actions["preferences"] = _action(window, tools_menu, "&Preferences…", window.open_preferences, "Ctrl+,")
    actions["demo"] = _action(window, tools_menu, "Open &demo data", window.load_demo, "Ctrl+D")
    actions["reset_stats"] = _action(window, tools_menu, "Reset adapter &counters", window.reset_adapter_counters)

    help_menu = bar.addMenu("&Help")
    actions["shortcuts"] = _action(window, help_menu, "&Keyboard shortcuts", lambda: _show_shortcuts(window, actions), "F1")
    actions["about"] = _action(window, help_menu, "&About xpcsviewer", lambda: _show_about(window))
    return actions


def _message(window: QMainWindow, title: str, text: str) -> None:
    # Non-blocking, deleted on close: the window stays usable and nothing leaks.
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, window)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def _show_shortcuts(window: QMainWindow, actions: dict[str, QAction]) -> None:
    lines = [f"{a.shortcut().toString(QKeySequence.SequenceFormat.NativeText):>14}   {a.text().replace('&', '')}"
             for a in actions.values() if not a.shortcut().isEmpty()]
    lines += ["Up / Down   step through the file lists", "Enter   add highlighted files to the selection",
              "Delete   remove from the selection"]
    _message(window, "Keyboard shortcuts", "\n".join(lines))


def _show_about(window: QMainWindow) -> None:
    _message(window, "About xpcsviewer",
             f"xpcsviewer {__version__}\nView, fit and compare XPCS result files (APS-8IDI NeXus layout).")
