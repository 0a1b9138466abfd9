"""Q-map: the dynamic and static roi partitions and the per-pixel q and phi maps."""

from .._base import TabSpec
from .controller import QmapController
from .view import QmapView

TAB = TabSpec("qmap", "Q-map", QmapController, QmapView)
