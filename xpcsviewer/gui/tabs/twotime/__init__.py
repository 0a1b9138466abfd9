"""Two-time tab."""

from .._base import TabSpec
from .controller import TwotimeController
from .view import TwotimeView

TAB = TabSpec("twotime", "Two-time", TwotimeController, TwotimeView)
