"""models/neuron.py: the lecture's neuron against the lecture's figures and torch; nudges;
the lecture's first function, its finite differences and their table against hand-worked
derivatives."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.expr import parse
from engine.graph import topological_order
from models.neuron import (
    ACTIVATIONS,
    H_CHOICES,
    LECTURE_NEURON,
    NEURON_LEAVES,
    NEURON_WEIGHTS,
    build_neuron,
    central_difference,
    difference_table,
    forward_difference,
    h_label,
    neuron_formula,
    nudge,
    parabola,
    parabola_slope,
)

LECTURE_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
TORCH_ACTIVATIONS = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "linear": lambda n: n,
}


def engine_neuron(values, activation="tanh", tanh_as_exp=False):
    output, leaves = build_neuron(values, activation, tanh_as_exp=tanh_as_exp)
    output.backward()
    return output.data, {name: leaf.grad for name, leaf in leaves.items()}


def torch_neuron(values, activation):
    """The neuron written directly in torch (float64), independent of the engine."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    n = t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"]
    output = TORCH_ACTIVATIONS[activation](n)
    output.backward()
    return output.item(), {k: tensor.grad.item() for k, tensor in t.items()}


@pytest.mark.parametrize("tanh_as_exp", [False, True])
def test_lecture_neuron_gives_the_lectures_figures(tanh_as_exp):
    output, grads = engine_neuron(LECTURE_NEURON, tanh_as_exp=tanh_as_exp)
    assert output == pytest.approx(0.7071, abs=5e-5)
    assert output == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    assert grads == pytest.approx(LECTURE_GRADS, abs=1e-14)


def test_graph_carries_the_lectures_labels():
    output, _ = build_neuron(LECTURE_NEURON)
    labels = {node.label for node in topological_order(output)}
    assert labels == {"x1", "w1", "x2", "w2", "b", "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n", "o"}
    assert output.op == "tanh"


def test_tanh_as_exponentials_has_the_lectures_extra_nodes():
    output, _ = build_neuron(LECTURE_NEURON, tanh_as_exp=True)
    labels = [node.label for node in topological_order(output)]
    assert {"n", "2*n", "e", "e - 1", "e + 1", "o"} <= set(labels)
    assert output.op == "/"
    e = next(node for node in topological_order(output) if node.label == "e")
    # e feeds two nodes (e - 1 and e + 1), so its gradient collects two contributions.
    assert sum(e in node.children for node in topological_order(output)) == 2


values_strategy = st.fixed_dictionaries(
    {name: st.floats(-3, 3, allow_nan=False) for name in NEURON_LEAVES}
)


@settings(max_examples=60, deadline=None)
@given(values=values_strategy, activation=st.sampled_from(ACTIVATIONS))
def test_every_activation_agrees_with_torch(values, activation):
    n = values["x1"] * values["w1"] + values["x2"] * values["w2"] + values["b"]
    if activation == "relu" and abs(n) < 1e-9:
        return  # at the kink both say 0, but rounding may put n on either side
    ours, ours_grads = engine_neuron(values, activation)
    theirs, their_grads = torch_neuron(values, activation)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    assert ours_grads == pytest.approx(their_grads, rel=1e-12, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(values=values_strategy)
def test_tanh_as_exponentials_agrees_with_tanh(values):
    ours, grads = engine_neuron(values, "tanh", tanh_as_exp=True)
    theirs, their_grads = torch_neuron(values, "tanh")
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert grads == pytest.approx(their_grads, abs=1e-10)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("tanh_as_exp", [False, True])
def test_formula_text_is_the_same_neuron(activation, tanh_as_exp):
    expression = parse(neuron_formula(activation, tanh_as_exp=tanh_as_exp))
    assert set(expression.variables) == set(NEURON_LEAVES)
    values = {"x1": 0.3, "w1": -1.2, "x2": 1.5, "w2": 0.4, "b": 0.1}
    output, _ = build_neuron(values, activation, tanh_as_exp=tanh_as_exp)
    assert expression.evaluate(values) == pytest.approx(output.data, abs=1e-15)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="activation"):
        build_neuron(LECTURE_NEURON, "softplus")
    with pytest.raises(ValueError, match="activation"):
        neuron_formula("softplus")


# ---- nudges ---------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", [1, -1])
def test_a_nudge_moves_the_output_the_way_asked_by_about_step_times_grad_squared(direction):
    output, grads = engine_neuron(LECTURE_NEURON)
    step = 0.01
    result = nudge(LECTURE_NEURON, grads, NEURON_WEIGHTS, step, direction=direction)
    # Hand-worked: w1, w2, b have gradients 1, 0, 0.5, so the predicted change is step * 1.25.
    assert result.predicted_change == pytest.approx(direction * step * 1.25, rel=1e-12)
    assert result.values["w1"] == pytest.approx(-3.0 + direction * step * 1.0)
    assert result.values["x1"] == LECTURE_NEURON["x1"]  # inputs are data: not moved
    after, _ = engine_neuron(result.values)
    change = after - output
    assert math.copysign(1, change) == direction
    # First order: the difference from the prediction is O(step^2).
    assert abs(change - result.predicted_change) < 10 * step**2


def test_a_nudge_stays_within_the_limits_and_says_which_were_cut():
    result = nudge(
        {"a": 9.9, "b": 0.0},
        {"a": 50.0, "b": 1.0},
        ["a", "b"],
        0.1,
        direction=1,
        limits=(-10.0, 10.0),
    )
    assert result.values == {"a": 10.0, "b": 0.1}
    assert result.clipped == ("a",)


@pytest.mark.parametrize(("step", "direction"), [(0.0, 1), (-0.1, 1), (math.nan, 1), (0.1, 0)])
def test_bad_nudges_are_refused(step, direction):
    with pytest.raises(ValueError):
        nudge({"a": 1.0}, {"a": 1.0}, ["a"], step, direction=direction)


# ---- the lecture's first function ---------------------------------------------------------


def test_parabola_at_the_lectures_points():
    assert parabola(3.0) == 20.0
    assert parabola_slope(3.0) == 14.0
    assert parabola_slope(2 / 3) == pytest.approx(0.0, abs=1e-15)


def test_forward_difference_is_off_by_three_h():
    # Hand-worked: (f(x+h) - f(x)) / h = 6x - 4 + 3h for f = 3x^2 - 4x + 5.
    for h in (0.1, 0.01, 0.0001):
        assert forward_difference(parabola, 3.0, h) == pytest.approx(14.0 + 3 * h, abs=1e-8)


def test_central_difference_is_exact_for_a_parabola_up_to_rounding():
    # For a quadratic the h^2 term vanishes: (f(x+h) - f(x-h)) / 2h = 6x - 4 exactly.
    for h in (0.5, 0.1, 1e-3):
        assert central_difference(parabola, 3.0, h) == pytest.approx(14.0, abs=1e-9)


def test_tiny_steps_lose_precision():
    # Below h ~ 1e-8 rounding error ~ 1e-16 * f / h dominates: the estimate gets worse.
    good = abs(forward_difference(parabola, 3.0, 1e-7) - 14.0)
    bad = abs(forward_difference(parabola, 3.0, 1e-13) - 14.0)
    assert bad > 100 * good


def test_difference_table_errors_follow_the_hand_worked_formulas():
    table = difference_table(3.0)
    coarse = table[table["h"] == "1e-1"].iloc[0]
    assert coarse["forward error"] == pytest.approx(0.3, rel=1e-9)  # 3h
    assert coarse["central error"] < 1e-12  # no h^2 term for a parabola
    tiny = table[table["h"] == "1e-12"].iloc[0]
    assert tiny["forward error"] > 1e-5  # rounding: ~1e-16 * f / h
    # One row per h, labelled as the h slider shows it.
    assert list(table["h"]) == [h_label(h) for h in H_CHOICES]
    assert table["h"].iloc[0] == "1e-1" and table["h"].iloc[-1] == "1e-12"
