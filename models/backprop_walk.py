"""Backpropagation one node at a time, for the Neuron page's step-through: how far a walk has
got (`walk_to`) and what its latest step did, as chain-rule lines in Markdown
(`chain_rule_lines`)."""

from __future__ import annotations

from dataclasses import dataclass

from engine import BackwardStep, Value, backward_steps
from engine.graph import trace

LOCAL_RULES = {
    "+": "d(a + b)/da = d(a + b)/db = 1: a sum passes its gradient on unchanged",
    "-": "d(a - b)/da = 1, d(a - b)/db = -1",
    "*": "d(a*b)/da = b, d(a*b)/db = a: each factor gets the other one",
    "/": "d(a/b)/da = 1/b, d(a/b)/db = -a/b²",
    "neg": "d(-a)/da = -1",
    "exp": "d exp(a)/da = exp(a), the node's own value",
    "log": "d log(a)/da = 1/a",
    "tanh": "d tanh(a)/da = 1 - tanh(a)², one minus the node's value squared",
    "relu": "d relu(a)/da = 1 if a > 0, else 0",
    "sigmoid": "d sigmoid(a)/da = s(1 - s), with s the node's value",
    "sum": "every term of a sum gets the sum's gradient",
    "dot": "each weight gets its input, each input its weight, the bias 1",
}


def local_rule(op: str) -> str:
    """The local derivative of an engine op in words, or "" for an op without a rule here."""
    if op.startswith("**"):
        n = op[2:]
        return f"d(a**{n})/da = {n} * a**({n} - 1)"
    return LOCAL_RULES.get(op, "")


def _name(node: Value) -> str:
    # In a code span; a backtick in a label would end the span, so it becomes a quote.
    return f"`{(node.label or format(node.data, 'g')).replace('`', chr(39))}`"


def _num(x: float) -> str:
    return f"{x:.6g}"


@dataclass
class Walk:
    """Backpropagation stopped after `len(steps)` of `total` steps, on a fresh graph."""

    root: Value
    leaves: dict[str, Value]
    steps: list[BackwardStep]
    total: int
    parents: dict[Value, list[Value]]

    @property
    def processed(self) -> set[Value]:
        return {step.node for step in self.steps}

    def reached(self) -> set[Value]:
        """Nodes whose gradient has been written so far (complete or still accumulating)."""
        shown = self.processed
        shown.update(child.child for step in self.steps for child in step.children)
        return shown


def walk_to(graph: tuple[Value, dict[str, Value]], position: int) -> Walk:
    """Run backpropagation on `graph`, a fresh (root, leaves) pair not yet backpropagated,
    for `position` steps (clipped to 0..number of nodes); the graph's gradients are left
    as those steps wrote them."""
    root, leaves = graph
    nodes, edges = trace(root)
    parents: dict[Value, list[Value]] = {node: [] for node in nodes}
    for child, parent in edges:
        if parent not in parents[child]:
            parents[child].append(parent)
    steps = []
    position = max(0, min(position, len(nodes)))
    for step in backward_steps(root):
        if len(steps) == position:
            break
        steps.append(step)
    return Walk(root, leaves, steps, len(nodes), parents)


def chain_rule_lines(walk: Walk) -> list[str]:
    """What the latest step did, in words and numbers: one chain-rule line per child,
    local derivative × upstream gradient = what the child receives."""
    if not walk.steps:
        return []
    step = walk.steps[-1]
    node, name = step.node, _name(step.node)
    lines = []
    if node is walk.root:
        lines.append(
            f"{name} is the output, so its gradient is d{name}/d{name} = {_num(step.upstream)}."
        )
    if not node.children:
        lines.append(
            f"{name} is a leaf: its gradient {_num(step.upstream)} is complete, and "
            "there is nothing behind it to pass it to."
        )
        return lines
    rule = local_rule(node.op)
    lines.append(
        f"{name} (op `{node.op}`) has its complete gradient {_num(step.upstream)} and "
        f"passes it back to its inputs by the chain rule"
        + (f"; local derivative: {rule}." if rule else ".")
    )
    # What each child held before this step: its grad after its previous contribution.
    before: dict[Value, float] = {}
    for earlier in walk.steps[:-1]:
        for child in earlier.children:
            before[child.child] = child.grad_after
    processed = walk.processed
    for child in step.children:
        child_name = _name(child.child)
        line = (
            f"{child_name}: local {_num(child.local_grad)} × upstream "
            f"{_num(step.upstream)} = {_num(child.contribution)}"
        )
        previous = before.get(child.child)
        if previous is not None:
            line += (
                f"; added to the {_num(previous)} it already had: grad = {_num(child.grad_after)}"
            )
        before[child.child] = child.grad_after  # a child may fill two slots (a*a)
        waiting = [p for p in walk.parents[child.child] if p not in processed]
        if waiting:
            line += " (more to come from " + ", ".join(_name(p) for p in waiting) + ")"
        lines.append("- " + line)
    return lines
