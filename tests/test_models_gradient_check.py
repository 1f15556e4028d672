"""models/gradient_check.py: the engine's gradients beside finite differences and torch,
against hand-worked derivatives and the lecture's neuron."""

from __future__ import annotations

import math

import pytest

from engine.expr import parse
from models.gradient_check import gradient_check
from models.neuron import LECTURE_NEURON, neuron_formula


def backpropagated(expression, values):
    root, leaves = expression.build(values)
    root.backward()
    return leaves


def test_gradient_check_against_hand_worked_derivatives():
    # y = a^3 b: dy/da = 3a^2 b = -36, dy/db = a^3 = 8 at a = 2, b = -3.
    expression, values = parse("y = a*a*a*b"), {"a": 2.0, "b": -3.0}
    check = gradient_check(expression, values, backpropagated(expression, values), 1e-4)
    rows = {row["leaf"]: row for row in check.table.to_dict("records")}
    assert rows["a"]["engine grad"] == -36.0 and rows["b"]["engine grad"] == 8.0
    assert rows["a"]["torch grad"] == -36.0 and rows["b"]["torch grad"] == 8.0
    # Central difference: error h^2/6 * d3y/da3 = h^2 b = -3e-8 for a; none for linear b.
    assert rows["a"]["finite difference"] == pytest.approx(-36.0 - 3e-8, abs=1e-9)
    assert rows["b"]["finite difference"] == pytest.approx(8.0, abs=1e-9)
    assert check.largest_fd_difference == pytest.approx(3e-8, rel=1e-2)
    assert check.largest_torch_difference == 0.0
    assert check.notes == []


def test_gradient_check_reports_a_finite_difference_that_cannot_be_computed():
    # log(a) at a = 0.05 with h = 0.1: log(a - h) does not exist.
    expression, values = parse("log(a)"), {"a": 0.05}
    leaves = backpropagated(expression, values)
    check = gradient_check(expression, values, leaves, 0.1)
    assert math.isnan(check.table["finite difference"][0])
    assert check.table["torch grad"][0] == pytest.approx(20.0)  # 1/a
    assert any("finite difference for a" in note for note in check.notes)
    assert leaves["a"].data == 0.05  # put back exactly


def test_the_lectures_neuron_checks_out():
    # The lecture's gradients after o.backward(): x1 -1.5, w1 1, x2 0.5, w2 0, b 0.5.
    expression, values = parse(neuron_formula("tanh")), dict(LECTURE_NEURON)
    check = gradient_check(expression, values, backpropagated(expression, values), 1e-6)
    grads = dict(zip(check.table["leaf"], check.table["engine grad"], strict=True))
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5})
    assert check.largest_torch_difference < 1e-12
    assert check.largest_fd_difference < 1e-8


def test_a_formula_without_variables_gives_an_empty_table():
    expression = parse("y = 2 * 3")
    check = gradient_check(expression, {}, backpropagated(expression, {}), 1e-6)
    assert check.table.empty and list(check.table.columns)[0] == "leaf"
    assert math.isnan(check.largest_fd_difference) and math.isnan(check.largest_torch_difference)
