"""Fused vsum/dot against the binary form, bit for bit.

The binary form is written here the way micrograd's neuron writes it,
`sum((w*x for w, x in zip(ws, xs)), b)`, with Python's own sum() over Values, so the reference
does not come from engine.ops. Every comparison of values and gradients uses ==.
"""

from __future__ import annotations

import random

import pytest

from engine import Value, dot, dot_expanded, vsum, vsum_expanded


def binary_dot(weights, inputs, bias):
    products = (w * x for w, x in zip(weights, inputs, strict=True))
    if bias is None:
        return sum(products)
    return sum(products, bias)


def finish(node, extra):
    """Use the result non-linearly, so the upstream gradient is not a round number."""
    return (node * extra).tanh() + node * node * 0.37


def leaves_grads(leaves):
    return [leaf.grad for leaf in leaves]


def make_case(seed, n, layout):
    """Leaves and the (weights, inputs, bias) built from them, in one of several layouts."""
    rng = random.Random(seed)
    fresh = [Value(rng.uniform(-2, 2), f"v{i}") for i in range(2 * n + 2)]
    ws, xs, b, extra = fresh[:n], fresh[n : 2 * n], fresh[2 * n], fresh[2 * n + 1]
    if layout == "distinct":
        return fresh, ws, xs, b, extra
    if layout == "no bias":
        return fresh, ws, xs, None, extra
    if layout == "number bias":
        return fresh, ws, xs, rng.uniform(-1, 1), extra
    if layout == "repeated input":  # the same Value fed to every input
        return fresh, ws, [xs[0]] * n, b, extra
    if layout == "weights are inputs":  # a sum of squares
        return fresh, ws, ws, b, extra
    if layout == "bias is a weight":
        return fresh, ws, xs, ws[-1], extra
    if layout == "numbers among values":
        ws2 = [w if i % 2 else rng.uniform(-1, 1) for i, w in enumerate(ws)]
        return fresh, ws2, xs, b, extra
    if layout == "shuffled sharing":
        pool = ws[:2] + xs[:2]
        return fresh, [rng.choice(pool) for _ in ws], [rng.choice(pool) for _ in xs], b, extra
    raise AssertionError(layout)


LAYOUTS = [
    "distinct",
    "no bias",
    "number bias",
    "repeated input",
    "weights are inputs",
    "bias is a weight",
    "numbers among values",
    "shuffled sharing",
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("n", [1, 2, 3, 16])
@pytest.mark.parametrize("seed", [0, 1])
def test_dot_equals_the_binary_form_exactly(layout, n, seed):
    leaves, ws, xs, b, extra = make_case(seed, n, layout)
    reference = finish(binary_dot(ws, xs, b), extra)
    reference.backward()
    expected = leaves_grads(leaves)
    expected_data = reference.data

    for build in (dot, dot_expanded):
        for leaf in leaves:
            leaf.grad = 0.0
        out = finish(build(ws, xs, b), extra)
        out.backward()
        assert out.data == expected_data, build.__name__
        assert leaves_grads(leaves) == expected, build.__name__


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("sharing", [False, True])
def test_vsum_equals_the_binary_form_exactly(seed, sharing):
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-3, 3)) for _ in range(9)]
    items = [rng.choice(leaves[:3]) for _ in range(12)] if sharing else list(leaves)
    items.insert(3, 0.625)  # a plain number among the Values
    extra = leaves[-1]
    reference = finish(sum(items), extra)
    reference.backward()
    expected = leaves_grads(leaves)
    for build in (vsum, vsum_expanded):
        for leaf in leaves:
            leaf.grad = 0.0
        out = finish(build(items), extra)
        out.backward()
        assert out.data == reference.data
        assert leaves_grads(leaves) == expected


def test_dot_is_one_node_with_children_in_reading_order():
    w1, w2, x1, x2, b = (
        Value(v, name)
        for v, name in [(2.0, "w1"), (-1.0, "w2"), (0.5, "x1"), (4.0, "x2"), (0.25, "b")]
    )
    node = dot([w1, w2], [x1, x2], b)
    assert node.op == "dot"
    assert node.data == 0.25 + 2.0 * 0.5 + -1.0 * 4.0
    assert node.children == (w1, w2, b, x1, x2)
    assert node.local_grads == (0.5, 4.0, 1.0, 2.0, -1.0)


def test_dot_with_a_repeated_value_orders_children_like_the_binary_backward_pass():
    w1, w2, x, b = Value(2.0), Value(3.0), Value(5.0), Value(1.0)
    node = dot([w1, w2], [x, x], b)
    # The binary form passes gradients to w2, x (second product), then b, then w1, x.
    assert node.children == (w2, x, b, w1, x)
    assert node.local_grads == (5.0, 3.0, 1.0, 5.0, 2.0)


def test_vsum_and_dot_fold_numbers_into_constants():
    a = Value(1.5)
    s = vsum([a, 2, 0.5])
    assert s.data == 4.0 and s.children == (a,)
    only_numbers = vsum([1, 2])
    assert only_numbers.data == 3.0 and only_numbers.children == ()
    d = dot([2.0, a], [3.0, 4.0], 1.0)
    assert d.data == 1.0 + 6.0 + 6.0 and d.children == (a,) and d.local_grads == (4.0,)


def test_dot_expanded_labels_a_small_neuron_like_the_lecture():
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = dot_expanded([w1, w2], [x1, x2], b)
    assert n.label == "b + w1*x1 + w2*x2"
    assert n.op == "+"
    left, right = n.children
    assert (left.label, right.label) == ("b + w1*x1", "w2*x2")
    assert left.children[1].label == "w1*x1" and left.children[1].children == (w1, x1)


def test_dot_with_only_a_bias():
    b = Value(0.5)
    node = dot([], [], b)
    node.backward()
    assert node.data == 0.5 and b.grad == 1.0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: dot([Value(1.0)], [], None), ValueError, "as many weights as inputs"),
        (lambda: dot([], []), ValueError, "at least one"),
        (lambda: dot(["a"], [Value(1.0)]), TypeError, "weight 0 of dot"),
        (lambda: dot([Value(1.0)], [None]), TypeError, "input 0 of dot"),
        (lambda: dot([Value(1.0)], [Value(1.0)], "b"), TypeError, "bias"),
        (lambda: dot([1.0], [float("nan")]), ValueError, "finite"),
        (lambda: vsum([]), ValueError, "at least one"),
        (lambda: vsum([Value(1.0), "x"]), TypeError, "item 1 of vsum"),
    ],
)
def test_fused_ops_reject_bad_input_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
