"""Reading (and writing) XPCS result files: APS-8IDI NeXus and the legacy APS layout.

Qt-free. ``open_file`` (``xpcsviewer.open``) gives an :class:`XpcsFile`; ``scan`` lists a folder
without loading arrays (``list_folder``: names and sizes only, at once); ``read_tree`` walks a
file's whole HDF5 tree (big datasets described, not loaded); ``write_result_file`` writes the
NeXus layout atomically; ``read_image`` opens a detector image for the mask editor (a result
file's SAXS-2D, TIFF/EDF/CBF, raw HDF5 frames). Units: q in 1/Å, phi in degrees, times in s.
"""

from __future__ import annotations

from ._cache import CacheBudget, default_budget_mb, shared_budget
from ._errors import XpcsFormatError
from ._file import XpcsFile, open_file
from ._geometry import Geometry, parse_geometry, read_poni
from ._images import DetectorImage, ImageReadCancelled, is_result_file, parse_frames, read_image
from ._intensity import FrameTrace
from ._qmap_file import read_qmap_file, write_qmap_file
from ._records import C2Map, Metadata, QMap
from ._scan import FileSummary, list_folder, scan, summarize, summarize_many
from ._segments import SegmentScale
from ._tree import TreeNode, read_tree
from ._watch import FolderEvent, FolderWatcher
from ._writer import write_result_file

__all__ = [
    "C2Map",
    "CacheBudget",
    "DetectorImage",
    "FileSummary",
    "FolderEvent",
    "FolderWatcher",
    "FrameTrace",
    "Geometry",
    "ImageReadCancelled",
    "Metadata",
    "QMap",
    "SegmentScale",
    "TreeNode",
    "XpcsFile",
    "XpcsFormatError",
    "default_budget_mb",
    "is_result_file",
    "list_folder",
    "open_file",
    "parse_frames",
    "parse_geometry",
    "read_image",
    "read_poni",
    "read_qmap_file",
    "read_tree",
    "scan",
    "shared_budget",
    "summarize",
    "summarize_many",
    "write_qmap_file",
    "write_result_file",
]
