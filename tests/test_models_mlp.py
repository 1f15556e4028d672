"""models.mlp against the micrograd package and the figures its demo notebook printed.

micrograd draws its weights from Python's global random generator, so building the reference
needs `random.seed(1337)`. That is done only to drive the reference, with the global state
saved and restored around it; our MLP draws from its own random.Random(seed).
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import pytest
from sklearn.datasets import make_moons

from engine import Value
from models.mlp import MLP, Layer, Neuron, demo_learning_rate, demo_loss, demo_train_step

# Printed by micrograd's demo notebook (make_moons, MLP(2, [16, 16, 1]), seeds 1337).
PUBLISHED_LOSSES = {0: 0.8958441028683222, 1: 1.7235905336972022, 99: 0.010978370135492717}


@contextmanager
def global_seed(seed):
    """Seed the global generator for the reference package only, then put it back."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def micrograd_mlp(nin, nouts, seed=1337):
    from micrograd.nn import MLP as MicrogradMLP

    with global_seed(seed):
        return MicrogradMLP(nin, nouts)


def moons(n=100):
    X, y = make_moons(n_samples=n, noise=0.1, random_state=1337)
    return X.tolist(), (y * 2 - 1).tolist()


def micrograd_demo_loss(model, X, y, alpha=1e-4):
    """The notebook's loss, written with the micrograd package."""
    from micrograd.engine import Value as MicrogradValue

    inputs = [list(map(MicrogradValue, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def test_initial_weights_are_micrograds_after_seeding_1337():
    ours = MLP(2, [16, 16, 1], activation="relu", seed=1337)
    reference = micrograd_mlp(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in reference.parameters()]
    assert ours.num_parameters() == len(reference.parameters()) == 337


def test_our_mlp_leaves_the_global_random_state_alone():
    state = random.getstate()
    MLP(2, [16, 16, 1], seed=1337)
    assert random.getstate() == state


def test_forward_pass_matches_micrograd_bit_for_bit():
    X, _ = moons(20)
    ours = MLP(2, [16, 16, 1], seed=1337)
    reference = micrograd_mlp(2, [16, 16, 1])
    from micrograd.engine import Value as MicrogradValue

    for row in X:
        assert ours(row).data == reference([MicrogradValue(x) for x in row]).data


def test_demo_loss_and_gradients_match_micrograd():
    X, y = moons(25)
    ours = MLP(2, [16, 16, 1], seed=1337)
    reference = micrograd_mlp(2, [16, 16, 1])
    loss, _ = demo_loss(ours, X, y)
    loss.backward()
    ref_loss = micrograd_demo_loss(reference, X, y)
    ref_loss.backward()
    assert loss.data == pytest.approx(ref_loss.data, rel=1e-13)
    # micrograd visits the graph in set order, so sums of gradients may round differently.
    for p, q in zip(ours.parameters(), reference.parameters(), strict=True):
        assert p.grad == pytest.approx(q.grad, rel=1e-10, abs=1e-13)


def test_training_reproduces_the_published_demo_losses():
    X, y = moons()
    model = MLP(2, [16, 16, 1], seed=1337)
    losses, accuracy = {}, None
    for step in range(100):
        losses[step], accuracy = demo_train_step(model, X, y, step)
    for step, published in PUBLISHED_LOSSES.items():
        assert losses[step] == pytest.approx(published, abs=1e-9), step
    assert accuracy == 1.0  # the notebook ends at 100% accuracy


def test_learning_rate_schedule_is_the_notebooks():
    assert [demo_learning_rate(k) for k in (0, 50, 99)] == [1.0, 1.0 - 0.45, 1.0 - 0.9 * 99 / 100]


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_fused_and_expanded_forward_give_identical_numbers(activation):
    model = MLP(3, [4, 4, 1], activation=activation, seed=7)
    rng = random.Random(3)
    rows = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(5)]
    results = []
    for expanded in (False, True):
        model.zero_grad()
        outputs = [model(row, expanded=expanded) for row in rows]
        total = sum(outputs[1:], outputs[0]).tanh()
        total.backward()
        results.append(([o.data for o in outputs], [p.grad for p in model.parameters()]))
    assert results[0] == results[1]


def test_a_value_fed_in_twice_still_gets_exact_gradients():
    model = MLP(2, [3, 1], seed=5)
    x = Value(0.7, "x")
    grads = []
    for expanded in (False, True):
        x.grad = 0.0
        model([x, x], expanded=expanded).backward()
        grads.append(x.grad)
    assert grads[0] == grads[1]


def test_forward_many_equals_calling_row_by_row():
    model = MLP(2, [5, 3], activation="tanh", seed=2)
    rows = [[0.1, -0.4], [1.5, 2.0], [Value(0.3), -1.0]]
    many = model.forward_many(rows)
    one_by_one = [model(row) for row in rows]
    assert [[v.data for v in out] for out in many] == [[v.data for v in o] for o in one_by_one]
    assert all(len(out) == 3 for out in many)  # a list when the last layer has 3 neurons


def test_structure_and_parameter_order():
    model = MLP(2, [3, 1], seed=0)
    first = model.layers[0].neurons[0]
    assert model.parameters()[:3] == [*first.w, first.b]
    assert model.parameters()[-1] is model.layers[1].neurons[0].b
    assert [len(layer.neurons) for layer in model.layers] == [3, 1]
    assert model.layers[-1].neurons[0].activation == "linear"
    assert model.layers[0].neurons[0].activation == "relu"
    assert all(p.data == 0.0 for p in model.parameters() if p.label.endswith(".b"))
    assert first.w[0].label == "L1.n1.w1"
    assert repr(model) == "MLP(2 inputs -> [3 relu, 1 linear], 13 parameters)"
    model([1.0, 2.0]).backward()
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_neuron_and_layer_on_their_own():
    neuron = Neuron(2, "tanh", seed=1)
    out = neuron([1.0, -1.0])
    assert out.op == "tanh" and out.children[0].op == "dot"
    layer = Layer(2, 3, "relu", seed=1)
    assert len(layer([0.5, 0.5])) == 3
    assert isinstance(Layer(2, 1, seed=1)([0.5, 0.5]), Value)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: MLP(0, [1]), ValueError, "number of inputs"),
        (lambda: MLP(2, []), ValueError, "non-empty list"),
        (lambda: MLP(2, [4, 0]), ValueError, "layer size"),
        (lambda: MLP(2, [1], activation="sigmoid"), ValueError, "activation must be one of"),
        (lambda: MLP(2, [1], seed="a"), TypeError, "seed"),
        (lambda: MLP(2, [1])([1.0]), ValueError, "must have 2 numbers"),
        (lambda: MLP(2, [1])("ab"), TypeError, "list of 2 numbers"),
        (lambda: MLP(2, [1])([1.0, "x"]), TypeError, "must be a number"),
        (lambda: demo_loss(MLP(2, [2]), [[1.0, 2.0]], [1]), ValueError, "single output"),
        (lambda: demo_loss(MLP(2, [1]), [[1.0, 2.0]], [1, 1]), ValueError, "1 samples but y"),
    ],
)
def test_bad_configuration_and_input_are_reported(build, error, message):
    with pytest.raises(error, match=message):
        build()
