"""torch autograd as an independent reference for gradients of a typed formula.

The Neuron page shows three gradients side by side: the engine's, a finite difference, and
torch's. This module computes torch's: it walks the parsed formula with float64 tensors and
torch's own functions (`Expression.evaluate` only decides the order of operations), then lets
torch's autograd do the backward pass. Nothing here touches an engine `Value`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from engine.expr import Expression
from models import torch_runtime

torch_runtime.configure()

TORCH_FUNCTIONS = {
    "tanh": torch.tanh,
    "exp": torch.exp,
    "log": torch.log,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
}


@dataclass(frozen=True)
class TorchResult:
    output: float
    grads: dict[str, float]  # d output / d variable, for every variable of the formula


def _constant(number: float) -> torch.Tensor:
    return torch.tensor(number, dtype=torch.float64)


def torch_gradients(expression: Expression, values: Mapping[str, float]) -> TorchResult:
    """The formula's output and its gradient for each variable, by torch autograd in float64.

    Raises ValueError when the output or a gradient is not a finite number (torch itself
    returns nan or inf where the engine raises, e.g. for log(-1) or 1/0).
    """
    missing = [name for name in expression.variables if name not in values]
    if missing:
        raise ValueError(f"no value given for: {', '.join(missing)}")
    leaves = {
        name: torch.tensor(float(values[name]), dtype=torch.float64, requires_grad=True)
        for name in expression.variables
    }
    output = expression.evaluate(leaves, TORCH_FUNCTIONS, _constant)
    if not isinstance(output, torch.Tensor):  # a formula without variables: just a number
        output = torch.tensor(float(output), dtype=torch.float64)
    result = float(output.detach())
    if not math.isfinite(result):
        raise ValueError(f"torch computes {result} for this formula: not a finite number")
    grads = dict.fromkeys(expression.variables, 0.0)
    if output.requires_grad:
        found = torch.autograd.grad(output, list(leaves.values()), allow_unused=True)
        for name, grad in zip(leaves, found, strict=True):
            grads[name] = 0.0 if grad is None else float(grad)
    bad = [name for name, grad in grads.items() if not math.isfinite(grad)]
    if bad:
        raise ValueError(f"torch's gradient is not a finite number for: {', '.join(bad)}")
    return TorchResult(result, grads)
