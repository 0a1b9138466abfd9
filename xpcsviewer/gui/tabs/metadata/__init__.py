"""Metadata: the reader's summary and the file's whole HDF5 tree with values and attributes."""

from .._base import TabSpec
from .controller import MetadataController
from .view import MetadataView

TAB = TabSpec("metadata", "Metadata", MetadataController, MetadataView)
