"""The preferences dialog: edits a :class:`Preferences`; the main window saves and applies."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .plotting import COLORMAPS
from .preferences import BACKENDS, Preferences


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.backend_box = QComboBox()
        self.backend_box.addItems(list(BACKENDS))
        self.backend_box.setCurrentText(prefs.backend)
        self.backend_box.setToolTip("auto: JAX when installed, else NumPy")
        self.gpu_box = QCheckBox("compute on the GPU (JAX)")
        self.gpu_box.setChecked(prefs.use_gpu)
        self.fallback_box = QCheckBox("fall back to the CPU when no GPU is found")
        self.fallback_box.setChecked(prefs.gpu_fallback)
        self.memory_spin = QDoubleSpinBox()
        self.memory_spin.setRange(0.05, 1.0)
        self.memory_spin.setSingleStep(0.05)
        self.memory_spin.setValue(prefs.memory_fraction)
        self.memory_spin.setToolTip("takes effect after restarting xpcsviewer")
        self.cmap_box = QComboBox()
        self.cmap_box.addItems(list(COLORMAPS))
        self.cmap_box.setCurrentText(prefs.colormap)
        self.theme_box = QComboBox()
        self.theme_box.addItems(["light", "dark"])
        self.theme_box.setCurrentText(prefs.theme)
        self.theme_box.setToolTip("applies when xpcsviewer next starts")
        self.cache_spin = QSpinBox()
        self.cache_spin.setRange(0, 1 << 20)
        self.cache_spin.setSpecialValueText("automatic (a quarter of RAM)")
        self.cache_spin.setSuffix(" MB")
        self.cache_spin.setValue(prefs.cache_mb)
        self.cache_spin.setToolTip("memory for all open files' arrays together (least recently "
                                   "used dropped first); 0: a quarter of RAM")

        form = QFormLayout()
        form.addRow("array backend", self.backend_box)
        form.addRow("GPU", self.gpu_box)
        form.addRow("", self.fallback_box)
        form.addRow("GPU memory fraction", self.memory_spin)
        form.addRow("default colour map", self.cmap_box)
        form.addRow("cache size", self.cache_spin)
        form.addRow("theme", self.theme_box)
        note = QLabel("The GPU switch applies to the next computation; the memory fraction "
                      "after a restart.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def preferences(self) -> Preferences:
        return Preferences(
            backend=self.backend_box.currentText(),
            use_gpu=self.gpu_box.isChecked(),
            gpu_fallback=self.fallback_box.isChecked(),
            memory_fraction=round(self.memory_spin.value(), 3),
            colormap=self.cmap_box.currentText(),
            cache_mb=self.cache_spin.value(),
            theme=self.theme_box.currentText(),
        ).validated()
