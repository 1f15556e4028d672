"""A scalar autograd engine in pure Python (standard library only), after micrograd.

    from engine import Value
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = (a * b).tanh()
    c.backward()          # a.grad, b.grad now hold dc/da, dc/db

Modules: `engine.value` (Value, backpropagation), `engine.ops` (fused sums and dot
products), `engine.graph` (topological order, tracing, Graphviz DOT), `engine.expr` (a safe
parser for typed formulas), `engine.gradcheck` (finite differences).
"""

from engine import expr, graph
from engine.gradcheck import numeric_grad
from engine.ops import dot, dot_expanded, vsum, vsum_expanded
from engine.value import BackwardStep, ChildStep, Value, backward_steps, zero_grad

__all__ = [
    "BackwardStep",
    "ChildStep",
    "Value",
    "backward_steps",
    "dot",
    "dot_expanded",
    "expr",
    "graph",
    "numeric_grad",
    "vsum",
    "vsum_expanded",
    "zero_grad",
]
