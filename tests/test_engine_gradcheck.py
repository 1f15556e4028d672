"""engine.numeric_grad: central differences against derivatives worked by hand."""

from __future__ import annotations

import math

import pytest

from engine import Value, numeric_grad


def test_central_differences_match_hand_derivatives():
    a, b = Value(0.3), Value(-1.2)

    def f():
        return math.tanh(a.data * b.data) + math.exp(a.data)

    estimate = numeric_grad(f, [a, b], h=1e-5)
    sech2 = 1 - math.tanh(0.3 * -1.2) ** 2
    by_hand = [-1.2 * sech2 + math.exp(0.3), 0.3 * sech2]
    assert estimate == pytest.approx(by_hand, abs=1e-9)
    assert (a.data, b.data) == (0.3, -1.2)  # put back exactly


def test_agrees_with_backward_when_f_rebuilds_the_graph():
    a, b = Value(1.7), Value(0.4)

    def build():
        return (a * b + b**2).log() / (a + 3)

    out = build()
    out.backward()
    estimate = numeric_grad(lambda: build().data, [a, b])
    assert estimate == pytest.approx([a.grad, b.grad], rel=1e-7)


def test_the_error_shrinks_like_h_squared():
    x = Value(0.8)
    exact = math.cos(0.8)
    errors = [abs(numeric_grad(lambda: math.sin(x.data), [x], h)[0] - exact) for h in (1e-1, 1e-2)]
    assert 50 < errors[0] / errors[1] < 200


def test_leaf_data_is_restored_even_when_f_raises():
    a = Value(2.0)
    calls = []

    def f():
        calls.append(a.data)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return a.data

    with pytest.raises(RuntimeError, match="boom"):
        numeric_grad(f, [a])
    assert a.data == 2.0 and calls == [2.0 + 1e-6, 2.0 - 1e-6]


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((3.0, []), TypeError, "function"),
        ((lambda: 1.0, [1.0]), TypeError, "leaf 0 must be a Value"),
        ((lambda: 1.0, [Value(1.0)], 0.0), ValueError, "positive"),
        ((lambda: 1.0, [Value(1.0)], math.nan), ValueError, "positive"),
        ((lambda: "x", [Value(1.0)]), TypeError, "must return a number"),
    ],
)
def test_bad_arguments_are_reported(args, error, message):
    with pytest.raises(error, match=message):
        numeric_grad(*args)
