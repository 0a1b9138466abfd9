"""Mask tab widgets: the image with the mask and partition overlays, tools drawn by mouse.

The image is the current file's SAXS-2D, or one opened with "open image…" (``_source.py``:
TIFF/EDF/CBF, raw HDF5 frames), which stays until another file is made current.

Drawing: with a tool chosen, a left-button drag on the image draws a rectangle, an ellipse
(its bounding box) or a thick line (end to end); for a polygon each click adds a vertex and a
right click (or double click) closes it. The drawn outline is a pyqtgraph curve while the
mouse moves; on release the shape is applied (exclude or include) as one undoable step.
Plot coordinates put pixel i's centre at i + 0.5 (``plotting/_image.py``); the model takes
pixel-centre coordinates, hence the half-pixel shift in :meth:`MaskView.to_pixel`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xpcsviewer.io import Geometry

from ...plotting import ImagePanel, note_label
from .._base import TabView
from ._source import SourceRow
from .controller import TOOLS, MaskController, MaskData


def _spin(value: float, lo: float, hi: float, decimals: int, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def _int_spin(state, name: str, hi: int = 100000) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, hi)
    box.setValue(getattr(state, name))
    box.valueChanged.connect(lambda v: setattr(state, name, int(v)))
    return box


class MaskView(TabView):
    def __init__(self, controller: MaskController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        s = self.state
        self.tool_box = QComboBox()
        self.tool_box.addItems(["pan/zoom", *TOOLS, "centre"])
        self.tool_box.setToolTip("draw a shape by dragging (polygon: click vertices, right-click "
                                 "to close); 'centre': drag the beam centre, maps and "
                                 "partition redraw as it moves")
        self.tool_box.setCurrentText(s.tool)
        self.tool_box.currentTextChanged.connect(lambda t: setattr(s, "tool", t))
        self.mode_box = QComboBox()
        self.mode_box.addItems(["exclude", "include"])
        self.mode_box.setCurrentText(s.mode)
        self.mode_box.currentTextChanged.connect(lambda m: setattr(s, "mode", m))
        self.width_box = _spin(s.line_width, 0.5, 500, 1, 1)
        self.width_box.valueChanged.connect(lambda w: setattr(s, "line_width", float(w)))
        buttons = {}
        for name in ("undo", "redo", "invert", "import mask…", "threshold", "outliers",
                     "find centre",
                     "use centre", "apply geometry", "save qmap…"):
            buttons[name] = QPushButton(name)
        self.buttons = buttons
        buttons["undo"].clicked.connect(lambda: self._edit(self.controller.editor.undo))
        buttons["redo"].clicked.connect(lambda: self._edit(self.controller.editor.redo))
        buttons["invert"].clicked.connect(lambda: self._edit(self.controller.editor.invert))
        buttons["import mask…"].clicked.connect(self._import)
        buttons["threshold"].clicked.connect(self._threshold)
        buttons["outliers"].clicked.connect(lambda: self._edit(self.controller.outliers))
        buttons["find centre"].clicked.connect(self._find_centre)
        buttons["use centre"].clicked.connect(self._use_centre)
        buttons["use centre"].setEnabled(False)
        buttons["apply geometry"].clicked.connect(self._apply_geometry)
        buttons["save qmap…"].clicked.connect(self._save)
        self.low_edit, self.high_edit = QLineEdit(), QLineEdit()
        self.low_edit.setPlaceholderText("low")
        self.high_edit.setPlaceholderText("high")
        for edit in (self.low_edit, self.high_edit):
            edit.setMaximumWidth(90)
        tools = QHBoxLayout()  # two short rows rather than one: the window fits a laptop
        for w in (QLabel("tool"), self.tool_box, self.mode_box, QLabel("line width"),
                  self.width_box, buttons["undo"], buttons["redo"], buttons["invert"],
                  buttons["import mask…"]):
            tools.addWidget(w)
        tools.addStretch(1)
        filters = QHBoxLayout()
        for w in (QLabel("intensity"), self.low_edit, self.high_edit, buttons["threshold"],
                  buttons["outliers"]):
            filters.addWidget(w)
        self.geometry_boxes = {
            "energy_kev": _spin(10, 0.1, 200, 4, 0.1), "distance_m": _spin(5, 0.01, 100, 4, 0.1),
            "pixel_size_m": _spin(75, 1, 1000, 2, 1),  # shown in µm
            "beam_center_x": _spin(0, -1e5, 1e5, 2, 0.5),
            "beam_center_y": _spin(0, -1e5, 1e5, 2, 0.5),
        }
        geometry = QHBoxLayout()
        for box, text in zip(self.geometry_boxes.values(),
                                    ("E (keV)", "distance (m)", "pixel (µm)", "centre x",
                                     "centre y"), strict=True):
            geometry.addWidget(QLabel(text))
            geometry.addWidget(box)
            box.setMaximumWidth(100)
        geometry.addStretch(1)
        filters.addSpacing(20)
        for name in ("apply geometry", "find centre", "use centre"):
            filters.addWidget(buttons[name])
        filters.addStretch(1)
        parts = QHBoxLayout()
        self.bin_boxes: dict[str, QSpinBox] = {}
        for text, name in (("dynamic q", "dynamic_q"), ("φ", "dynamic_phi"),
                           ("static q", "static_q"), ("φ", "static_phi")):
            parts.addWidget(QLabel(text))
            self.bin_boxes[name] = _int_spin(s, name)
            parts.addWidget(self.bin_boxes[name])
        self.span_box = QComboBox()
        self.span_box.addItems(["full", "valid"])
        self.span_box.setToolTip("φ bins over the full circle (as the shipped files) or over "
                                 "the φ range of the valid pixels (pySimpleMask)")
        self.span_box.setCurrentText(s.phi_span)
        self.span_box.currentTextChanged.connect(lambda v: setattr(s, "phi_span", v))
        self.partition_box = QCheckBox("partition overlay")
        self.partition_box.setChecked(s.show_partition)
        self.partition_box.toggled.connect(lambda on: setattr(s, "show_partition", on))
        for w in (QLabel("φ span"), self.span_box, self.partition_box, buttons["save qmap…"]):
            parts.addWidget(w)
        parts.addStretch(1)
        self.panel = ImagePanel()
        self.outline = pg.PlotDataItem(pen=pg.mkPen("m", width=2))
        self.outline.setZValue(20)
        self.panel.plot.addItem(self.outline)
        self.status = note_label(" ")
        self.source_row = SourceRow(self)
        geometry.insertWidget(geometry.count() - 1, self.source_row.poni_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_row)
        for row in (tools, filters, geometry, parts):
            layout.addLayout(row)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.status)
        self.points: list[tuple[float, float]] = []
        self._dragging = False
        self._found: tuple[float, float] | None = None
        self._loading = False  # a new file's settings are being shown: no nested renders
        self.opened: MaskData | None = None  # opened by hand: shown until a file is current
        self.panel.viewport().installEventFilter(self)
        self.save_path_hook = None  # tests set a callable returning the path to save to

    # coordinates ---------------------------------------------------------------------------
    def to_pixel(self, widget_pos) -> tuple[float, float]:
        """A viewport position -> (x, y) in pixel-centre coordinates."""
        scene = self.panel.mapToScene(widget_pos)
        view = self.panel.plot.vb.mapSceneToView(scene)
        return float(view.x()) - 0.5, float(view.y()) - 0.5

    def to_widget(self, x: float, y: float):
        """(x, y) in pixel-centre coordinates -> the viewport position (for tests)."""
        scene = self.panel.plot.vb.mapViewToScene(QPointF(x + 0.5, y + 0.5))
        return self.panel.mapFromScene(scene)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        tool = self.state.tool
        if self.controller.editor is None or tool not in (*TOOLS, "centre"):
            return False
        kind = event.type()
        if tool == "centre":
            return self._drag_centre(kind, event)
        if kind == QEvent.Type.MouseButtonPress:
            point = self.to_pixel(event.position().toPoint())
            if tool == "polygon":
                if event.button() == Qt.MouseButton.RightButton:
                    self._finish()
                else:
                    self.points.append(point)
                    self._draw_outline(self.points)
            elif event.button() == Qt.MouseButton.LeftButton:
                self.points, self._dragging = [point, point], True
            return True
        if kind == QEvent.Type.MouseMove and self._dragging:
            self.points[-1] = self.to_pixel(event.position().toPoint())
            self._draw_outline(self.points)
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._dragging:
            self.points[-1] = self.to_pixel(event.position().toPoint())
            self._dragging = False
            self._finish()
            return True
        if kind == QEvent.Type.MouseButtonDblClick and tool == "polygon":
            self._finish()
            return True
        return kind == QEvent.Type.MouseButtonRelease

    def _drag_centre(self, kind: QEvent.Type, event) -> bool:
        """Press and drag moves the beam centre; every move redraws maps, partition, overlay."""
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
        elif kind not in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease) or not self._dragging:
            return kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease)
        x, y = self.to_pixel(event.position().toPoint())
        if kind == QEvent.Type.MouseButtonRelease:
            self._dragging = False
        self.move_centre(x, y)
        return True

    def move_centre(self, x: float, y: float) -> None:
        """Put the beam centre at pixel (x, y) and redraw (one interactive step)."""
        c = self.controller
        if c.data is None:
            return
        c.set_geometry(c.data.geometry.with_center(x, y))
        for key, value in (("beam_center_x", x), ("beam_center_y", y)):
            box = self.geometry_boxes[key]
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._found = None
        self.redraw()

    def _draw_outline(self, points: list[tuple[float, float]]) -> None:
        pts = np.asarray(points, float) + 0.5
        tool = self.state.tool
        if tool in ("rectangle", "ellipse") and len(pts) >= 2:
            (x0, y0), (x1, y1) = pts[0], pts[-1]
            if tool == "rectangle":
                xs, ys = [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]
            else:
                t = np.linspace(0, 2 * np.pi, 64)
                xs = (x0 + x1) / 2 + abs(x1 - x0) / 2 * np.cos(t)
                ys = (y0 + y1) / 2 + abs(y1 - y0) / 2 * np.sin(t)
            self.outline.setData(xs, ys)
        else:
            self.outline.setData(pts[:, 0], pts[:, 1])

    def _finish(self) -> None:
        points, self.points = self.points, []
        self.outline.setData([], [])
        tool = self.state.tool
        if (tool == "polygon" and len(points) < 3) or len(points) < 2:
            return
        self._edit(lambda: self.controller.draw(tool, points))

    # actions -------------------------------------------------------------------------------
    def _edit(self, action) -> None:
        if self.controller.editor is None:
            return
        action()
        self.redraw()

    def _import(self) -> None:
        """Replace the mask with a file's (the mode 'include' keeps pixels valid in either,
        'exclude' only those valid in both)."""
        if self.controller.editor is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import mask", "",
                                              "Masks (*.npy *.tif *.tiff *.edf *.cbf *.hdf *.h5 *.hdf5)")
        if not path:
            return
        combine = "or" if self.state.mode == "include" else "and"
        try:
            self._edit(lambda: self.controller.import_mask(path, combine))
        except (OSError, ValueError) as exc:  # XpcsFormatError is a ValueError
            self.status.setText(f"not imported: {exc}")

    def _threshold(self) -> None:
        def number(edit: QLineEdit) -> float | None:
            try:
                return float(edit.text()) if edit.text().strip() else None
            except ValueError:
                return None

        self._edit(lambda: self.controller.threshold(number(self.low_edit), number(self.high_edit)))

    def _geometry_from_fields(self) -> Geometry:
        v = {k: b.value() for k, b in self.geometry_boxes.items()}
        v["pixel_size_m"] *= 1e-6
        return Geometry(**v)

    def _apply_geometry(self) -> None:
        if self.controller.data is not None:
            self.controller.set_geometry(self._geometry_from_fields())
            self.redraw()

    def _find_centre(self) -> None:
        if self.controller.data is None:
            return
        found = self.controller.find_center()
        self._found = (found.x, found.y)
        self.panel.set_marker(found.x, found.y)
        self.buttons["use centre"].setEnabled(True)
        self.status.setText(f"centre found at ({found.x:.2f}, {found.y:.2f}) px — 'use centre' "
                            "applies it")

    def _use_centre(self) -> None:
        if self._found is None:
            return
        self.geometry_boxes["beam_center_x"].setValue(self._found[0])
        self.geometry_boxes["beam_center_y"].setValue(self._found[1])
        self.buttons["use centre"].setEnabled(False)
        self._apply_geometry()

    def _save(self) -> None:
        if self.controller.data is None:
            return
        if self.save_path_hook is not None:
            path = self.save_path_hook()
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Save qmap", "qmap.hdf", "HDF5 (*.hdf *.h5)")
        if not path:
            return
        try:
            digest = self.controller.save(path, overwrite=True)  # the dialog asked already
        except (OSError, ValueError) as exc:
            self.status.setText(f"not saved: {exc}")
            return
        self.status.setText(f"saved {path} (hash {digest[:12]})")

    def show_opened(self, data: MaskData) -> None:
        """Edit an image opened by hand (``SourceRow``): it replaces the current file's until
        another file is made current."""
        self.opened = self.last_data = data
        self.render(data)
        if not data.stored_geometry:
            self.status.setText(self.status.text() + "; the image carries no geometry: type "
                                "it or import a PONI, then 'apply geometry'")

    def show_geometry(self, g: Geometry) -> None:
        for key, box in self.geometry_boxes.items():
            value = getattr(g, key)
            box.blockSignals(True)
            box.setValue(value * 1e6 if key == "pixel_size_m" else value)
            box.blockSignals(False)

    # drawing -------------------------------------------------------------------------------
    def render(self, data: MaskData) -> None:
        if self._loading:
            return
        if data is not self.opened:
            self.opened = None  # a file was made current: it replaces the opened image
        if data is not self.controller.loaded:
            self._loading = True
            try:  # a new file: its mask, geometry and bin grids are where editing starts
                self.controller.load(data)
                self._found = None
                self.show_geometry(data.geometry)
                grids = {"dynamic_q": data.dynamic[0], "dynamic_phi": data.dynamic[1],
                         "static_q": data.static[0], "static_phi": data.static[1]}
                for name, value in grids.items():
                    self.bin_boxes[name].setValue(int(value))
            finally:
                self._loading = False
        self.panel.set_image(data.image, colormap_name="viridis", log=True,
                             label="intensity (photons/pixel/frame)")
        self.panel.set_titles(f"{data.name}: mask and partition")
        self.redraw()

    def redraw(self) -> None:
        """Mask overlay, partition overlay and counts for the current mask and geometry."""
        c = self.controller
        if c.editor is None or c.data is None:
            return
        self.panel.set_mask_overlay(~c.editor.mask)
        g = c.data.geometry
        if self._found is None:
            self.panel.set_marker(g.beam_center_x, g.beam_center_y)
        text = f"valid pixels: {c.editor.valid_count} of {c.editor.mask.size}"
        if c.editor.valid_count < 2:
            self.panel.set_partition(None)
            self.status.setText(text + "; too few valid pixels for a partition")
            return
        preview = c.preview()
        self.last_preview = preview
        self.panel.set_partition(preview.roi_map if self.state.show_partition else None,
                                 preview.counts.size)
        counts = preview.counts
        self.status.setText(
            f"{text}; {counts.size} dynamic rois ({int(counts.min())}–{int(counts.max())} "
            f"pixels each), {preview.static_rois} static rois")

    def show_message(self, text: str) -> None:
        if self.opened is not None and text == self.controller.empty_message():
            # no current file (any more): the image opened by hand is what there is to edit
            self.last_data = self.opened
            self.render(self.opened)
            return
        self.panel.show_message(text)
        self.status.setText(" ")
