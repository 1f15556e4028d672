"""The MLP page's per-user state: the training run on screen, the runs to compare, and the
network last read from a file."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import ClassVar

from data.toy2d import Dataset
from models.mlp import MLP
from models.mlp_replay import Recording, replay_to
from models.mlp_training import Trainer
from serving.budget import CpuMeter, describe_seconds
from serving.shared_jobs import Job
from ui.mlp.settings import RunSpec
from ui.runlog import RunLog
from ui.sharing import Refusal
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
    status: str = "ready"  # ready, training, paused, stopped (budget), done, diverged, imported
    clock_start: float = 0.0  # wall clock and step when training last (re)started
    step_start: int = 0
    steps_per_second: float | None = None  # wall clock, drawing and waiting included
    torch_check: object | None = None
    notes: list[str] = field(default_factory=list)
    logged: bool = False  # in the compare-runs log since it last ended
    imported: str | None = None  # the file the weights came from, for an imported network
    ticket: int | None = None  # its place in the server's line of trainings (ui/sharing.py)
    waiting: bool = False  # it was waiting for its turn at the last redraw
    budget: float = math.inf  # CPU seconds this press may use, and what it used so far
    meter: CpuMeter = field(default_factory=CpuMeter)
    # A run the class shares: its steps come from one recording, trained once in the
    # background for everyone with these settings (ui/mlp/run.py, serving/shared_jobs.py),
    # not from training in this session. Set when its Train press fits the sharing limit.
    shared: Job | None = None

    @property
    def recording(self) -> Recording | None:
        return self.shared.result if self.shared is not None else None

    @property
    def untouched(self) -> bool:
        """Nothing to lose: not trained, not imported (a settings change may replace it)."""
        return self.trainer.steps_done == 0 and self.imported is None

    def restart(self) -> None:
        """Back to the seed's initial weights, as a new run of the same settings."""
        self.trainer.reset()
        self.torch_check, self.logged = None, False

    def start(self, budget: float = math.inf) -> None:
        if self.trainer.finished:
            self.restart()
        elif self.status == "stopped":
            self.logged = False  # going on: log it again when it ends
        self.status = "training"
        self.budget, self.meter = budget, CpuMeter()
        self.clock_start, self.step_start = time.perf_counter(), self.trainer.steps_done

    def settle(self) -> bool:
        """After training: done, diverged, or still waiting for more. True when the run has
        just ended (it then belongs in the compare-runs log)."""
        if self.trainer.divergence is not None:
            self.status = "diverged"
        elif self.trainer.finished:
            self.status = "done"
        ended = self.status in {"done", "diverged", "stopped"} and not self.logged
        self.logged = self.logged or ended
        return ended

    def replay_steps(self, count: int | None = None) -> None:
        """Show `count` more steps of the shared recording, or as many as it has (None); a
        replay costs this session no training. A recording that ended short of its steps
        (the press budget, or a failure) stops the run, with the reason."""
        recording = self.recording
        target = recording.steps if count is None else self.trainer.steps_done + count
        replay_to(self.trainer, recording, target)
        if recording.finished and self.trainer.steps_done >= recording.steps:
            if self.shared.error is not None:
                self._stop("training failed on the server (" + self.shared.error + ")")
            elif recording.cut_short and not self.trainer.finished:
                self._stop(
                    f"this press used its {describe_seconds(self.budget)} of the server's time"
                )

    def _stop(self, why: str) -> None:
        if self.status == "stopped":
            return
        self.status = "stopped"
        self.notes.append(
            f"Stopped at step {self.trainer.steps_done:,}: {why}. What it trained is "
            "kept; press Train to go on."
        )

    def advance(self, seconds: float, max_steps: int) -> None:
        """Train for about `seconds` or `max_steps` steps and update the measured rate (then
        `settle` says whether the run ended)."""
        left = self.budget - self.meter.seconds
        self.meter.measure(lambda: self.trainer.run_for(min(seconds, left), max_steps))
        self.measure_rate()
        if self.meter.over(self.budget) and not self.trainer.finished:
            budget = describe_seconds(self.budget)
            self._stop(
                f"this press used its {budget} of the server's time (the server was slower "
                "than the estimate)"
            )

    def measure_rate(self) -> None:
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
    refusal: Refusal | None = None  # the last press refused as over budget
    ticking: bool = False  # the page's last full run drew the live view with a timer
    in_full_run: bool = False  # the live view is being drawn by the page's run, not its timer

    @property
    def training(self) -> bool:
        return self.run is not None and self.run.status == "training"
