"""The Neuron page's gradient check: for every leaf, the engine's gradient beside a central
finite difference and torch's autograd on the same formula."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from engine import Value, numeric_grad
from engine.expr import Expression
from models.reference import TorchResult, torch_gradients

COLUMNS = [
    "leaf",
    "value",
    "engine grad",
    "finite difference",
    "|fd - engine|",
    "torch grad",
    "|torch - engine|",
]


@dataclass
class GradientCheck:
    """One row per leaf (see COLUMNS), what could not be computed, and the largest
    differences from the engine (nan when there is none to take)."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    largest_fd_difference: float = math.nan
    largest_torch_difference: float = math.nan


def gradient_check(
    expression: Expression, values: Mapping[str, float], leaves: Mapping[str, Value], h: float
) -> GradientCheck:
    """For every variable in `values`: the engine's gradient in `leaves` (a graph of
    `expression` at `values`, already backpropagated), a central finite difference with step
    h on the expression evaluated with plain floats, and torch's gradient, with the
    differences. A difference or torch result that cannot be computed is nan, with a note."""
    notes = []
    torch_result: TorchResult | None = None
    try:
        torch_result = torch_gradients(expression, values)
    except ValueError as error:
        notes.append(f"torch: {error}")

    def output() -> float:
        return expression.evaluate({name: leaf.data for name, leaf in leaves.items()})

    rows = []
    for name in values:
        leaf = leaves[name]
        try:
            estimate = numeric_grad(output, [leaf], h)[0]
        except (ValueError, ArithmeticError) as error:
            estimate = math.nan
            notes.append(f"finite difference for {name}: {error}")
        theirs = torch_result.grads[name] if torch_result else math.nan
        rows.append(
            {
                "leaf": name,
                "value": leaf.data,
                "engine grad": leaf.grad,
                "finite difference": estimate,
                "|fd - engine|": abs(estimate - leaf.grad),
                "torch grad": theirs,
                "|torch - engine|": abs(theirs - leaf.grad),
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return GradientCheck(
        table, notes, _largest(table["|fd - engine|"]), _largest(table["|torch - engine|"])
    )


def _largest(column: pd.Series) -> float:
    finite = [x for x in column if math.isfinite(x)]
    return max(finite) if finite else math.nan
