"""The Bigram page's per-user state (its settings are kept by ui/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ui.bigram.data import WordChoice
from ui.bigram.training import ENGINE_STEP_ESTIMATE, NeuralRun
from ui.charts import SpecCache
from ui.runlog import RunLog
from ui.sharing import Refusal
from ui.state import PageState

NETS_KEPT = 6  # trained nets kept per user (one per word list and n)


@dataclass
class BigramState(PageState):
    PAGE: ClassVar[str] = "bigram"
    choice: WordChoice = field(default_factory=WordChoice)  # the upload, the built-in names
    # This user's trained (or loaded) nets, by (word list key, n), the newest last.
    nets: dict[tuple[str, int], NeuralRun] = field(default_factory=dict)
    train_requested: bool = False  # Train was pressed and the net is not trained yet
    ticket: int | None = None  # the training's place in the server's line (ui/sharing.py)
    refusal: Refusal | None = None  # the last Train refused as over budget
    auto_trained: tuple[str, int] | None = None  # the words and n a first visit trained
    engine_pace: float | None = None  # seconds per step of this user's last engine run
    run_log: RunLog = field(default_factory=RunLog)
    charts: SpecCache = field(default_factory=SpecCache)
    walk_key: tuple | None = None  # the sampling walk shown, and how many of its steps
    walk_shown: int = 1
    # The last net file chosen: its message, as (kind, Markdown text), "error" or "success".
    net_file_message: tuple[str, str] | None = None

    def net_for(self, data_key: str, n: int) -> NeuralRun | None:
        return self.nets.get((data_key, n))

    def keep_net(self, run: NeuralRun) -> None:
        self.nets.pop((run.data_key, run.n), None)
        self.nets[(run.data_key, run.n)] = run
        while len(self.nets) > NETS_KEPT:
            self.nets.pop(next(iter(self.nets)))

    def engine_seconds_per_step(self) -> tuple[float, bool]:
        """Seconds per engine step: this user's last engine run, or the estimate (and whether
        it was measured here)."""
        if self.engine_pace:
            return self.engine_pace, True
        return ENGINE_STEP_ESTIMATE, False
