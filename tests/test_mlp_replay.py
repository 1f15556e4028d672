"""models/mlp_replay: a recorded run replayed step by step equals the run trained alone (the
reference: a fresh Trainer stepping itself), with minibatches, and through a divergence."""

from __future__ import annotations

import numpy as np
import pytest

from data.toy2d import make_dataset
from models.mlp_replay import MAX_RECORDED_FLOATS, record, recordable, replay_to
from models.mlp_training import Trainer, TrainingConfig


def trainer(**config) -> Trainer:
    data = make_dataset("moons", 60, 0.1, 3)
    return Trainer(TrainingConfig(**config), data.X[:45], data.y[:45], data.X[45:], data.y[45:])


@pytest.mark.parametrize(
    "config",
    [
        {"hidden": (8,), "steps": 30, "batch_size": 8},
        {"hidden": (4, 4), "steps": 20, "activation": "tanh"},
    ],
)
def test_a_replay_is_the_run_trained_alone_at_every_step(config):
    recording = record(trainer(**config))
    alone, replayed = trainer(**config), trainer(**config)
    for step in range(1, config["steps"] + 1):
        alone.step(1)
        replay_to(replayed, recording, step)
        assert replayed.history == alone.history
        assert replayed.model.get_weights() == alone.model.get_weights()
    assert replayed.finished and alone.history[-1] is not None
    replay_to(replayed, recording, 3)  # back to an earlier step: the weights of step 3
    assert len(replayed.history) == 3 and not replayed.finished


def test_a_diverging_run_replays_its_divergence():
    recording = record(trainer(hidden=(8,), steps=40, learning_rate=1e6, schedule="constant"))
    assert recording.divergence is not None
    alone = trainer(hidden=(8,), steps=40, learning_rate=1e6, schedule="constant")
    alone.step(40)
    replayed = trainer(hidden=(8,), steps=40, learning_rate=1e6, schedule="constant")
    replay_to(replayed, recording, 10**6)
    assert replayed.divergence == alone.divergence and replayed.finished
    assert replayed.history == alone.history


def test_a_recording_is_read_only_and_bounded():
    recording = record(trainer(hidden=(4,), steps=5))
    with pytest.raises(ValueError):
        recording.weights[0, 0] = 1.0
    assert recording.weights.shape == (6, recording.weights.shape[1])
    assert np.isfinite(recording.weights).all()
    big = trainer(hidden=(32, 32, 32, 32), steps=5000)
    assert (5001 * big.model.num_parameters() > MAX_RECORDED_FLOATS) and not recordable(big)
    used = trainer(hidden=(4,), steps=5)
    used.step(1)
    with pytest.raises(ValueError):
        record(used)
