"""Q-map: the dynamic and static roi partitions and the per-pixel q and phi maps."""

from .._model import TabSpec
from .controller import QmapController

TAB = TabSpec("qmap", "Q-map", QmapController, "xpcsviewer.gui.tabs.qmap.view:QmapView")
