"""models/backprop_walk.py: the step-through of backpropagation against hand-worked chain-rule
steps and against torch's gradients."""

from __future__ import annotations

import pytest

from engine.expr import parse
from models.backprop_walk import chain_rule_lines, local_rule, walk_to
from models.reference import torch_gradients

LECTURE_FORMULA = "L = (a*b + c) * f"
LECTURE_VALUES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}


def fresh_graph(text, values):
    return parse(text).build(values)


def test_chain_rule_lines_for_the_lecture_expression():
    walk = walk_to(fresh_graph(LECTURE_FORMULA, LECTURE_VALUES), 1)
    lines = chain_rule_lines(walk)
    assert "`L` is the output" in lines[0]
    # dL/d(a*b + c) = f = -2 (local) times 1 (upstream); dL/df = a*b + c = 4.
    assert "- `a*b + c`: local -2 × upstream 1 = -2" in lines
    assert "- `f`: local 4 × upstream 1 = 4" in lines
    walk = walk_to(fresh_graph(LECTURE_FORMULA, LECTURE_VALUES), 2)
    # Latest made first: L, a*b + c, a*b, then the leaves.
    assert walk.steps[-1].node.label == "a*b + c"
    assert "- `c`: local 1 × upstream -2 = -2" in chain_rule_lines(walk)
    whole = walk_to(fresh_graph(LECTURE_FORMULA, LECTURE_VALUES), 99)
    assert whole.total == len(whole.steps) == 7


def test_repeated_variable_accumulates_in_the_lines():
    lines = chain_rule_lines(walk_to(fresh_graph("y = a*a", {"a": 3.0}), 1))
    # d(a*a)/da through each slot is a = 3: two contributions of 3, 6 in total.
    assert "- `a`: local 3 × upstream 1 = 3" in lines
    assert "- `a`: local 3 × upstream 1 = 3; added to the 3 it already had: grad = 6" in lines


def test_a_finished_walk_leaves_torchs_gradients():
    text, values = "y = tanh(a*b + c) * exp(a) / (b*b + 1)", {"a": 0.5, "b": -1.5, "c": 0.25}
    walk = walk_to(fresh_graph(text, values), 10_000)
    expected = torch_gradients(parse(text), values).grads
    assert {name: leaf.grad for name, leaf in walk.leaves.items()} == pytest.approx(
        expected, abs=1e-12
    )
    assert walk.reached() == walk.processed == set(walk.parents)


def test_a_walk_at_the_start_has_reached_nothing():
    walk = walk_to(fresh_graph(LECTURE_FORMULA, LECTURE_VALUES), -3)
    assert walk.steps == [] and walk.reached() == set()
    assert chain_rule_lines(walk) == []
    # The graph's parents: a*b feeds a*b + c only; L has none.
    labels = {node.label: [p.label for p in parents] for node, parents in walk.parents.items()}
    assert labels["a*b"] == ["a*b + c"] and labels["L"] == []


def test_a_leaf_step_says_it_has_nothing_to_pass_on():
    walk = walk_to(fresh_graph(LECTURE_FORMULA, LECTURE_VALUES), 4)  # L, a*b + c, a*b, then f
    assert walk.steps[-1].node.label == "f"
    assert chain_rule_lines(walk) == [
        "`f` is a leaf: its gradient 4 is complete, and there is nothing behind it to pass it to."
    ]


def test_labels_cannot_break_out_of_their_code_span():
    root, leaves = fresh_graph("y = a*b", {"a": 2.0, "b": 5.0})
    leaves["a"].label = "a`b"
    lines = chain_rule_lines(walk_to((root, leaves), 1))
    assert "- `a'b`: local 5 × upstream 1 = 5" in lines


@pytest.mark.parametrize(
    ("op", "expected"),
    [("*", "d(a*b)/da = b"), ("**3", "d(a**3)/da = 3 * a**(3 - 1)"), ("nonsense", "")],
)
def test_local_rules(op, expected):
    assert local_rule(op).startswith(expected)
