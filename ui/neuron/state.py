"""The Neuron page's per-user state (besides its settings, which ui/settings.py keeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ui.neuron.settings import LECTURE_FORMULA, LECTURE_VALUES
from ui.state import PageState


@dataclass
class NudgeHistory:
    """The nudges made to one formula, and its values from before the first of them."""

    formula: str = ""
    start: dict[str, float] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class NeuronState(PageState):
    PAGE: ClassVar[str] = "neuron"
    # The last formula and values that built, drawn while the typed ones fail.
    last_good: tuple[str, dict[str, float]] = (LECTURE_FORMULA, dict(LECTURE_VALUES))
    # The step-through: the problem it belongs to (Problem.key) and how many steps are shown.
    walk_key: tuple | None = None
    walk_position: int = 0
    nudges: NudgeHistory = field(default_factory=NudgeHistory)
    note: str | None = None  # what the last press could not do, shown once

    def walk_position_for(self, key: tuple) -> int:
        """Where the step-through stands for this problem (0 for a new one)."""
        if self.walk_key != key:
            self.walk_key, self.walk_position = key, 0
        return self.walk_position

    def history_for(self, formula: str) -> NudgeHistory:
        if self.nudges.formula != formula:
            self.nudges = NudgeHistory(formula)
        return self.nudges
