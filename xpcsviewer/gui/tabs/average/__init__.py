"""Average tab."""

from .._base import TabSpec
from .controller import AverageController
from .view import AverageView

TAB = TabSpec("average", "Average", AverageController, AverageView)
