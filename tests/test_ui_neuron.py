"""ui/neuron.py helpers that need no browser: the variable link format, the gradient check,
the step-through's chain-rule lines and the derivative panel's chart and table."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.expr import parse
from ui.neuron import (
    VARIABLE_LIMIT,
    Problem,
    chain_rule_lines,
    decode_values,
    derivative_chart,
    difference_table,
    encode_values,
    gradient_check,
    h_label,
    walk_to,
)

names = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
numbers = st.floats(-VARIABLE_LIMIT, VARIABLE_LIMIT, allow_nan=False)


@given(st.dictionaries(names, numbers, max_size=8))
def test_variable_values_round_trip_exactly(values):
    decoded, problems = decode_values(encode_values(values))
    assert problems == [] and decoded == values


def test_lecture_values_read_as_typed():
    assert encode_values({"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}) == "a=2,b=-3,c=10,f=-2"
    assert decode_values(" a = 2.5 , b=-1e-3 ,") == ({"a": 2.5, "b": -0.001}, [])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a=abc", "a: `abc` is not a number"),
        ("a=nan", "a: `nan` is not a number"),
        ("a=inf", "a: `inf` is not a number"),
        ("a=21", "a: 21 is outside"),
        ("a", "`a` is not name=number"),
        ("1a=2", "`1a=2` is not name=number"),
        ("__x=2", "`__x=2` is not name=number"),
        ("a=`[x](http://e)`", "a: `'[x](http://e)'` is not a number"),  # no backtick survives
    ],
)
def test_unreadable_variable_values_are_named_and_left_out(text, problem):
    values, problems = decode_values(f"{text},k=1")
    assert values == {"k": 1.0}
    assert problems == [problem] or problems[0].startswith(problem)


def test_h_labels():
    assert [h_label(h) for h in (1e-1, 1e-8, 1e-12)] == ["1e-1", "1e-8", "1e-12"]


def formula_problem(text, values):
    expression = parse(text)
    return Problem(expression, values, expression.build, expression.variables, None, "out")


def test_gradient_check_against_hand_worked_derivatives():
    # y = a^3 b: dy/da = 3a^2 b = -36, dy/db = a^3 = 8 at a = 2, b = -3.
    problem = formula_problem("y = a*a*a*b", {"a": 2.0, "b": -3.0})
    root, leaves = problem.graph()
    root.backward()
    check = gradient_check(problem, leaves, 1e-4)
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
    problem = formula_problem("log(a)", {"a": 0.05})
    root, leaves = problem.graph()
    root.backward()
    check = gradient_check(problem, leaves, 0.1)
    assert math.isnan(check.table["finite difference"][0])
    assert check.table["torch grad"][0] == pytest.approx(20.0)  # 1/a
    assert any("finite difference for a" in note for note in check.notes)
    assert leaves["a"].data == 0.05  # put back exactly


def test_chain_rule_lines_for_the_lecture_expression():
    problem = formula_problem("L = (a*b + c) * f", {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0})
    walk = walk_to(problem, 1)
    lines = chain_rule_lines(walk)
    assert "`L` is the output" in lines[0]
    # dL/d(a*b + c) = f = -2 (local) times 1 (upstream); dL/df = a*b + c = 4.
    assert "- `a*b + c`: local -2 × upstream 1 = -2" in lines
    assert "- `f`: local 4 × upstream 1 = 4" in lines
    walk = walk_to(problem, 2)  # latest made first: L, a*b + c, a*b, then the leaves
    assert walk.steps[-1].node.label == "a*b + c"
    assert "- `c`: local 1 × upstream -2 = -2" in chain_rule_lines(walk)
    assert walk_to(problem, 99).total == len(walk_to(problem, 99).steps) == 7


def test_repeated_variable_accumulates_in_the_lines():
    problem = formula_problem("y = a*a", {"a": 3.0})
    lines = chain_rule_lines(walk_to(problem, 1))
    # d(a*a)/da through each slot is a = 3: two contributions of 3, 6 in total.
    assert "- `a`: local 3 × upstream 1 = 3" in lines
    assert "- `a`: local 3 × upstream 1 = 3; added to the 3 it already had: grad = 6" in lines


def test_derivative_chart_draws_the_tangent_of_slope_six_x_minus_four():
    spec = derivative_chart(3.0).to_dict()
    datasets = list(spec["datasets"].values())
    tangent = next(rows for rows in datasets if len(rows) == 2)
    (x0, y0), (x1, y1) = [(row["x"], row["f(x)"]) for row in tangent]
    assert (y1 - y0) / (x1 - x0) == pytest.approx(14.0)  # lecture: slope 14 at x = 3
    point = next(rows for rows in datasets if len(rows) == 1)[0]
    assert (point["x"], point["f(x)"]) == (3.0, 20.0)


def test_difference_table_errors_follow_the_hand_worked_formulas():
    table = difference_table(3.0)
    coarse = table[table["h"] == "1e-1"].iloc[0]
    assert coarse["forward error"] == pytest.approx(0.3, rel=1e-9)  # 3h
    assert coarse["central error"] < 1e-12  # no h^2 term for a parabola
    tiny = table[table["h"] == "1e-12"].iloc[0]
    assert tiny["forward error"] > 1e-5  # rounding: ~1e-16 * f / h
