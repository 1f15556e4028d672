"""A training run recorded once and replayed step by step: what a class shares when thirty
students press Train with the same settings (micrograd's demo, a teacher's link).

Training is seeded (the data, the initial weights, the batches), so every session that trains
these settings would compute exactly the same steps. A `Recording` holds the history and the
weights after every step; `replay_to` puts a session's own trainer at step k as if it had
trained there itself.

A recording grows while one thread trains it (`record`) and any number of sessions read it at
the same time: rows are only ever appended (a weights row is a read-only array), and a
reader asks for `steps` first, so it never sees a step whose weights are not there yet. Once
`finished`, nothing about it changes again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from models.mlp_training import Divergence, StepRecord, Trainer

# A recording keeps (steps + 1) x parameters floats: at most this many (8 MB).
MAX_RECORDED_FLOATS = 1_000_000


class Recording:
    """The steps of one run, as far as they have been trained."""

    def __init__(self, total_steps: int) -> None:
        self.total_steps = total_steps  # what the settings ask for
        self._history: list[StepRecord] = []
        self._weights: list[np.ndarray] = []  # row k: after k steps (row 0: initial), read-only
        self.divergence: Divergence | None = None
        self.cpu_seconds = 0.0  # what training it has cost so far, once
        self.finished = False  # no more steps will come (done, diverged or cut short)
        self.cut_short = False  # it stopped before its last step (the press budget)

    @property
    def steps(self) -> int:
        """Steps recorded so far: each has its record and its weights."""
        return max(len(self._weights) - 1, 0)

    @property
    def history(self) -> tuple[StepRecord, ...]:
        return tuple(self._history[: self.steps])

    def history_to(self, step: int) -> list[StepRecord]:
        return self._history[:step]

    def weights_at(self, step: int) -> np.ndarray:
        return self._weights[step]


def recordable(trainer: Trainer) -> bool:
    """Small enough to keep every step's weights."""
    floats = (trainer.config.steps + 1) * trainer.model.num_parameters()
    return floats <= MAX_RECORDED_FLOATS


def record(
    trainer: Trainer,
    recording: Recording | None = None,
    *,
    budget: float = float("inf"),
    cancelled: Callable[[], bool] = lambda: False,
) -> Recording:
    """Train `trainer` (fresh) to its end, keeping the weights after every step in
    `recording` (a new one if none is given), which readers may follow as it grows. Stops
    early, `cut_short`, once the CPU time of this thread passes `budget` or `cancelled()`."""
    if trainer.steps_done:
        raise ValueError("a recording starts from the initial weights")
    recording = recording or Recording(trainer.config.steps)
    started = time.thread_time()
    try:
        recording._weights.append(_frozen(trainer.model.get_weights()))
        while not trainer.finished:
            if recording.cpu_seconds >= budget or cancelled():
                recording.cut_short = True
                break
            trainer.step(1)
            recording._history.append(trainer.history[-1])  # the record before its weights
            recording._weights.append(_frozen(trainer.model.get_weights()))
            recording.cpu_seconds = time.thread_time() - started
        recording.divergence = trainer.divergence
    finally:
        recording.cpu_seconds = time.thread_time() - started
        recording.finished = True
    return recording


def _frozen(weights: list[float]) -> np.ndarray:
    row = np.array(weights, dtype=float)
    row.flags.writeable = False
    return row


def replay_to(trainer: Trainer, recording: Recording, step: int) -> None:
    """Put `trainer` where the recorded run was after `step` steps (clamped to what has been
    recorded so far).

    The trainer must have the recording's settings; its own history and weights are
    replaced (the recording is only read). A replayed run has used no compute of its own.
    """
    finished = recording.finished  # read before the steps: a step count it may still reach
    step = max(0, min(step, recording.steps))
    trainer.history = recording.history_to(step)
    trainer.model.set_weights(recording.weights_at(step).tolist())
    trainer.model.zero_grad()
    ended = finished and step == recording.steps
    trainer.divergence = recording.divergence if ended else None
