"""A multilayer perceptron on the scalar engine, with micrograd's semantics.

`MLP(2, [16, 16, 1], activation="relu", seed=1337)` starts from exactly the weights
micrograd's `MLP(2, [16, 16, 1])` gets after `random.seed(1337)`: weights are drawn from
uniform(-1, 1) layer by layer, neuron by neuron, input by input, from a private
`random.Random(seed)`; biases start at 0; every layer but the last applies the activation,
the last is linear. The forward pass uses the fused `engine.dot` (one node per neuron);
`expanded=True` builds the binary form instead, for drawing a small network.

`demo_loss` is the loss of micrograd's demo notebook (SVM max-margin loss plus L2
regularisation), written so that it gives the same numbers as the notebook.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Sequence
from operator import mul

from engine import Value, dot, vsum, zero_grad
from engine.ops import sum_in_order
from engine.value import paused_gc

ACTIVATIONS = ("relu", "tanh", "linear")


def _check_count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{what} must be a positive whole number, got {n!r}")
    return int(n)


def _check_activation(activation: object) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    return activation


def _as_inputs(x: object, nin: int) -> list[Value]:
    """The input as a list of Values (numbers become leaves named x1, x2, ...).

    Any sized iterable works: a list, a tuple, a row of a numpy array.
    """
    if isinstance(x, (str, bytes)) or not (hasattr(x, "__len__") and hasattr(x, "__iter__")):
        raise TypeError(f"the input must be a list of {nin} numbers, got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"the input must have {nin} numbers (one per input), got {len(x)}")
    return [
        item if isinstance(item, Value) else Value(item, f"x{i + 1}") for i, item in enumerate(x)
    ]


def _identity(node: Value) -> Value:
    return node


_ACTIVATE = {"relu": Value.relu, "tanh": Value.tanh, "linear": _identity}


def _activate(node: Value, activation: str) -> Value:
    return _ACTIVATE[activation](node)


def _relu_float(x: float) -> float:
    return x if x > 0.0 else 0.0  # Value.relu's rule, so NaN and 0 behave the same


def _identity_float(x: float) -> float:
    return x


# The activations on plain floats, with exactly the arithmetic of the Value operations.
_ACTIVATE_FLOAT = {"relu": _relu_float, "tanh": math.tanh, "linear": _identity_float}


class Neuron:
    """`activation(bias + w1*x1 + ... + wn*xn)` with its own weights and bias."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        rng: random.Random | None = None,
        seed: int = 0,
        name: str = "",
    ) -> None:
        nin = _check_count(nin, "the number of inputs")
        self.activation = _check_activation(activation)
        rng = random.Random(seed) if rng is None else rng
        prefix = f"{name}." if name else ""
        self.w = [Value(rng.uniform(-1, 1), f"{prefix}w{i + 1}") for i in range(nin)]
        self.b = Value(0.0, f"{prefix}b")

    def __call__(self, x: Sequence[Value | float], *, expanded: bool = False) -> Value:
        inputs = _as_inputs(x, len(self.w))
        node = dot(self.w, inputs, self.b, expanded=expanded)
        out = _activate(node, self.activation)
        if expanded and out is not node:
            out.label = self.activation
        return out

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)} inputs, {self.activation})"


class Layer:
    """`nout` neurons that all see the same inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        rng: random.Random | None = None,
        seed: int = 0,
        name: str = "",
    ) -> None:
        nout = _check_count(nout, "the number of neurons in a layer")
        rng = random.Random(seed) if rng is None else rng
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, activation, rng=rng, name=f"{prefix}n{j + 1}") for j in range(nout)
        ]

    def __call__(
        self, x: Sequence[Value | float], *, expanded: bool = False
    ) -> Value | list[Value]:
        inputs = _as_inputs(x, len(self.neurons[0].w))
        outs = [neuron(inputs, expanded=expanded) for neuron in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self) -> str:
        return f"Layer({len(self.neurons)} neurons: {self.neurons[0]!r})"


class MLP:
    """Layers of neurons; the last layer is linear, the others use `activation`.

    Called on a list of `nin` numbers or Values, it returns a Value when the last layer has
    one neuron, else a list of Values.
    """

    def __init__(
        self, nin: int, nouts: Sequence[int], activation: str = "relu", *, seed: int = 0
    ) -> None:
        self.nin = _check_count(nin, "the number of inputs")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [self.nin] + [_check_count(n, "every layer size") for n in nouts]
        self.activation = _check_activation(activation)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"seed must be a whole number, got {seed!r}")
        self.seed = int(seed)
        rng = random.Random(self.seed)
        last = len(sizes) - 2
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i != last else "linear",
                rng=rng,
                name=f"L{i + 1}",
            )
            for i in range(len(sizes) - 1)
        ]

    def __call__(
        self, x: Sequence[Value | float], *, expanded: bool = False
    ) -> Value | list[Value]:
        if expanded:
            values = _as_inputs(x, self.nin)
            for layer in self.layers:
                out = layer(values, expanded=True)
                values = out if isinstance(out, list) else [out]
            return values[0] if len(values) == 1 else values
        return self.forward_many([x])[0]

    def forward_many(self, rows: Sequence[Sequence[Value | float]]) -> list[Value | list[Value]]:
        """`[self(row) for row in rows]`, faster: each weight is read once for all rows.

        Builds the same graph and the same numbers as calling the model row by row.
        """
        # What every neuron needs, gathered once: the weights cannot change during the call.
        layers = [
            [
                (
                    (*neuron.w, neuron.b),
                    [w.data for w in neuron.w],
                    neuron.b.data,
                    _ACTIVATE[neuron.activation],
                )
                for neuron in layer.neurons
            ]
            for layer in self.layers
        ]
        with paused_gc():
            return self._forward_prepared(rows, layers)

    def _forward_prepared(
        self, rows: Sequence[Sequence[Value | float]], layers: list[list[tuple]]
    ) -> list[Value | list[Value]]:
        """The forward pass proper: one fused dot node (children: weights, bias, inputs) and
        one activation node per neuron, written out here because it is the hot loop."""
        parameters: set[Value] | None = None
        results = []
        for row in rows:
            values = tuple(_as_inputs(row, self.nin))
            if any(isinstance(item, Value) for item in row):
                parameters = set(self.parameters()) if parameters is None else parameters
                reused = len(set(values)) < len(values) or not parameters.isdisjoint(values)
            else:
                reused = False  # numbers became fresh leaves
            if reused:
                # A Value fed in twice, or a weight fed in as an input: dot() orders the
                # children so the gradients stay exact; rare, so the slow path is fine.
                results.append(self._forward_general(values))
                continue
            for neurons in layers:
                data = [v.data for v in values]
                values = tuple(
                    [
                        activate(
                            Value(
                                sum_in_order(map(mul, weight_data, data), bias_data),
                                "",
                                weights_and_bias + values,
                                (*data, 1.0, *weight_data),
                                "dot",
                            )
                        )
                        for weights_and_bias, weight_data, bias_data, activate in neurons
                    ]
                )
            results.append(values[0] if len(values) == 1 else list(values))
        return results

    def _forward_general(self, values: Sequence[Value]) -> Value | list[Value]:
        for layer in self.layers:
            out = layer(values)
            values = out if isinstance(out, list) else [out]
        return values[0] if len(values) == 1 else list(values)

    def predict(self, rows: Sequence[Sequence[float]]) -> list[float] | list[list[float]]:
        """The outputs for many inputs as plain floats, without building a graph.

        The same arithmetic as the Value forward pass (bias first, products added in order,
        the same activation rules), so the numbers agree to the last bit; it is several
        times faster because no node is made. One float per row when the last layer has
        one neuron, else a list per row.
        """
        layers = [
            [
                ([w.data for w in neuron.w], neuron.b.data, _ACTIVATE_FLOAT[neuron.activation])
                for neuron in layer.neurons
            ]
            for layer in self.layers
        ]
        results = []
        for row in rows:
            if len(row) != self.nin:
                raise ValueError(
                    f"the input must have {self.nin} numbers (one per input), got {len(row)}"
                )
            values = [float(x) for x in row]
            for neurons in layers:
                values = [
                    activate(sum_in_order(map(mul, weights, values), bias))
                    for weights, bias, activate in neurons
                ]
            results.append(values[0] if len(values) == 1 else values)
        return results

    def parameters(self) -> list[Value]:
        """All weights and biases, in micrograd's order: layer, neuron, then w1..wn, b."""
        return [p for layer in self.layers for p in layer.parameters()]

    def get_weights(self) -> list[float]:
        """The parameters' numbers, in `parameters()` order (a copy)."""
        return [p.data for p in self.parameters()]

    def set_weights(self, weights: Sequence[float]) -> None:
        """Put numbers from `get_weights()` (of this or an identically shaped MLP) back."""
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"expected {len(params)} weights, got {len(weights)}")
        for p, w in zip(params, weights, strict=True):
            p.data = float(w)

    def num_parameters(self) -> int:
        return sum(len(neuron.w) + 1 for layer in self.layers for neuron in layer.neurons)

    def zero_grad(self) -> None:
        zero_grad(self.parameters())

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{len(layer.neurons)} {layer.neurons[0].activation}" for layer in self.layers
        )
        return f"MLP({self.nin} inputs -> [{sizes}], {self.num_parameters()} parameters)"


# ---- micrograd's demo -------------------------------------------------------------------------


def demo_loss(
    model: MLP,
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    alpha: float = 1e-4,
) -> tuple[Value, float]:
    """The demo notebook's loss on the full batch, and the accuracy, as (loss, accuracy).

    loss = mean over samples of relu(1 - y*score)  +  alpha * (sum of squared parameters),
    with labels y in {-1, +1}. The arithmetic follows the notebook step for step (the mean
    multiplies by 1/n, the sums add left to right), so the numbers match micrograd's.
    Accuracy is the fraction of samples where the score has the sign of the label.
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)} labels")
    if not len(X):
        raise ValueError("demo_loss needs at least one sample")
    scores = model.forward_many(X)
    if not isinstance(scores[0], Value):
        raise ValueError("demo_loss needs a model with a single output neuron")
    margins = [(1 - label * score).relu() for label, score in zip(y, scores, strict=True)]
    data_loss = vsum(margins) * (1.0 / len(margins))
    params = model.parameters()
    reg_loss = alpha * dot(params, params)  # the sum of p*p, in order, as one node
    hits = [bool(label > 0) == (score.data > 0) for label, score in zip(y, scores, strict=True)]
    return data_loss + reg_loss, sum(hits) / len(hits)


def demo_learning_rate(step: int, steps: int = 100) -> float:
    """The notebook's schedule, 1.0 - 0.9*step/steps: 1.0 at step 0, falling linearly."""
    return 1.0 - 0.9 * step / steps


def sgd_step(parameters: Sequence[Value], learning_rate: float) -> None:
    """`p.data -= learning_rate * p.grad` for every parameter."""
    for p in parameters:
        p.data -= learning_rate * p.grad


def demo_train_step(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[float], step: int, steps: int = 100
) -> tuple[float, float]:
    """One step of the notebook's loop: loss, zero grads, backward, update. Returns
    (loss, accuracy) measured before the update."""
    with paused_gc():  # the graph is freed when this returns; no need to scan it before
        loss, accuracy = demo_loss(model, X, y)
        model.zero_grad()
        loss.backward()
        sgd_step(model.parameters(), demo_learning_rate(step, steps))
        return loss.data, accuracy
