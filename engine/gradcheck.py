"""Numerical gradients by central finite differences, to check the engine's gradients."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine.value import Value


def numeric_grad(f: Callable[[], float], leaves: Sequence[Value], h: float = 1e-6) -> list[float]:
    """Estimate d f / d leaf for each leaf as (f(x + h) - f(x - h)) / 2h.

    `f` takes no arguments: it recomputes the output from the leaves' current `.data` (for
    example by rebuilding the expression) and returns a number. Each leaf's `data` is
    nudged in turn and put back exactly as it was afterwards, even if `f` raises.
    The error of the estimate shrinks like h**2 until rounding error (about 1e-16 / h) wins.
    """
    if not callable(f):
        raise TypeError(f"numeric_grad needs a function to call, got {type(f).__name__}")
    if not isinstance(h, (int, float)) or isinstance(h, bool) or not (h > 0 and math.isfinite(h)):
        raise ValueError(f"the step h must be a positive finite number, got {h!r}")
    leaves = list(leaves)
    for i, leaf in enumerate(leaves):
        if not isinstance(leaf, Value):
            raise TypeError(f"leaf {i} must be a Value, got {type(leaf).__name__}")
    grads = []
    for leaf in leaves:
        original = leaf.data
        try:
            leaf.data = original + h
            above = _as_float(f())
            leaf.data = original - h
            below = _as_float(f())
        finally:
            leaf.data = original
        grads.append((above - below) / (2.0 * h))
    return grads


def _as_float(result: object) -> float:
    if isinstance(result, Value):
        return result.data
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        return float(result)
    raise TypeError(f"the function given to numeric_grad must return a number, got {result!r}")
