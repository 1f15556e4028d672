"""models.mlp_training and models.mlp_torch against independent references: the figures
micrograd's demo notebook printed, the micrograd package, hand-worked losses, torch autograd,
finite differences and fresh models built from the same seed."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import make_moons

from engine import numeric_grad
from engine.graph import topological_order
from models.mlp import MLP, demo_learning_rate
from models.mlp_torch import compare_with_torch, train_in_torch
from models.mlp_training import (
    MAX_GRAPH_NODES,
    Trainer,
    TrainingConfig,
    batch_schedule,
    count_parameters,
    learning_rate_at,
    objective,
    point_loss_graph,
    predict_array,
)

# Printed by micrograd's demo notebook (make_moons(100, noise=0.1), MLP(2, [16, 16, 1]), 1337).
PUBLISHED_LOSSES = {0: 0.8958441028683222, 1: 1.7235905336972022, 99: 0.010978370135492717}
DEMO = TrainingConfig(
    hidden=(16, 16),
    activation="relu",
    loss="max_margin",
    l2=1e-4,
    learning_rate=1.0,
    schedule="linear",
    batch_size=None,
    steps=100,
    seed=1337,
)


def moons(n=100, seed=1337):
    X, y = make_moons(n_samples=n, noise=0.1, random_state=seed)
    return [tuple(row) for row in X.tolist()], [int(v) * 2 - 1 for v in y]


def small_net(weights, sizes=(1,), nin=2, activation="relu"):
    model = MLP(nin, list(sizes), activation, seed=0)
    model.set_weights(weights)
    return model


# ---- micrograd's demo --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_run():
    X, y = moons()
    trainer = Trainer(DEMO, X, y)
    trainer.step(100)
    return trainer


def test_the_demo_reproduces_the_notebooks_printed_losses_and_accuracy(demo_run):
    assert demo_run.steps_done == 100 and demo_run.finished and demo_run.divergence is None
    for step, published in PUBLISHED_LOSSES.items():
        assert demo_run.history[step].loss == pytest.approx(published, abs=1e-9), step
    assert demo_run.history[99].train_accuracy == 1.0  # the notebook: "accuracy 100.0%"
    assert all(r.test_loss is None and r.test_accuracy is None for r in demo_run.history)


def test_the_demo_matches_the_micrograd_package_step_by_step():
    """micrograd itself (slow: about 0.3 s a step on 30 points), three steps of the demo loop."""
    from micrograd.engine import Value as MicrogradValue
    from micrograd.nn import MLP as MicrogradMLP

    X, y = moons(30)
    state = random.getstate()
    random.seed(1337)  # the reference draws its weights from the global generator
    try:
        reference = MicrogradMLP(2, [16, 16, 1])
    finally:
        random.setstate(state)
    expected = []
    for k in range(3):
        scores = [reference(list(map(MicrogradValue, row))) for row in X]
        margins = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        total = sum(margins) * (1.0 / len(margins))
        total = total + 1e-4 * sum(p * p for p in reference.parameters())
        reference.zero_grad()
        total.backward()
        for p in reference.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        expected.append(total.data)
    trainer = Trainer(DEMO, X, y)
    trainer.step(3)
    assert [r.loss for r in trainer.history] == pytest.approx(expected, rel=1e-12)


def test_the_linear_schedule_at_rate_1_is_the_notebooks_exactly():
    assert [learning_rate_at(DEMO, k) for k in range(100)] == [
        demo_learning_rate(k) for k in range(100)
    ]
    half = TrainingConfig(learning_rate=0.5, steps=10)
    assert learning_rate_at(half, 5) == pytest.approx(0.5 * 0.55)
    constant = TrainingConfig(learning_rate=0.3, schedule="constant")
    assert {learning_rate_at(constant, k) for k in range(100)} == {0.3}


def test_parameter_count_is_the_hand_count():
    # 2-16-16-1: 16 neurons with 2 weights + bias, 16 with 16 + bias, 1 with 16 + bias.
    assert count_parameters(2, DEMO) == 16 * 3 + 16 * 17 + 17 == 337
    assert count_parameters(3, TrainingConfig(hidden=())) == 4  # a single linear neuron
    for hidden in [(), (1,), (5, 7), (32, 32, 32, 32)]:
        config = TrainingConfig(hidden=hidden)
        assert count_parameters(2, config) == MLP(2, config.layer_sizes).num_parameters()


# ---- the losses on a worked example -----------------------------------------------------------

# One linear neuron: score = 0.25 + 0.5*x1 - 1.0*x2.
#   point (1, 2),  label +1: score = 0.25 + 0.5 - 2.0 = -1.25
#   point (-1, 0), label -1: score = 0.25 - 0.5 + 0.0 = -0.25
WORKED_WEIGHTS = [0.5, -1.0, 0.25]
WORKED_X = [(1.0, 2.0), (-1.0, 0.0)]
WORKED_Y = [1, -1]
SUM_OF_SQUARES = 0.25 + 1.0 + 0.0625


def bce_by_hand(score, label):
    p = 1 / (1 + math.exp(-score))  # sigmoid, the probability of class +1
    t = (label + 1) / 2
    return -(t * math.log(p) + (1 - t) * math.log(1 - p))


@pytest.mark.parametrize(
    ("loss", "expected_data_loss"),
    [
        # relu(1 - y*score): relu(1 + 1.25) = 2.25 and relu(1 - 0.25) = 0.75.
        ("max_margin", (2.25 + 0.75) / 2),
        # (score - y)**2: (-2.25)**2 = 5.0625 and (0.75)**2 = 0.5625.
        ("mse", (5.0625 + 0.5625) / 2),
        ("bce", (bce_by_hand(-1.25, 1) + bce_by_hand(-0.25, -1)) / 2),
    ],
)
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_each_loss_on_a_worked_example(loss, expected_data_loss, l2):
    model = small_net(WORKED_WEIGHTS)
    total, scores = objective(model, WORKED_X, WORKED_Y, loss, l2)
    assert [s.data for s in scores] == [-1.25, -0.25]
    assert total.data == pytest.approx(expected_data_loss + l2 * SUM_OF_SQUARES, rel=1e-14)


def torch_reference(weights, sizes, activation, X, y, loss, l2):
    """The objective and its gradient with torch autograd, written independently."""
    flat = torch.tensor(weights, dtype=torch.float64, requires_grad=True)
    hidden, position = torch.tensor(X, dtype=torch.float64), 0
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        block = flat[position : position + fan_out * (fan_in + 1)].reshape(fan_out, fan_in + 1)
        position += fan_out * (fan_in + 1)
        hidden = hidden @ block[:, :fan_in].T + block[:, fan_in]
        if i < len(sizes) - 2:
            hidden = torch.relu(hidden) if activation == "relu" else torch.tanh(hidden)
    scores, target = hidden[:, 0], torch.tensor(y, dtype=torch.float64)
    if loss == "max_margin":
        data_loss = torch.clamp(1 - target * scores, min=0).mean()
    elif loss == "mse":
        data_loss = F.mse_loss(scores, target)
    else:
        data_loss = F.binary_cross_entropy(torch.sigmoid(scores), (target + 1) / 2)
    total = data_loss + l2 * (flat * flat).sum()
    total.backward()
    return total.item(), flat.grad.tolist()


@pytest.mark.parametrize("loss", ["max_margin", "mse", "bce"])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_loss_and_gradients_match_torch_autograd(loss, activation):
    rng = random.Random(11)
    X = [(rng.uniform(-2, 2), rng.uniform(-2, 2)) for _ in range(12)]
    y = [rng.choice((-1, 1)) for _ in X]
    model = MLP(2, [5, 3, 1], activation, seed=4)
    total, _ = objective(model, X, y, loss, 0.01)
    model.zero_grad()
    total.backward()
    expected, grads = torch_reference(
        model.get_weights(), [2, 5, 3, 1], activation, X, y, loss, 0.01
    )
    assert total.data == pytest.approx(expected, rel=1e-12)
    assert [p.grad for p in model.parameters()] == pytest.approx(grads, rel=1e-9, abs=1e-12)


def test_cross_entropy_stays_finite_where_the_sigmoid_rounds_to_0_or_1():
    # Scores of +-800: sigmoid(-800) underflows to 0, so log(sigmoid) would be -inf.
    model = small_net([400.0, 0.0, 0.0])
    X, y = [(2.0, 0.0), (-2.0, 0.0), (2.0, 0.0)], [1, 1, -1]
    total, _ = objective(model, X, y, "bce", 0.0)
    model.zero_grad()
    total.backward()
    expected = F.binary_cross_entropy_with_logits(
        torch.tensor([800.0, -800.0, 800.0], dtype=torch.float64),
        torch.tensor([1.0, 1.0, 0.0], dtype=torch.float64),
    ).item()
    assert total.data == pytest.approx(expected, rel=1e-15) and math.isfinite(total.data)
    assert all(math.isfinite(p.grad) for p in model.parameters())


# ---- minibatches, reset, divergence ------------------------------------------------------------


def test_minibatches_are_reproducible_from_the_seed_and_differ_across_seeds():
    X, y = moons(60)
    config = TrainingConfig(hidden=(6,), batch_size=8, steps=15, seed=3)
    runs = []
    for seed in (3, 3, 4):
        trainer = Trainer(dataclasses.replace(config, seed=seed), X, y)
        trainer.step(15)
        runs.append([r.loss for r in trainer.history])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    batches = list(itertools.islice(batch_schedule(60, 8, 3), 50))
    assert all(len(set(b)) == 8 and all(0 <= i < 60 for i in b) for b in batches)
    assert len(set(batches)) > 45  # a new batch each step
    assert list(itertools.islice(batch_schedule(60, None, 3), 3)) == [None] * 3
    assert list(itertools.islice(batch_schedule(5, 8, 3), 2)) == [None] * 2  # batch >= data


def test_minibatch_records_measure_the_whole_training_set():
    X, y = moons(40)
    trainer = Trainer(TrainingConfig(hidden=(4,), batch_size=5, steps=3), X, y)
    before = MLP(2, [4, 1], seed=trainer.config.seed)
    trainer.step(1)
    full_loss, _ = objective(before, X, y, "max_margin", trainer.config.l2)
    record = trainer.history[0]
    assert record.train_loss == pytest.approx(full_loss.data, rel=1e-12)
    assert record.loss != record.train_loss  # the batch loss is of 5 points only


def test_test_metrics_are_the_objective_on_the_held_out_points():
    X, y = moons(50)
    train, test = (X[:40], y[:40]), (X[40:], y[40:])
    trainer = Trainer(TrainingConfig(hidden=(8,), loss="bce", steps=5), *train, *test)
    trainer.step(4)
    replay = MLP(2, [8, 1], seed=trainer.config.seed)
    replay.set_weights(trainer.initial_weights)
    for record in trainer.history:
        held_out, scores = objective(replay, *test, "bce", trainer.config.l2)
        hits = sum((s.data > 0) == (label > 0) for s, label in zip(scores, test[1], strict=True))
        assert record.test_loss == pytest.approx(held_out.data, rel=1e-12)
        assert record.test_accuracy == hits / len(test[1])
        train_loss, _ = objective(replay, *train, "bce", trainer.config.l2)
        replay.zero_grad()
        train_loss.backward()
        for p in replay.parameters():
            p.data -= record.learning_rate * p.grad


def test_reset_restores_the_initial_weights_and_replays_the_same_run():
    X, y = moons(40)
    config = TrainingConfig(hidden=(5, 5), activation="tanh", batch_size=7, steps=20, seed=9)
    trainer = Trainer(config, X, y)
    fresh = MLP(2, [5, 5, 1], "tanh", seed=9).get_weights()
    assert trainer.model.get_weights() == fresh
    trainer.step(12)
    first = list(trainer.history)
    assert trainer.model.get_weights() != fresh
    trainer.reset()
    assert trainer.model.get_weights() == fresh
    assert trainer.history == [] and trainer.steps_done == 0 and not trainer.finished
    trainer.step(12)
    assert trainer.history == first


def test_a_huge_learning_rate_stops_with_the_step_and_a_hint_and_never_raises():
    X, y = moons()
    trainer = Trainer(TrainingConfig(learning_rate=1e6), X, y)
    assert trainer.step(100) < 100
    divergence = trainer.divergence
    assert divergence is not None and trainer.finished
    last = trainer.history[-1]
    assert divergence.step == last.step and not math.isfinite(last.loss)
    assert f"step {divergence.step}" in divergence.message
    assert "Lower the learning rate" in divergence.message and "1e+06" in divergence.message
    assert trainer.step(5) == 0  # stays stopped


def test_an_overflow_inside_the_engine_is_a_divergence_too():
    """Squared error raises OverflowError in the engine (x ** 2 of 1e200): still no exception."""
    X, y = moons()
    trainer = Trainer(TrainingConfig(loss="mse", learning_rate=1e6), X, y)
    trainer.step(100)
    assert trainer.divergence is not None
    assert "Lower the learning rate" in trainer.divergence.message


def test_run_for_trains_until_the_budget_is_spent():
    X, y = moons(20)
    trainer = Trainer(TrainingConfig(hidden=(3,), steps=50), X, y)
    ticks = itertools.count()  # a fake clock: every reading is one second later
    assert trainer.run_for(4.5, clock=lambda: float(next(ticks))) == 5
    assert trainer.run_for(0.0) == 1  # at least one step
    assert trainer.run_for(1e9, max_steps=7) == 7
    assert trainer.run_for(1e9) == 37 and trainer.finished


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hidden": (4,) * 5}, "at most 4 hidden layers"),
        ({"hidden": (0,)}, "1 to 32 neurons"),
        ({"hidden": (33,)}, "1 to 32 neurons"),
        ({"activation": "sigmoid"}, "relu or tanh"),
        ({"loss": "hinge"}, "loss must be one of"),
        ({"learning_rate": 0.0}, "above 0"),
        ({"learning_rate": 2e6}, "at most 1e\\+06"),
        ({"learning_rate": float("nan")}, "learning rate"),
        ({"l2": -1.0}, "L2"),
        ({"batch_size": 0}, "batch size"),
        ({"steps": 0}, "steps"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_configurations_are_refused_with_a_message(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**changes)


def test_bad_data_is_refused_with_a_message():
    with pytest.raises(ValueError, match="-1 or \\+1"):
        Trainer(TrainingConfig(), [(0.0, 1.0)], [0])
    with pytest.raises(ValueError, match="no training points"):
        Trainer(TrainingConfig(), [], [])
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        Trainer(TrainingConfig(), [(0.0, 1.0), (1.0, 0.0)], [1])


# ---- the PyTorch check -------------------------------------------------------------------------


def test_torch_replays_the_demo_to_1e_12(demo_run):
    comparison = compare_with_torch(demo_run)
    assert comparison.steps == 100
    assert comparison.max_abs_difference < 1e-12
    assert comparison.torch_losses[99] == pytest.approx(PUBLISHED_LOSSES[99], abs=1e-9)


def test_torch_replays_minibatch_runs_of_every_loss():
    X, y = moons(50)
    for loss, activation in [("bce", "tanh"), ("mse", "relu"), ("max_margin", "tanh")]:
        config = TrainingConfig(
            hidden=(6, 4),
            activation=activation,
            loss=loss,
            l2=1e-3,
            learning_rate=0.05,
            schedule="constant",
            batch_size=9,
            steps=40,
            seed=2,
        )
        trainer = Trainer(config, X, y)
        trainer.step(40)
        comparison = compare_with_torch(trainer)
        assert comparison.steps == 40 and comparison.max_abs_difference < 1e-12, loss


def test_torch_run_stops_where_the_loss_stops_being_finite():
    X, y = moons()
    trainer = Trainer(TrainingConfig(learning_rate=1e6), X, y)
    trainer.step(100)
    losses = train_in_torch(trainer.config, X, y, trainer.initial_weights, 100)
    assert len(losses) < 100 and not math.isfinite(losses[-1])


# ---- looking inside ---------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_predict_equals_the_value_forward_bit_for_bit(activation):
    rng = random.Random(5)
    rows = [(rng.uniform(-3, 3), rng.uniform(-3, 3)) for _ in range(40)]
    model = MLP(2, [7, 5, 1], activation, seed=8)
    assert model.predict(rows) == [model(row).data for row in rows]
    wide = MLP(2, [4, 3], activation, seed=8)  # three outputs: a list per row
    assert wide.predict(rows) == [[v.data for v in wide(row)] for row in rows]
    with pytest.raises(ValueError, match="2 numbers"):
        model.predict([(1.0, 2.0, 3.0)])


def test_predict_array_agrees_with_predict():
    rng = np.random.default_rng(0)
    grid = rng.uniform(-3, 3, size=(500, 2))
    for activation in ("relu", "tanh"):
        model = MLP(2, [9, 9, 1], activation, seed=1)
        assert predict_array(model, grid) == pytest.approx(model.predict(grid.tolist()), abs=1e-12)


def test_weights_round_trip_and_refuse_the_wrong_count():
    model = MLP(2, [3, 1], seed=1)
    weights = [float(i) for i in range(model.num_parameters())]
    model.set_weights(weights)
    assert model.get_weights() == weights == [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="expected 13 weights"):
        model.set_weights([1.0])


def test_the_graph_of_one_points_loss_has_the_lectures_nodes_and_true_gradients():
    model = MLP(2, [2, 1], "tanh", seed=3)
    x, label = (0.7, -1.2), -1
    root = point_loss_graph(model, x, label, "max_margin")
    nodes = topological_order(root)
    # 2 inputs; per hidden neuron 2 weights, a bias, 2 products, 2 sums and tanh (8 each);
    # the output neuron 7 (no activation); the loss: y, y*score, the constant 1, 1 - ..., relu.
    assert len(nodes) == 2 + 2 * 8 + 7 + 5 == 30 <= MAX_GRAPH_NODES
    assert root.label == "loss" and root.data == max(0.0, 1 - label * model.predict([x])[0])
    assert all(p.grad == 0.0 for p in model.parameters())  # drawn on a copy
    # The weights in the drawing, in the model's order; finite differences on them (each
    # nudge recomputes the loss with plain floats) give the gradients independently.
    by_label = {n.label: n for n in nodes if not n.children and n.label.startswith("L")}
    drawn = [by_label[p.label] for p in model.parameters()]

    def loss_from_drawn_weights():
        copy = MLP(2, [2, 1], "tanh", seed=3)
        copy.set_weights([leaf.data for leaf in drawn])
        return max(0.0, 1 - label * copy.predict([x])[0])

    numeric = numeric_grad(loss_from_drawn_weights, drawn)
    assert [leaf.grad for leaf in drawn] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_large_networks_get_no_graph():
    assert point_loss_graph(MLP(2, [16, 16, 1], seed=1), (0.0, 0.0), 1, "bce") is None
    assert point_loss_graph(MLP(2, [4, 2, 1], seed=1), (0.0, 0.0), 1, "mse") is None  # 71 nodes
