"""A training run recorded once and replayed step by step: what a class shares when thirty
students press Train with the same settings (micrograd's demo, a teacher's link).

Training is seeded (the data, the initial weights, the batches), so every session that trains
these settings would compute exactly the same steps. A `Recording` holds the history and the
weights after every step; `replay_to` puts a session's own trainer at step k as if it had
trained there itself. The recording is read-only (its arrays are not writeable), so one
object can serve every session of the process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.mlp_training import Divergence, StepRecord, Trainer

# A recording keeps (steps + 1) x parameters floats: at most this many (8 MB).
MAX_RECORDED_FLOATS = 1_000_000


@dataclass(frozen=True)
class Recording:
    history: tuple[StepRecord, ...]
    weights: np.ndarray  # row k: the weights after k steps (row 0: the initial weights)
    divergence: Divergence | None
    cpu_seconds: float  # what training it cost, once

    @property
    def steps(self) -> int:
        return len(self.history)


def recordable(trainer: Trainer) -> bool:
    """Small enough to keep every step's weights."""
    floats = (trainer.config.steps + 1) * trainer.model.num_parameters()
    return floats <= MAX_RECORDED_FLOATS


def record(trainer: Trainer) -> Recording:
    """Train `trainer` (fresh) to its end, keeping the weights after every step."""
    import time

    if trainer.steps_done:
        raise ValueError("a recording starts from the initial weights")
    started = time.thread_time()
    rows = [trainer.model.get_weights()]
    while not trainer.finished:
        trainer.step(1)
        rows.append(trainer.model.get_weights())
    weights = np.array(rows, dtype=float)
    weights.flags.writeable = False
    return Recording(
        tuple(trainer.history), weights, trainer.divergence, time.thread_time() - started
    )


def replay_to(trainer: Trainer, recording: Recording, step: int) -> None:
    """Put `trainer` where the recorded run was after `step` steps (clamped to its end).

    The trainer must have the recording's settings; its own history and weights are
    replaced (the recording is only read). A replayed run has used no compute of its own.
    """
    step = max(0, min(step, recording.steps))
    trainer.history = list(recording.history[:step])
    trainer.model.set_weights([float(w) for w in recording.weights[step]])
    trainer.model.zero_grad()
    ended = step == recording.steps
    trainer.divergence = recording.divergence if ended else None
