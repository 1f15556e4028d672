"""`Value`: one scalar in a computation graph, and reverse-mode differentiation over it.

Every operation on a `Value` returns a new `Value` that remembers

- `children`: the Values it was computed from (a tuple, in a fixed order),
- `local_grads`: d(this node) / d(child) for each child, worked out when the node is made,
- `op`: a short name of the operation ("+", "*", "tanh", "dot", ...).

Because the local derivatives are stored as numbers, backpropagation needs no per-node code:
visit the nodes from the output back towards the inputs and, for every child, add
`local_grad * node.grad` to `child.grad` (the chain rule). A node is always created after its
children, so sorting nodes by creation time gives an order in which every node comes after
everything it depends on (a topological order); backpropagation walks it in reverse.

Treat `children`, `local_grads` and `op` as read-only: changing them after the fact would make
the stored derivatives lie. `data` and `grad` are meant to be changed (that is training).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import numbers
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter

# Creation stamps. A node gets its stamp after its children got theirs, so sorting by stamp
# is a topological order. itertools.count is advanced in C, so it is cheap and thread-safe.
_creation_stamps = itertools.count()
by_creation = attrgetter("_created")
_children_of = attrgetter("children")


def format_number(x: float) -> str:
    """Short text for a number in labels and messages (at most 6 significant digits)."""
    return f"{x:g}"


def _describe(value: Value) -> str:
    """How to name a Value in an error message: its label if it has one, else its number."""
    if value.label:
        return f"{value.label!r} (= {format_number(value.data)})"
    return format_number(value.data)


def to_float(x: object, what: str) -> float:
    """A real number as a finite float, or a TypeError/ValueError that says what was wrong."""
    if isinstance(x, Value):
        raise TypeError(f"{what} must be a plain number, not a Value")
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a number (int or float), got {type(x).__name__} {x!r}")
    result = float(x)
    if not math.isfinite(result):
        raise ValueError(f"{what} must be a finite number, got {result}")
    return result


class Value:
    """A scalar that records how it was computed, so gradients can flow back through it.

    `Value(data, label="")` makes a leaf: an input, a weight, or a constant. Arithmetic with
    other Values or plain numbers (on either side) builds new nodes: `+ - * /`, unary `-`,
    `** number`, and the methods `exp() log() tanh() relu() sigmoid()`.

    Attributes: `data` (float), `grad` (float, d root / d this node after `backward()`),
    `label` (str, for display), `op` ("" for a leaf), `children` (tuple of Values),
    `local_grads` (tuple of floats, d this / d child for each child, same order).

    Leaves must be finite numbers. Operations raise a clear error where a result or its
    derivative does not exist (log of a number <= 0, division by zero, a negative number to
    a fractional power, exp overflow); `+ - *` follow float arithmetic, so a product too
    large for a float becomes inf, as in torch (`engine.expr` reports that as an error).
    """

    __slots__ = ("data", "grad", "label", "op", "children", "local_grads", "_created")

    def __init__(
        self,
        data: float,
        label: str = "",
        _children: tuple[Value, ...] = (),
        _local_grads: tuple[float, ...] = (),
        _op: str = "",
    ) -> None:
        # The underscored arguments are for the operations in this package, which pass
        # numbers they computed themselves; only leaves made by callers are checked.
        if not _children:
            data = to_float(data, "the data of a Value")
            if not isinstance(label, str):
                raise TypeError(f"label must be a string, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self.op = _op
        self.children = _children
        self.local_grads = _local_grads
        self._created = next(_creation_stamps)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # Values are compared by identity (the default), so they can live in sets and dicts.

    # ---- arithmetic ---------------------------------------------------------------------

    def __add__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other)
            if other is None:
                return NotImplemented
        return Value(self.data + other.data, "", (self, other), (1.0, 1.0), "+")

    def __radd__(self, other: float) -> Value:
        constant = _constant(other)
        if constant is None:
            return NotImplemented
        return Value(constant.data + self.data, "", (constant, self), (1.0, 1.0), "+")

    def __sub__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other)
            if other is None:
                return NotImplemented
        return Value(self.data - other.data, "", (self, other), (1.0, -1.0), "-")

    def __rsub__(self, other: float) -> Value:
        constant = _constant(other)
        if constant is None:
            return NotImplemented
        return Value(constant.data - self.data, "", (constant, self), (1.0, -1.0), "-")

    def __mul__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other)
            if other is None:
                return NotImplemented
        return Value(self.data * other.data, "", (self, other), (other.data, self.data), "*")

    def __rmul__(self, other: float) -> Value:
        constant = _constant(other)
        if constant is None:
            return NotImplemented
        return Value(
            constant.data * self.data, "", (constant, self), (self.data, constant.data), "*"
        )

    def __truediv__(self, other: Value | float) -> Value:
        if not isinstance(other, Value):
            other = _constant(other)
            if other is None:
                return NotImplemented
        return _divide(self, other)

    def __rtruediv__(self, other: float) -> Value:
        constant = _constant(other)
        if constant is None:
            return NotImplemented
        return _divide(constant, self)

    def __neg__(self) -> Value:
        return Value(-self.data, "", (self,), (-1.0,), "neg")

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value):
            raise TypeError(
                "the exponent in x ** y must be a plain number, not a Value: "
                "the engine does not differentiate with respect to an exponent"
            )
        n = to_float(exponent, "the exponent in x ** n")
        x = self.data
        op = f"**{format_number(n)}"
        if n == 0.0:
            return Value(1.0, "", (self,), (0.0,), op)
        if x < 0.0 and not n.is_integer():
            raise ValueError(
                f"cannot raise the negative number {_describe(self)} to the non-integer "
                f"power {format_number(n)}: the result is not a real number"
            )
        if x == 0.0 and n < 0.0:
            raise ZeroDivisionError(
                f"cannot raise {_describe(self)} to the negative power {format_number(n)} "
                "(that divides by zero)"
            )
        if x == 0.0 and n < 1.0:
            raise ValueError(
                f"the derivative of x ** {format_number(n)} at x = 0 is infinite "
                f"(x is {_describe(self)})"
            )
        try:
            out = x**n
            local = n * x ** (n - 1.0)
        except OverflowError:
            raise OverflowError(
                f"{format_number(x)} ** {format_number(n)} is too large for a float"
            ) from None
        return Value(out, "", (self,), (local,), op)

    def __rpow__(self, base: float) -> Value:
        raise TypeError(
            "a Value as an exponent (number ** Value) is not supported; "
            "write (x * math.log(base)).exp() for base ** x"
        )

    # ---- functions ----------------------------------------------------------------------

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp of {_describe(self)} is too large for a float "
                "(exp overflows above about 709.78)"
            ) from None
        return Value(out, "", (self,), (out,), "exp")

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(
                f"log is only defined for positive numbers, but its input is {_describe(self)}"
            )
        return Value(math.log(x), "", (self,), (1.0 / x,), "log")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, "", (self,), (1.0 - t * t,), "tanh")

    def relu(self) -> Value:
        # The derivative at exactly 0 is taken as 0, as in micrograd and torch.
        if self.data > 0.0:
            return Value(self.data, "", (self,), (1.0,), "relu")
        return Value(0.0, "", (self,), (0.0,), "relu")

    def sigmoid(self) -> Value:
        x = self.data
        # Two algebraically equal forms, each used where its exp() cannot overflow.
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value(s, "", (self,), (s * (1.0 - s),), "sigmoid")

    # ---- gradients ----------------------------------------------------------------------

    def backward(self) -> None:
        """Fill in `grad` of every node this Value depends on: d self / d node.

        What the gradients hold afterwards:

        - this Value (the root) gets 1.0;
        - interior nodes (results of operations) hold the gradient of this pass only: they
          are reset to 0 before the pass, so calling `backward()` again does not compound them;
        - leaves (inputs, weights, constants) accumulate: each call adds this pass's gradient
          to what they already hold, so two calls give exactly twice the gradient, as in
          micrograd and torch. Reset them with `engine.zero_grad(params)` between steps.

        The graph is sorted without recursion, so very deep graphs (a chain of a million
        nodes) work. A node whose gradient is exactly 0 passes nothing on: with finite local
        derivatives that changes no result (it would add 0 to each child), and it saves time
        behind inactive ReLUs and satisfied margins.
        """
        interior = _interior_nodes_in_creation_order(self)
        _start_backward(self, interior)
        for node in reversed(interior):
            upstream = node.grad
            if upstream == 0.0:
                continue
            for child, local in zip(node.children, node.local_grads, strict=True):
                child.grad += local * upstream

    def zero_grad_graph(self) -> None:
        """Set `grad` to 0 on this Value and every node it depends on (leaves included)."""
        for node in _reachable(self):
            node.grad = 0.0


def _constant(x: object) -> Value | None:
    """A plain number wrapped as a leaf labelled with its value; None if `x` is no number."""
    if type(x) is float or type(x) is int or isinstance(x, numbers.Real):
        value = to_float(x, "a number in an expression")
        return Value(value, format_number(value))
    return None


def _divide(numerator: Value, denominator: Value) -> Value:
    b = denominator.data
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero: the divisor {_describe(denominator)} is 0")
    out = numerator.data / b
    return Value(out, "", (numerator, denominator), (1.0 / b, -out / b), "/")


# ---- traversal ----------------------------------------------------------------------------


def _reachable(root: Value) -> set[Value]:
    """Every node `root` depends on, itself included, found level by level without recursion.

    The set operations run in C, which is faster than a Python loop over every edge.
    """
    seen = {root}
    frontier: Iterable[Value] = (root,)
    while frontier:
        found: set[Value] = set()
        for node in frontier:
            found.update(node.children)
        found -= seen
        seen |= found
        frontier = found
    return seen


def nodes_in_creation_order(root: Value) -> list[Value]:
    """All nodes `root` depends on, children before parents (a topological order)."""
    return sorted(_reachable(root), key=by_creation)


def _start_backward(root: Value, interior: list[Value]) -> None:
    """Reset the interior gradients and seed the root's: d root / d root = 1 (added to a leaf
    root, as leaves accumulate)."""
    for node in interior:
        node.grad = 0.0
    if root.children:
        root.grad = 1.0
    else:
        root.grad += 1.0


def _interior_nodes_in_creation_order(root: Value) -> list[Value]:
    """The non-leaf nodes `root` depends on, children before parents."""
    return sorted(filter(_children_of, _reachable(root)), key=by_creation)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building a large graph.

    A graph of Values has no reference cycles (nodes point only to their children), so
    reference counting frees it; but the collector, triggered by the many allocations, would
    scan every live object again and again (over half the time of an MLP forward pass in
    benchmarks/engine_vs_micrograd.py). Pausing it delays nothing that a graph needs. It is
    switched back on afterwards unless it was already off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def zero_grad(values: Iterable[Value]) -> None:
    """Set `grad` to 0 on each given Value (typically a model's parameters)."""
    for value in values:
        if not isinstance(value, Value):
            raise TypeError(f"zero_grad expects Values, got {type(value).__name__}")
        value.grad = 0.0


# ---- step-by-step backpropagation, for teaching ---------------------------------------------


@dataclass(frozen=True)
class ChildStep:
    """What one child receives from its parent in one step of backpropagation."""

    child: Value
    local_grad: float  # d parent / d child
    contribution: float  # local_grad * the parent's gradient: what is added to child.grad
    grad_after: float  # child.grad right after the addition


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in backpropagation: its gradient is final and is passed to its children."""

    node: Value
    upstream: float  # node.grad: d root / d node, complete at this point
    children: tuple[ChildStep, ...]  # empty for a leaf


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Backpropagate from `root` one node at a time, yielding what each step does.

    Nodes come in reverse topological order (the root first); each step has already applied
    its additions when it is yielded. Leaves come too, with no children, at the point where
    their gradient is final. Running all steps leaves exactly the gradients `root.backward()`
    gives, with the same rules: interior grads reset, leaf grads accumulate.
    """
    order = nodes_in_creation_order(root)
    _start_backward(root, [node for node in order if node.children])
    for node in reversed(order):
        upstream = node.grad
        steps = []
        for child, local in zip(node.children, node.local_grads, strict=True):
            contribution = local * upstream
            # Same rule as backward(): a zero gradient passes nothing on.
            if upstream != 0.0:
                child.grad += contribution
            steps.append(ChildStep(child, local, contribution, child.grad))
        yield BackwardStep(node, upstream, tuple(steps))
