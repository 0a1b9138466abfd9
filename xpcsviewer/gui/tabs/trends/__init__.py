"""Trends: fitted quantities across files against time, order or a metadata field."""

from .._model import TabSpec
from .controller import TrendsController

TAB = TabSpec("trends", "Trends", TrendsController, "xpcsviewer.gui.tabs.trends.view:TrendsView")
