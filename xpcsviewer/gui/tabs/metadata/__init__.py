"""Metadata: the reader's summary and the file's whole HDF5 tree with values and attributes."""

from .._model import TabSpec
from .controller import MetadataController

TAB = TabSpec("metadata", "Metadata", MetadataController, "xpcsviewer.gui.tabs.metadata.view:MetadataView")
