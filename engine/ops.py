"""Fused n-ary operations: one graph node where the binary form needs many.

`vsum(values)` is `values[0] + values[1] + ...` and `dot(weights, inputs, bias)` is
`bias + weights[0]*inputs[0] + weights[1]*inputs[1] + ...` (micrograd's neuron, which starts
its sum from the bias). Both compute the same sums in the same order as the binary form, so
forward values agree to the last bit; each child gets the same local derivative as in the
binary form, and where the order of additions into one gradient could matter (a Value that
fills several slots of one dot) the children follow the binary form's backward order, so
gradients agree to the last bit too (checked with == in the tests). Plain numbers may stand
among the Values: they are constants, folded into the result, and get no node.

`vsum_expanded` and `dot_expanded` (or `expanded=True`) build the binary form instead, with
readable labels, for drawing a small neuron the way the lecture does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce
from operator import add, mul

from engine.value import Value, format_number, to_float

_LABEL_LIMIT = 40

# sum_in_order(numbers, start): start + numbers[0] + numbers[1] + ..., added one by one,
# exactly as a chain of binary "+" nodes would. Python 3.12 made sum() of floats compensated
# (more accurate, but different in the last bits), so sum() is used only where it still adds
# one by one; it runs in C, which matters in the MLP's forward pass.
if sum((1.0, 1e100, 1.0, -1e100), 0.0) == 0.0:
    sum_in_order = sum
else:  # pragma: no cover - only on Python >= 3.12

    def sum_in_order(items: Iterable[float], start: float) -> float:
        return reduce(add, items, start)


def _data_of(item: object, where: str) -> float:
    if isinstance(item, Value):
        return item.data
    return to_float(item, where)


# ---- vsum -----------------------------------------------------------------------------------


def vsum(values: Iterable[Value | float], *, expanded: bool = False) -> Value:
    """The sum of the values as one node (op "sum"); `expanded=True` gives the binary form.

    Adds left to right. Numbers among the values are constants folded into the result.
    """
    items = list(values)
    if not items:
        raise ValueError("vsum() needs at least one value, got an empty sequence")
    if expanded:
        return vsum_expanded(items)
    numbers = [_data_of(item, f"item {i} of vsum()") for i, item in enumerate(items)]
    total = sum_in_order(numbers[1:], numbers[0])
    children = tuple(item for item in items if isinstance(item, Value))
    if not children:
        return Value(total, format_number(total))
    # Every child gets 1 * upstream, so the order of the children cannot change a gradient.
    return Value(total, "", children, (1.0,) * len(children), "sum")


def vsum_expanded(values: Iterable[Value | float]) -> Value:
    """`values[0] + values[1] + ...` as binary "+" nodes, each labelled with what it sums."""
    items = list(values)
    if not items:
        raise ValueError("vsum_expanded() needs at least one value, got an empty sequence")
    total = items[0]
    for item in items[1:]:
        total = _labelled(total + item, f"{_name(total)} + {_name(item)}")
    if not isinstance(total, Value):
        total = Value(to_float(total, "vsum_expanded() items"))
    return total


# ---- dot ------------------------------------------------------------------------------------


def _dot_arguments(weights, inputs, bias, name: str) -> tuple[list, list]:
    """The weights and inputs as lists, checked: as many of each, and something to add."""
    weights, inputs = list(weights), list(inputs)
    if len(weights) != len(inputs):
        raise ValueError(
            f"{name} needs as many weights as inputs, got {len(weights)} weights "
            f"and {len(inputs)} inputs"
        )
    if not weights and bias is None:
        raise ValueError(f"{name} needs at least one weight and input, or a bias")
    return weights, inputs


def dot(
    weights: Sequence[Value | float],
    inputs: Sequence[Value | float],
    bias: Value | float | None = None,
    *,
    expanded: bool = False,
) -> Value:
    """`bias + weights[0]*inputs[0] + weights[1]*inputs[1] + ...` as one node (op "dot").

    The sum starts from the bias (or from the first product when there is no bias) and adds
    the products in order, as micrograd's neuron does. `expanded=True` gives the binary form.

    Children (plain numbers left out) come in reading order, `(w0, ..., w[n-1], bias, x0,
    ..., x[n-1])`, with local gradients `(x0, ..., x[n-1], 1, w0, ..., w[n-1])`: a weight's
    is its input, an input's is its weight. When one Value fills more than one slot (say
    `dot([w1, w2], [x, x])`), the order of its contributions could change the last bit of
    its gradient, so the children then follow the order in which the binary form passes
    gradients back: `(w[n-1], x[n-1], ..., w1, x1, bias, w0, x0)`.
    """
    weights, inputs = _dot_arguments(weights, inputs, bias, "dot()")
    if bias is not None and not isinstance(bias, Value):
        bias = to_float(bias, "the bias of dot()")
    if expanded:
        return dot_expanded(weights, inputs, bias)
    weight_data = [_data_of(w, f"weight {i} of dot()") for i, w in enumerate(weights)]
    input_data = [_data_of(x, f"input {i} of dot()") for i, x in enumerate(inputs)]

    products = map(mul, weight_data, input_data)
    if bias is None:
        total = sum_in_order(products, next(products))
    else:
        total = sum_in_order(products, bias.data if isinstance(bias, Value) else bias)

    slots = [(w, x) for w, x in zip(weights, input_data, strict=True) if isinstance(w, Value)]
    if isinstance(bias, Value):
        slots.append((bias, 1.0))
    slots += [(x, w) for x, w in zip(inputs, weight_data, strict=True) if isinstance(x, Value)]
    if not slots:
        return Value(total, format_number(total))
    if len({id(child) for child, _ in slots}) < len(slots):
        slots = _backward_order_slots(weights, weight_data, inputs, input_data, bias)
    children, local_grads = zip(*slots, strict=True)
    return Value(total, "", children, local_grads, "dot")


def _backward_order_slots(
    weights: list[Value | float],
    weight_data: list[float],
    inputs: list[Value | float],
    input_data: list[float],
    bias: Value | float | None,
) -> list[tuple[Value, float]]:
    """(child, local gradient) pairs in the order the binary form passes gradients back."""
    slots: list[tuple[Value, float]] = []
    for i in reversed(range(len(weights))):
        if i == 0 and isinstance(bias, Value):
            slots.append((bias, 1.0))
        if isinstance(weights[i], Value):
            slots.append((weights[i], input_data[i]))
        if isinstance(inputs[i], Value):
            slots.append((inputs[i], weight_data[i]))
    return slots


def dot_expanded(
    weights: Sequence[Value | float],
    inputs: Sequence[Value | float],
    bias: Value | float | None = None,
) -> Value:
    """The binary form of `dot`: `((bias + w0*x0) + w1*x1) + ...`, each node labelled.

    Products are labelled like "w1*x1" and partial sums like "b + w1*x1" from the labels of
    the leaves (numbers stand for themselves), cut to 40 characters.
    """
    weights, inputs = _dot_arguments(weights, inputs, bias, "dot_expanded()")
    total: Value | float | None = bias
    for i, (w, x) in enumerate(zip(weights, inputs, strict=True)):
        _data_of(w, f"weight {i} of dot_expanded()")
        _data_of(x, f"input {i} of dot_expanded()")
        product = _labelled(w * x, f"{_name(w)}*{_name(x)}")
        if total is None:
            total = product
        else:
            total = _labelled(total + product, f"{_name(total)} + {_name(product)}")
    if not isinstance(total, Value):
        total = Value(to_float(total, "the result of dot_expanded()"))
    return total


# ---- labels ---------------------------------------------------------------------------------


def _name(item: Value | float) -> str:
    if isinstance(item, Value):
        return item.label or format_number(item.data)
    return format_number(item)


def _labelled(item: Value | float, label: str) -> Value | float:
    """Give a new node a label (shortened to the limit); numbers pass through unchanged."""
    if isinstance(item, Value) and not item.label:
        if len(label) > _LABEL_LIMIT:
            label = label[: _LABEL_LIMIT - 1] + "…"
        item.label = label
    return item
