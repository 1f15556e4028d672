"""engine.Value against the lecture's printed figures, micrograd's README, torch and hand-worked
derivatives; backward() semantics; errors for what is not supported."""

from __future__ import annotations

import math
import random

import pytest
import torch

from engine import BackwardStep, Value, backward_steps, zero_grad
from engine.value import paused_gc

# ---- published figures ------------------------------------------------------------------------


def lecture_neuron_inputs():
    # The lecture's neuron, with the bias chosen so that the output is 1/sqrt(2).
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    return x1, x2, w1, w2, b


def assert_lecture_neuron_figures(o, x1, x2, w1, w2, b):
    # Figures printed in the lecture (4 decimals).
    assert o.data == pytest.approx(0.7071, abs=5e-5)
    assert x1.grad == pytest.approx(-1.5, abs=5e-5)
    assert w1.grad == pytest.approx(1.0, abs=5e-5)
    assert x2.grad == pytest.approx(0.5, abs=5e-5)
    assert w2.grad == pytest.approx(0.0, abs=5e-5)
    assert b.grad == pytest.approx(0.5, abs=5e-5)


def test_lecture_neuron_with_tanh():
    x1, x2, w1, w2, b = lecture_neuron_inputs()
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert_lecture_neuron_figures(o, x1, x2, w1, w2, b)


def test_lecture_neuron_with_tanh_spelled_out_in_exp():
    x1, x2, w1, w2, b = lecture_neuron_inputs()
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert_lecture_neuron_figures(o, x1, x2, w1, w2, b)


def micrograd_readme_expression(value_type):
    """The expression from micrograd's README, for any Value-like class."""
    a = value_type(-4.0)
    b = value_type(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def test_micrograd_readme_figures():
    a, b, g = micrograd_readme_expression(Value)
    g.backward()
    # Printed in micrograd's README.
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_micrograd_readme_against_the_micrograd_package():
    from micrograd.engine import Value as MicrogradValue

    a, b, g = micrograd_readme_expression(Value)
    g.backward()
    ma, mb, mg = micrograd_readme_expression(MicrogradValue)
    mg.backward()
    # micrograd divides as x * y**-1, we divide directly: equal up to rounding.
    assert g.data == pytest.approx(mg.data, rel=1e-12)
    assert a.grad == pytest.approx(ma.grad, rel=1e-12)
    assert b.grad == pytest.approx(mb.grad, rel=1e-12)


def test_lecture_expression_L_by_hand():
    # L = (a*b + c) * f from the lecture, derivatives worked by hand.
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    L = (a * b + c) * f
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)


# ---- each operation against torch in float64 ---------------------------------------------------

UNARY = {
    "exp": (Value.exp, torch.exp),
    "log": (Value.log, torch.log),
    "tanh": (Value.tanh, torch.tanh),
    "relu": (Value.relu, torch.relu),
    "sigmoid": (Value.sigmoid, torch.sigmoid),
    "neg": (lambda v: -v, lambda t: -t),
    "pow2": (lambda v: v**2, lambda t: t**2),
    "pow-1.5": (lambda v: v**-1.5, lambda t: t**-1.5),
    "pow0.5": (lambda v: v**0.5, lambda t: t**0.5),
    "pow3int": (lambda v: v**3, lambda t: t**3),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [0.3, 1.7, 4.2])
def test_unary_ops_match_torch(name, x):
    ours, theirs = UNARY[name]
    v = Value(x)
    out = ours(v)
    out.backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ref = theirs(t)
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12, abs=1e-15)
    assert v.grad == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("x", [-30.0, -1.0, 0.0, 2.5, 40.0, 800.0, -800.0])
def test_sigmoid_and_tanh_are_stable_far_from_zero(x):
    for ours, theirs in (UNARY["sigmoid"], UNARY["tanh"]):
        v = Value(x)
        out = ours(v)
        out.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        theirs(t).backward()
        assert out.data == pytest.approx(theirs(t.detach()).item(), rel=1e-12, abs=1e-300)
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-9, abs=1e-300)


BINARY = {
    "+": lambda p, q: p + q,
    "-": lambda p, q: p - q,
    "*": lambda p, q: p * q,
    "/": lambda p, q: p / q,
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("side", ["value-value", "value-number", "number-value"])
def test_binary_ops_with_numbers_on_either_side_match_torch(op, side):
    apply = BINARY[op]
    x, y = 1.25, -0.75
    vx, vy = Value(x), Value(y)
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    if side == "value-value":
        out, ref = apply(vx, vy), apply(tx, ty)
    elif side == "value-number":
        out, ref = apply(vx, y), apply(tx, y)
    else:
        out, ref = apply(x, vy), apply(x, ty)
    out.backward()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-15)
    for ours, theirs in ((vx, tx), (vy, ty)):
        expected = 0.0 if theirs.grad is None else theirs.grad.item()
        assert ours.grad == pytest.approx(expected, rel=1e-15)


def test_relu_gradient_at_zero_is_zero_like_torch():
    v = Value(0.0)
    v.relu().backward()
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward()
    assert v.grad == t.grad.item() == 0.0


def test_pow_edge_cases_by_hand():
    x = Value(-2.0)
    y = x**3  # a negative base with an integer power is fine
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)
    z = Value(5.0)
    one = z**0
    one.backward()
    assert (one.data, z.grad) == (1.0, 0.0)


# ---- graph bookkeeping ------------------------------------------------------------------------


def test_node_records_op_children_and_local_grads():
    a, b = Value(3.0, "a"), Value(-2.0, "b")
    c = a * b
    assert c.op == "*"
    assert c.children == (a, b)
    assert c.local_grads == (-2.0, 3.0)
    assert a.op == "" and a.children == () and a.label == "a"
    d = a + 5  # a number becomes a constant leaf labelled with itself
    constant = d.children[1]
    assert constant.children == () and constant.data == 5.0 and constant.label == "5"


def test_gradients_accumulate_for_reused_values():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    a2 = Value(3.0)
    (a2 * a2).backward()
    assert a2.grad == 6.0  # d(a^2)/da = 2a


def test_backward_twice_doubles_leaves_but_not_interior_nodes():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    d.backward()
    first = (a.grad, b.grad, c.grad, d.grad)
    d.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    # Interior nodes hold this pass's gradient only (micrograd would compound them).
    assert (c.grad, d.grad) == (first[2], first[3]) == (1.0, 1.0)


def test_backward_on_a_leaf_accumulates_one():
    a = Value(4.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_zero_grad_helpers():
    a, b = Value(2.0), Value(-3.0)
    c = (a * b).tanh()
    c.backward()
    assert a.grad != 0.0
    zero_grad([a, b])
    assert (a.grad, b.grad) == (0.0, 0.0)
    c.backward()
    c.zero_grad_graph()
    assert (a.grad, b.grad, c.grad, c.children[0].grad) == (0.0, 0.0, 0.0, 0.0)
    with pytest.raises(TypeError, match="Values"):
        zero_grad([a, 3.0])


@pytest.mark.slow
def test_a_chain_of_a_million_nodes_backpropagates_without_recursion():
    x0 = Value(0.5, "x")
    x = x0
    with paused_gc():  # building two million objects is much faster without the collector
        for _ in range(1_000_000):
            x = x + 1e-6
    x.backward()
    assert x0.grad == 1.0
    assert x.data == pytest.approx(1.5, abs=1e-9)
    del x  # freeing the chain must not recurse either


# ---- step-by-step backward --------------------------------------------------------------------


def random_graph(seed):
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(0.5, 2.0), f"v{i}") for i in range(4)]
    nodes = list(leaves)
    for _ in range(25):
        p, q = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(5)
        if kind == 0:
            nodes.append(p * q)
        elif kind == 1:
            nodes.append(p + q * 0.5)
        elif kind == 2:
            nodes.append(p.tanh())
        elif kind == 3:
            nodes.append(1.0 / (q * q + 1.0))
        else:
            nodes.append(p - q)
    return leaves, nodes[-1] + nodes[-2] * nodes[-5]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_steps_end_with_the_gradients_of_backward(seed):
    leaves, root = random_graph(seed)
    root.backward()
    nodes = _all_nodes(root)
    expected = {id(n): n.grad for n in nodes}
    for n in nodes:
        n.grad = 0.0
    steps = list(backward_steps(root))
    assert all(isinstance(step, BackwardStep) for step in steps)
    assert {id(n): n.grad for n in nodes} == expected
    assert steps[0].node is root and steps[0].upstream == 1.0
    # Every node comes once, after all of its parents.
    position = {id(step.node): i for i, step in enumerate(steps)}
    assert len(position) == len(nodes)
    for step in steps:
        for child_step in step.children:
            assert position[id(child_step.child)] > position[id(step.node)]
            assert child_step.contribution == child_step.local_grad * step.upstream


def test_backward_steps_record_the_chain_rule_line():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    steps = list(backward_steps(c))
    first = steps[0]
    assert first.node is c and first.upstream == 1.0
    assert [(s.child, s.local_grad, s.contribution, s.grad_after) for s in first.children] == [
        (a, -3.0, -3.0, -3.0),
        (b, 2.0, 2.0, 2.0),
    ]
    assert {steps[1].node, steps[2].node} == {a, b}
    assert steps[1].children == () and steps[2].children == ()


def _all_nodes(root):
    seen, stack = {root}, [root]
    while stack:
        for child in stack.pop().children:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return list(seen)


# ---- what is not supported ----------------------------------------------------------------


def test_value_exponent_is_a_clear_type_error():
    with pytest.raises(TypeError, match="exponent .* plain number"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="as an exponent"):
        2.0 ** Value(3.0)


def test_log_of_non_positive_is_a_value_error_naming_the_input():
    with pytest.raises(ValueError, match="log is only defined for positive numbers.*'x'"):
        Value(0.0, "x").log()
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()


def test_numeric_problems_raise_instead_of_giving_wrong_gradients():
    with pytest.raises(ZeroDivisionError, match="divisor"):
        Value(1.0) / Value(0.0, "d")
    with pytest.raises(ZeroDivisionError):
        1.0 / Value(0.0)
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ValueError, match="infinite"):
        Value(0.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match="too large"):
        Value(1000.0).exp()


@pytest.mark.parametrize(
    "bad, error",
    [
        ("3", TypeError),
        (None, TypeError),
        ([1.0], TypeError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        (1j, TypeError),
    ],
)
def test_value_rejects_what_is_not_a_finite_number(bad, error):
    with pytest.raises(error, match="Value"):
        Value(bad)


def test_value_of_a_value_and_bad_labels_are_type_errors():
    with pytest.raises(TypeError, match="not a Value"):
        Value(Value(1.0))
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_arithmetic_with_unsupported_types_is_a_type_error():
    with pytest.raises(TypeError):
        Value(1.0) + "2"
    with pytest.raises(TypeError):
        "2" * Value(1.0)
    with pytest.raises(TypeError):
        Value(1.0) ** "2"
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) * math.inf


def test_numpy_and_int_numbers_work_like_floats():
    import numpy as np

    v = Value(np.float64(1.5)) * np.int64(2) + 1
    assert v.data == 4.0 and type(v.data) is float
