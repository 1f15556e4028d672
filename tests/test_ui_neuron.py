"""The Neuron page's helpers that need no browser: the variable link format, the h labels and the
derivative panel's chart. The gradient check, the step-through and the difference table are
tested in test_models_gradient_check.py, test_models_backprop_walk.py and
test_models_neuron.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.neuron import h_label
from tests.apptest_helpers import shown
from ui.neuron.panels import derivative_chart
from ui.neuron.problem import decode_values, encode_values
from ui.neuron.settings import VARIABLE_LIMIT

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
    assert len(problems) == 1 and shown(problems[0]).startswith(problem)


def test_h_labels():
    assert [h_label(h) for h in (1e-1, 1e-8, 1e-12)] == ["1e-1", "1e-8", "1e-12"]


def test_derivative_chart_draws_the_tangent_of_slope_six_x_minus_four():
    spec = derivative_chart(3.0).to_dict()
    datasets = list(spec["datasets"].values())
    tangent = next(rows for rows in datasets if len(rows) == 2)
    (x0, y0), (x1, y1) = [(row["x"], row["f(x)"]) for row in tangent]
    assert (y1 - y0) / (x1 - x0) == pytest.approx(14.0)  # lecture: slope 14 at x = 3
    point = next(rows for rows in datasets if len(rows) == 1)[0]
    assert (point["x"], point["f(x)"]) == (3.0, 20.0)
