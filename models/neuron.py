"""One neuron, as the lecture first draws it, and the small pieces of calculus around it.

- `build_neuron` makes the lecture's graph `o = act(x1*w1 + x2*w2 + b)` with the lecture's
  labels (x1*w1, x2*w2, x1*w1 + x2*w2, n, o), optionally with tanh written out as
  exponentials, `e = exp(2n)`, `o = (e - 1) / (e + 1)`.
- `neuron_formula` is the same neuron as formula text, for computations that must not share
  the engine's graph (torch's gradients, finite differences).
- `nudge` is one step of gradient ascent or descent on chosen leaves: training in miniature.
- `parabola` and friends are the function the lecture opens with, f(x) = 3x^2 - 4x + 5;
  `difference_table` estimates its slope for every step h in `H_CHOICES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from engine import Value

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# The lecture's neuron: b is chosen so that n = 0.8814 and o = tanh(n) = 0.7071 = 1/sqrt(2).
LECTURE_NEURON = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
NEURON_LEAVES = ("x1", "w1", "x2", "w2", "b")  # in the order the lecture creates them
NEURON_WEIGHTS = ("w1", "w2", "b")  # what training changes; x1, x2 are data
# Finite-difference steps to try: down to where rounding error (about 1e-16 / h) wins.
H_CHOICES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12)


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")


def _named(value: Value, label: str) -> Value:
    value.label = label
    return value


def build_neuron(
    values: Mapping[str, float], activation: str = "tanh", *, tanh_as_exp: bool = False
) -> tuple[Value, dict[str, Value]]:
    """A fresh graph of one neuron: (output o, {leaf name: leaf}) with the lecture's labels.

    `values` gives x1, x2, w1, w2 and b. `tanh_as_exp` only applies to tanh. A linear neuron's
    output is n itself, labelled "o = n".
    """
    _check_activation(activation)
    missing = [name for name in NEURON_LEAVES if name not in values]
    if missing:
        raise ValueError(f"no value given for: {', '.join(missing)}")
    leaves = {name: Value(values[name], name) for name in NEURON_LEAVES}
    x1, w1, x2, w2, b = (leaves[name] for name in NEURON_LEAVES)
    x1w1 = _named(x1 * w1, "x1*w1")
    x2w2 = _named(x2 * w2, "x2*w2")
    x1w1x2w2 = _named(x1w1 + x2w2, "x1*w1 + x2*w2")
    n = _named(x1w1x2w2 + b, "n")
    if activation == "linear":
        return _named(n, "o = n"), leaves
    if activation == "tanh" and tanh_as_exp:
        e = _named(_named(2 * n, "2*n").exp(), "e")
        output = _named(e - 1, "e - 1") / _named(e + 1, "e + 1")
    elif activation == "tanh":
        output = n.tanh()
    elif activation == "relu":
        output = n.relu()
    else:
        output = n.sigmoid()
    return _named(output, "o"), leaves


def neuron_formula(activation: str = "tanh", *, tanh_as_exp: bool = False) -> str:
    """The neuron as formula text for `engine.expr.parse`, e.g. `o = tanh(x1*w1 + x2*w2 + b)`."""
    _check_activation(activation)
    n = "x1*w1 + x2*w2 + b"
    if activation == "linear":
        return f"o = {n}"
    if activation == "tanh" and tanh_as_exp:
        return f"o = (exp(2*({n})) - 1) / (exp(2*({n})) + 1)"
    return f"o = {activation}({n})"


# ---- a nudge: one step of gradient ascent or descent ---------------------------------------


@dataclass(frozen=True)
class Nudge:
    values: dict[str, float]  # every value after the step (unchanged ones included)
    clipped: tuple[str, ...]  # names whose step was cut short by the limits
    predicted_change: float  # first-order change of the output: +-step * sum(grad^2)


def nudge(
    values: Mapping[str, float],
    grads: Mapping[str, float],
    names: Sequence[str],
    step: float,
    *,
    direction: int,
    limits: tuple[float, float] = (-math.inf, math.inf),
) -> Nudge:
    """Move each named value by `direction * step * grad`: +1 raises the output, -1 lowers it.

    To first order the output changes by `direction * step * sum(grad^2)` over the moved
    values (each moves along its own gradient). Values are kept within `limits`.
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 (up) or -1 (down), got {direction!r}")
    if not (step > 0 and math.isfinite(step)):
        raise ValueError(f"the step size must be a positive number, got {step!r}")
    low, high = limits
    moved = dict(values)
    clipped = []
    for name in names:
        target = values[name] + direction * step * grads[name]
        kept = min(max(target, low), high)
        if kept != target:
            clipped.append(name)
        moved[name] = kept
    predicted = direction * step * sum(grads[name] ** 2 for name in names)
    return Nudge(moved, tuple(clipped), predicted)


# ---- the lecture's first function ----------------------------------------------------------


def parabola(x: float) -> float:
    """f(x) = 3x^2 - 4x + 5, the function the lecture differentiates by hand first."""
    return 3 * x**2 - 4 * x + 5


def parabola_slope(x: float) -> float:
    """The exact derivative of `parabola`: 6x - 4."""
    return 6 * x - 4


def forward_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x + h) - f(x)) / h, as in the lecture; its error shrinks like h."""
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x + h) - f(x - h)) / 2h; its error shrinks like h^2 (until rounding takes over)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def h_label(h: float) -> str:
    """A step h as a power of ten: 1e-6 -> "1e-6"."""
    return f"1e{round(math.log10(h))}"


def difference_table(x: float) -> pd.DataFrame:
    """The slope of `parabola` at x by forward and central differences for every h in
    H_CHOICES, beside their errors from the exact slope."""
    exact = parabola_slope(x)
    rows = []
    for h in H_CHOICES:
        forward = forward_difference(parabola, x, h)
        central = central_difference(parabola, x, h)
        rows.append(
            {
                "h": h_label(h),
                "forward (f(x+h) - f(x)) / h": forward,
                "forward error": abs(forward - exact),
                "central (f(x+h) - f(x-h)) / 2h": central,
                "central error": abs(central - exact),
            }
        )
    return pd.DataFrame(rows)
