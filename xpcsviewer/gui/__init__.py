"""The Qt side of xpcsviewer: the only package that imports PySide6 or pyqtgraph."""
