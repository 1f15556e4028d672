"""models/mlp_replay: a recorded run replayed step by step equals the run trained alone (the
reference: a fresh Trainer stepping itself), with minibatches, and through a divergence."""

from __future__ import annotations

import numpy as np
import pytest

from data.toy2d import make_dataset
from models.mlp_replay import MAX_RECORDED_FLOATS, Recording, record, recordable, replay_to
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
        recording.weights_at(0)[0] = 1.0
    assert recording.steps == 5 and recording.finished and not recording.cut_short
    assert all(np.isfinite(recording.weights_at(k)).all() for k in range(6))
    big = trainer(hidden=(32, 32, 32, 32), steps=5000)
    assert (5001 * big.model.num_parameters() > MAX_RECORDED_FLOATS) and not recordable(big)
    used = trainer(hidden=(4,), steps=5)
    used.step(1)
    with pytest.raises(ValueError):
        record(used)


def test_a_recording_followed_while_it_grows_shows_the_run_trained_alone():
    """One thread records; a reader replays whatever has been recorded, again and again,
    while it grows: every step it lands on is the run trained alone at that step."""
    import threading

    config = {"hidden": (8,), "steps": 60, "batch_size": 8}
    alone = trainer(**config)
    weights_alone = [alone.model.get_weights()]
    while not alone.finished:
        alone.step(1)
        weights_alone.append(alone.model.get_weights())
    recording = Recording(60)
    writer = threading.Thread(target=record, args=(trainer(**config), recording))
    writer.start()
    reader, seen = trainer(**config), set()
    while not (recording.finished and reader.steps_done == recording.steps):
        replay_to(reader, recording, 10**6)
        seen.add(reader.steps_done)
        assert reader.model.get_weights() == weights_alone[reader.steps_done]
        assert reader.history == alone.history[: reader.steps_done]
    writer.join()
    assert reader.finished and reader.history == alone.history
    assert len(seen) > 1  # it was read part way, not only at the end


def test_a_recording_stops_at_its_budget_or_when_cancelled_and_says_so():
    cut = record(trainer(hidden=(8,), steps=500), budget=0.0)
    assert cut.finished and cut.cut_short and cut.steps == 0
    calls = []
    cancelled = record(
        trainer(hidden=(8,), steps=50), cancelled=lambda: len(calls) > 3 or calls.append(1)
    )
    assert cancelled.cut_short and cancelled.steps == 4
    replayed = trainer(hidden=(8,), steps=50)
    replay_to(replayed, cancelled, 50)
    assert replayed.steps_done == 4 and not replayed.finished  # short of its steps
