"""Random expression graphs: our values and gradients against torch autograd in float64.

Hypothesis writes small programs: each step applies one operation (every op of the engine,
fused ones included, with numbers on either side) to earlier results, so results are reused
(shared subexpressions) and gradients must accumulate. The program runs once on our Values,
then the same program runs on torch tensors; every node's value and gradient must agree to
1e-9 (relative, or absolute near zero).

Operations are only applied where they are defined and tame: when a step's input is out of
range (log of a small number, division by a small number, an exponent that would blow up)
the step uses tanh instead. The choice is made on our run and replayed on torch, so both
build the same graph.
"""

from __future__ import annotations

import math
from functools import reduce
from operator import add, mul

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Value, dot, vsum

UNARY_OPS = ["neg", "exp", "log", "tanh", "relu", "sigmoid", "pow"]
BINARY_OPS = ["+", "-", "*", "/"]
NUMBER_SIDES = ["none", "left", "right"]
EXPONENTS = [2, 3, -1, 0.5, -0.5, 1.5]
LIMIT = 1e4  # keep every value in a range where float64 rounding stays far below 1e-9


@st.composite
def programs(draw):
    leaves = draw(
        st.lists(
            st.floats(-2.0, 2.0, allow_nan=False).filter(lambda x: abs(x) > 1e-3),
            min_size=1,
            max_size=4,
        )
    )
    steps = []
    count = len(leaves)
    for _ in range(draw(st.integers(1, 14))):
        index = st.integers(0, count - 1)
        kind = draw(st.sampled_from(["unary", "binary", "vsum", "dot"]))
        if kind == "unary":
            step = (
                "unary",
                draw(st.sampled_from(UNARY_OPS)),
                draw(index),
                draw(st.sampled_from(EXPONENTS)),
            )
        elif kind == "binary":
            step = (
                "binary",
                draw(st.sampled_from(BINARY_OPS)),
                draw(index),
                draw(index),
                draw(st.sampled_from(NUMBER_SIDES)),
                draw(st.floats(-3.0, 3.0).filter(lambda x: abs(x) > 0.1)),
            )
        elif kind == "vsum":
            step = ("vsum", draw(st.lists(index, min_size=1, max_size=5)))
        else:
            n = draw(st.integers(1, 4))
            weights = draw(
                st.lists(
                    st.one_of(index, st.floats(-2, 2).map(lambda x: ("c", x))),
                    min_size=n,
                    max_size=n,
                )
            )
            inputs = draw(st.lists(index, min_size=n, max_size=n))
            bias = draw(st.one_of(st.none(), index, st.floats(-2, 2).map(lambda x: ("c", x))))
            step = ("dot", weights, inputs, bias)
        steps.append(step)
        count += 1
    return leaves, steps


def run(leaves, steps, backend, decisions):
    """Run a program; `backend` is "ours" (records decisions) or "torch" (replays them)."""
    ours = backend == "ours"
    if ours:
        nodes = [Value(x) for x in leaves]
    else:
        nodes = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    decisions_iter = iter(decisions)

    def number(node):
        return node.data if ours else node.item()

    def decide(ok):
        if ours:
            decisions.append(ok)
            return ok
        return next(decisions_iter)

    def operand(ref):
        return ref[1] if isinstance(ref, tuple) else nodes[ref]

    def tame(result):
        return decide(abs(number(result)) < LIMIT)

    for step in steps:
        if step[0] == "unary":
            _, op, i, exponent = step
            x = nodes[i]
            xv = number(x)
            if op == "exp" and decide(xv < 5):
                out = x.exp() if ours else torch.exp(x)
            elif op == "log" and decide(xv > 0.1):
                out = x.log() if ours else torch.log(x)
            elif op == "pow" and decide(
                abs(xv) > 0.1
                and (xv > 0 or float(exponent).is_integer())
                and abs(xv) ** exponent < LIMIT
            ):
                out = x**exponent
            elif op == "neg":
                out = -x
            elif op == "relu" and decide(abs(xv) > 1e-9):  # relu has no derivative at 0
                out = x.relu() if ours else torch.relu(x)
            elif op == "sigmoid":
                out = x.sigmoid() if ours else torch.sigmoid(x)
            else:
                out = x.tanh() if ours else torch.tanh(x)
        elif step[0] == "binary":
            _, op, i, j, side, c = step
            p, q = nodes[i], nodes[j]
            if side == "left":
                p = c
            elif side == "right":
                q = c
            qv = q if isinstance(q, float) else number(q)
            if op == "/" and not decide(abs(qv) > 0.1):
                op = "*"
            out = {"+": add, "-": lambda a, b: a - b, "*": mul, "/": lambda a, b: a / b}[op](p, q)
            if not tame(out):
                out = nodes[i].tanh() if ours else torch.tanh(nodes[i])
        elif step[0] == "vsum":
            items = [nodes[i] for i in step[1]]
            out = vsum(items) if ours else torch.stack(items).sum()
        else:
            _, weight_refs, input_refs, bias_ref = step
            weights = [operand(w) for w in weight_refs]
            inputs = [nodes[i] for i in input_refs]
            bias = None if bias_ref is None else operand(bias_ref)
            if ours:
                out = dot(weights, inputs, bias)
            else:
                products = [w * x for w, x in zip(weights, inputs, strict=True)]
                out = reduce(add, products, bias) if bias is not None else reduce(add, products)
            if not tame(out):
                out = inputs[0].tanh() if ours else torch.tanh(inputs[0])
        if not ours and out.requires_grad and not out.is_leaf:
            out.retain_grad()
        nodes.append(out)
    return nodes


def close(ours, theirs):
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graphs_match_torch_float64(program):
    leaves, steps = program
    decisions: list[bool] = []
    ours = run(leaves, steps, "ours", decisions)
    theirs = run(leaves, steps, "torch", decisions)
    root, reference_root = ours[-1], theirs[-1]
    root.backward()
    if reference_root.requires_grad:
        reference_root.backward()
    for i, (node, tensor) in enumerate(zip(ours, theirs, strict=True)):
        assert close(node.data, tensor.item()), (i, node.data, tensor.item())
    for i, (node, tensor) in enumerate(zip(ours, theirs, strict=True)):
        # A node outside the root's graph: torch leaves its grad None, we leave 0.
        expected = 0.0 if tensor.grad is None else tensor.grad.item()
        assert close(node.grad, expected), (i, node.grad, expected)
