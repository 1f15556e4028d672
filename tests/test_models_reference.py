"""models/reference.py: torch's gradients of a typed formula, against hand-worked derivatives."""

from __future__ import annotations

import math

import pytest

from engine.expr import parse
from models.reference import torch_gradients


def test_lecture_expression_gives_the_lectures_gradients():
    # Lecture 1: L = (a*b + c) * f with a=2, b=-3, c=10, f=-2 is -8; dL/da = b*f = 6,
    # dL/db = a*f = -4, dL/dc = f = -2, dL/df = a*b + c = 4.
    result = torch_gradients(parse("L = (a*b + c) * f"), {"a": 2, "b": -3, "c": 10, "f": -2})
    assert result.output == -8.0
    assert result.grads == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def test_lecture_neuron():
    values = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    result = torch_gradients(parse("o = tanh(x1*w1 + x2*w2 + b)"), values)
    assert result.output == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
    assert result.grads == pytest.approx(expected, abs=1e-14)


@pytest.mark.parametrize(
    ("formula", "values", "output", "grads"),
    [
        ("x*x + 3*x", {"x": 2.0}, 10.0, {"x": 7.0}),  # 2x + 3
        ("a + a", {"a": 5.0}, 10.0, {"a": 2.0}),  # one variable, two uses: contributions add
        ("log(x)", {"x": 4.0}, math.log(4.0), {"x": 0.25}),  # 1/x
        ("x**3", {"x": 2.0}, 8.0, {"x": 12.0}),  # 3x^2
        ("x**-0.5", {"x": 4.0}, 0.5, {"x": -1 / 16}),  # -0.5 x^-1.5
        ("a / b", {"a": 3.0, "b": 2.0}, 1.5, {"a": 0.5, "b": -0.75}),  # 1/b, -a/b^2
        ("sigmoid(x)", {"x": 0.0}, 0.5, {"x": 0.25}),  # s(1 - s)
        ("tanh(x)", {"x": 0.0}, 0.0, {"x": 1.0}),  # 1 - tanh^2
        ("relu(x)", {"x": -1.0}, 0.0, {"x": 0.0}),
        ("relu(x)", {"x": 2.0}, 2.0, {"x": 1.0}),
        ("exp(2*x)", {"x": 0.5}, math.e, {"x": 2 * math.e}),
        ("-x - 4", {"x": 1.0}, -5.0, {"x": -1.0}),
        ("x*0 + 1", {"x": 3.0}, 1.0, {"x": 0.0}),
    ],
)
def test_hand_worked_derivatives(formula, values, output, grads):
    result = torch_gradients(parse(formula), values)
    assert result.output == pytest.approx(output, rel=1e-15, abs=1e-15)
    assert result.grads == pytest.approx(grads, rel=1e-15, abs=1e-15)


def test_a_formula_without_variables_is_just_its_number():
    result = torch_gradients(parse("y = 2*3 - 1"), {})
    assert result.output == 5.0 and result.grads == {}


@pytest.mark.parametrize(
    ("formula", "values"),
    [("log(x)", {"x": -1.0}), ("1/x", {"x": 0.0}), ("x**0.5", {"x": -4.0})],
)
def test_results_that_are_not_numbers_are_refused(formula, values):
    with pytest.raises(ValueError, match="not a finite number"):
        torch_gradients(parse(formula), values)


def test_missing_values_are_named():
    with pytest.raises(ValueError, match="b"):
        torch_gradients(parse("a*b"), {"a": 1.0})
