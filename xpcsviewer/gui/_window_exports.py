"""The main window's exports: the shown tab's data as CSV, its figure (PNG/SVG/PDF) and
snapshots of every tab, into the folder of the last export under a suggested name.

A mixin of :class:`~xpcsviewer.gui.main_window.MainWindow` (its ``current_driver``,
``settings``, ``session`` and ``report_error``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from .export_names import start_path, suggest_name
from .snapshot import render_tabs

EXPORT_FOLDER_KEY = "export/last_folder"  # where the last export went (QSettings)


class ExportMixin:
    def export_csv(self, path: Path) -> Path | None:
        driver = self.current_driver()
        if not driver.controller.can_export_csv() or driver.view.last_data is None:
            self.report_error(f"{driver.controller.title}: nothing to export as CSV")
            return None
        return driver.controller.export_csv(Path(path), driver.view.last_data)

    def export_start(self, suffix: str) -> Path:
        """The save dialog's start: the last export folder and a name made of the file(s),
        the tab and the bins shown (``export_names.suggest_name``)."""
        driver = self.current_driver()
        data = driver.view.last_data
        bins = None
        if data is not None and getattr(data, "slots", None):  # the g2 tab's plotted range
            bins = (data.first_slot + 1, data.first_slot + len(data.slots))
        name = suggest_name(driver.paths(), driver.controller.key, suffix, bins)
        return start_path(self.settings.value(EXPORT_FOLDER_KEY, ""),
                          self.session.folder or Path.home(), name)

    def _exported(self, written: Path) -> None:
        self.settings.setValue(EXPORT_FOLDER_KEY, str(Path(written).parent))
        self.statusBar().showMessage(f"Wrote {written}", 10000)

    def choose_csv_export(self) -> None:
        start = self.export_start(".csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export data", str(start), "CSV (*.csv)")
        written = self.export_csv(Path(path)) if path else None
        if written:
            self._exported(written)

    def choose_figure_export(self) -> None:
        start = self.export_start(".png")
        path, _ = QFileDialog.getSaveFileName(self, "Export figure", str(start),
                                              "Figures (*.png *.svg *.pdf)")
        if path:
            written = self.current_driver().view.export_figure(Path(path))
            if written is None:
                self.report_error("This tab has no figure export yet.")
            else:
                self._exported(written)

    def choose_snapshot_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save snapshots of every tab into")
        if folder:
            written = render_tabs(self, Path(folder))
            self.statusBar().showMessage(f"Wrote {len(written)} snapshots to {folder}", 10000)
