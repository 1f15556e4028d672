"""The MLP page's per-user state: the training run on screen, the runs to compare, and the
network last read from a file."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar

from data.toy2d import Dataset
from models.mlp import MLP
from models.mlp_training import Trainer
from ui.mlp.settings import RunSpec
from ui.runlog import RunLog
from ui.state import PageState


@dataclass(frozen=True)
class ImportedNetwork:
    """A network read from a file, with the file's name and what the page changed to fit it."""

    model: MLP
    name: str
    notes: tuple[str, ...] = ()


@dataclass
class TrainingRun:
    """One training run of one user, and what the page shows about it."""

    spec: RunSpec
    settings: dict
    train: Dataset
    test: Dataset
    trainer: Trainer
    status: str = "ready"  # ready, training, paused, done, diverged, imported
    clock_start: float = 0.0  # wall clock and step when training last (re)started
    step_start: int = 0
    steps_per_second: float | None = None  # wall clock, drawing and waiting included
    torch_check: object | None = None
    notes: list[str] = field(default_factory=list)
    logged: bool = False  # in the compare-runs log since it last ended
    imported: str | None = None  # the file the weights came from, for an imported network

    @property
    def untouched(self) -> bool:
        """Nothing to lose: not trained, not imported (a settings change may replace it)."""
        return self.trainer.steps_done == 0 and self.imported is None

    def restart(self) -> None:
        """Back to the seed's initial weights, as a new run of the same settings."""
        self.trainer.reset()
        self.torch_check, self.logged = None, False

    def start(self) -> None:
        if self.trainer.finished:
            self.restart()
        self.status = "training"
        self.clock_start, self.step_start = time.perf_counter(), self.trainer.steps_done

    def settle(self) -> bool:
        """After training: done, diverged, or still waiting for more. True when the run has
        just ended (it then belongs in the compare-runs log)."""
        if self.trainer.divergence is not None:
            self.status = "diverged"
        elif self.trainer.finished:
            self.status = "done"
        ended = self.status in {"done", "diverged"} and not self.logged
        self.logged = self.logged or ended
        return ended

    def advance(self, seconds: float, max_steps: int) -> None:
        """Train for about `seconds` or `max_steps` steps and update the measured rate (then
        `settle` says whether the run ended)."""
        self.trainer.run_for(seconds, max_steps)
        elapsed = time.perf_counter() - self.clock_start
        if elapsed > 0:
            self.steps_per_second = (self.trainer.steps_done - self.step_start) / elapsed


@dataclass
class MlpState(PageState):
    PAGE: ClassVar[str] = "mlp"
    run: TrainingRun | None = None
    run_log: RunLog = field(default_factory=RunLog)
    # The last file chosen in the uploader: (file id, "error" or "success", message).
    file_message: tuple[str, str, str] | None = None
    settings_error: str | None = None  # why the settings make no network, if they do not

    @property
    def training(self) -> bool:
        return self.run is not None and self.run.status == "training"
