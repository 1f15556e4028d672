"""Training a micrograd MLP on a small labelled dataset, a few steps at a time.

`TrainingConfig` says what to train (hidden widths, activation, loss, L2 strength, learning rate
and its schedule, batch size, steps, seed); a `Trainer` owns the model, takes `step(n)` or
`run_for(seconds)`, keeps one `StepRecord` per step, stops by itself when the loss or a weight
stops being a finite number (`divergence` then says where and what to do), and `reset()`s to the
exact initial weights. Nothing here raises to a page for a run that goes wrong.

Labels are -1 or +1 and the network has one output, its *score*: a positive score predicts +1.
The three losses, each averaged over the points of the batch, plus `l2 * sum(p*p)` over every
weight and bias (as micrograd's demo):

- max-margin (micrograd's demo): relu(1 - y*score);
- mean squared error (the lecture): (score - y)**2. The lecture adds the squared errors of its
  four examples up; here they are averaged, so that a learning rate means the same step size
  for 4 points or 400 and for any batch size (the lecture's sum is n times this mean);
- binary cross-entropy: -log sigmoid(y*score), the cross-entropy of sigmoid(score) with the
  label mapped to 0/1, written as softplus(-y*score) so no exp() overflows and no log() sees 0.

Each record measures the weights a step starts from (micrograd's demo prints the loss before
its update), so `history[99].loss` of the demo is the notebook's printed step-99 loss.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import mul

import numpy as np

from engine import Value, dot, vsum
from engine.graph import topological_order
from engine.ops import sum_in_order
from engine.value import paused_gc
from models.mlp import MLP, sgd_step

LOSSES = ("max_margin", "mse", "bce")
LOSS_LABELS = {
    "max_margin": "max-margin (the demo's)",
    "mse": "squared error (the lecture's)",
    "bce": "binary cross-entropy",
}
SCHEDULES = ("constant", "linear")
SCHEDULE_LABELS = {
    "constant": "constant",
    "linear": "linear decay to 10% (the demo's)",
}
HIDDEN_ACTIVATIONS = ("relu", "tanh")
MAX_HIDDEN_LAYERS = 4
MAX_WIDTH = 32
MAX_STEPS = 5000
MAX_LEARNING_RATE = 1e6
MAX_GRAPH_NODES = 60  # a computation graph larger than this is not drawn


@dataclass(frozen=True)
class TrainingConfig:
    """What to train and how. `batch_size=None` trains on every training point each step."""

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    loss: str = "max_margin"
    l2: float = 1e-4
    learning_rate: float = 1.0
    schedule: str = "linear"
    batch_size: int | None = None
    steps: int = 100
    seed: int = 1337

    def __post_init__(self) -> None:
        hidden = tuple(self.hidden)
        object.__setattr__(self, "hidden", hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(hidden)}")
        for width in hidden:
            if not _is_whole(width) or not 1 <= width <= MAX_WIDTH:
                raise ValueError(f"each hidden layer needs 1 to {MAX_WIDTH} neurons, got {width!r}")
        if self.activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"activation must be relu or tanh, got {self.activation!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {self.loss!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be constant or linear, got {self.schedule!r}")
        if not _is_number(self.l2) or not 0.0 <= self.l2 <= 1.0:
            raise ValueError(f"the L2 strength must be between 0 and 1, got {self.l2!r}")
        lr = self.learning_rate
        if not _is_number(lr) or not 0.0 < lr <= MAX_LEARNING_RATE:
            raise ValueError(
                f"the learning rate must be above 0 and at most {MAX_LEARNING_RATE:g}, got {lr!r}"
            )
        if self.batch_size is not None and (not _is_whole(self.batch_size) or self.batch_size < 1):
            raise ValueError(
                f"the batch size must be a whole number, 1 or more, got {self.batch_size!r}"
            )
        if not _is_whole(self.steps) or not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(
                f"steps must be a whole number from 1 to {MAX_STEPS}, got {self.steps!r}"
            )
        if not _is_whole(self.seed) or self.seed < 0:
            raise ValueError(f"the seed must be a whole number, 0 or more, got {self.seed!r}")

    @property
    def layer_sizes(self) -> list[int]:
        """Neurons per layer, the output layer (one neuron) included: MLP's `nouts`."""
        return [*self.hidden, 1]


def _is_whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def count_parameters(nin: int, config: TrainingConfig) -> int:
    """Weights and biases of the network: each neuron has one weight per input and a bias."""
    sizes = [nin, *config.layer_sizes]
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:], strict=False))


def learning_rate_at(config: TrainingConfig, step: int) -> float:
    """The learning rate of step `step` (0-based). "linear" is the demo's schedule scaled by
    the chosen rate: lr * (1 - 0.9 * step / steps), from lr down towards lr / 10."""
    if config.schedule == "constant":
        return config.learning_rate
    return config.learning_rate * (1.0 - 0.9 * step / config.steps)


def batch_schedule(
    n_train: int, batch_size: int | None, seed: int
) -> Iterator[tuple[int, ...] | None]:
    """The training points of each step: None for the full batch (every point, in order),
    else `batch_size` distinct indices drawn from a generator seeded by `seed` alone."""
    if batch_size is None or batch_size >= n_train:
        while True:
            yield None
    rng = random.Random(f"minibatches:{seed}")  # its own stream, apart from the weights'
    population = range(n_train)
    while True:
        yield tuple(rng.sample(population, batch_size))


# ---- losses -------------------------------------------------------------------------------------


def _softplus(z: Value) -> Value:
    """log(1 + exp(z)) without overflow: for z > 0 it is z + log(1 + exp(-z))."""
    if z.data > 0.0:
        return z + (1 + (-z).exp()).log()
    return (1 + z.exp()).log()


def point_loss(score: Value, label: float, loss: str) -> Value:
    """One point's data loss as a graph (label -1 or +1)."""
    if loss == "max_margin":
        return (1 - label * score).relu()
    if loss == "mse":
        return (score - label) ** 2
    return _softplus(-label * score)


def point_loss_float(score: float, label: float, loss: str) -> float:
    """`point_loss` on plain floats (no graph): for evaluating held-out points."""
    if loss == "max_margin":
        margin = 1 - label * score
        return margin if margin > 0.0 else 0.0
    if loss == "mse":
        error = score - label
        return error * error  # float ** 2 raises on overflow; * gives inf, which we report
    z = -label * score
    if z > 0.0:
        return z + math.log1p(math.exp(-z))
    return math.log1p(math.exp(z))


def objective(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[float], loss: str, l2: float
) -> tuple[Value, list[Value]]:
    """The loss gradient descent minimises on (X, y) and the scores, as (loss, scores).

    mean of the points' losses + l2 * sum(p*p). For max-margin this is micrograd's demo loss
    computed in the same order (models.mlp.demo_loss), so the numbers match the notebook's.
    """
    scores = model.forward_many(X)
    terms = [point_loss(score, label, loss) for score, label in zip(scores, y, strict=True)]
    total = vsum(terms) * (1.0 / len(terms))
    if l2:
        params = model.parameters()
        total = total + l2 * dot(params, params)
    return total, scores


def l2_penalty(weights: Sequence[float], l2: float) -> float:
    return l2 * sum_in_order(map(mul, weights, weights), 0.0) if l2 else 0.0


def accuracy(scores: Sequence[float], labels: Sequence[float]) -> float:
    """Fraction of points whose score has the sign of the label (a score of 0 counts as -1)."""
    hits = sum((label > 0) == (score > 0) for score, label in zip(scores, labels, strict=True))
    return hits / len(labels)


def evaluate(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[float], loss: str, l2: float
) -> tuple[float, float]:
    """(loss, accuracy) of the current weights on (X, y), in plain floats."""
    scores = model.predict(X)
    mean = sum(point_loss_float(s, label, loss) for s, label in zip(scores, y, strict=True)) / len(
        y
    )
    return mean + l2_penalty(model.get_weights(), l2), accuracy(scores, y)


# ---- the trainer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRecord:
    """What one step saw, measured on the weights it started from (before its update).

    `loss` is the objective on the step's batch (what was differentiated); `train_loss` and
    `train_accuracy` are on every training point, `test_*` on the held-out points (None when
    there are none). With the full batch `train_loss == loss`.
    """

    step: int
    learning_rate: float
    loss: float
    train_loss: float
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None


@dataclass(frozen=True)
class Divergence:
    step: int
    message: str


class Trainer:
    """A model, its data and its history; trains on request and never raises for a bad run.

    `X_*` rows are tuples of floats, `y_*` labels -1 or +1. The test set may be empty.
    """

    def __init__(
        self,
        config: TrainingConfig,
        X_train: Sequence[Sequence[float]],
        y_train: Sequence[float],
        X_test: Sequence[Sequence[float]] = (),
        y_test: Sequence[float] = (),
    ) -> None:
        self.config = config
        self.X_train, self.y_train = _checked_data(X_train, y_train, "training")
        if not self.X_train:
            raise ValueError("there are no training points")
        self.X_test, self.y_test = _checked_data(X_test, y_test, "test")
        self.nin = len(self.X_train[0])
        if any(len(row) != self.nin for row in self.X_test):
            raise ValueError("the test points do not have as many inputs as the training points")
        self.model = MLP(self.nin, config.layer_sizes, config.activation, seed=config.seed)
        self.initial_weights: tuple[float, ...] = tuple(self.model.get_weights())
        self.reset()

    def reset(self) -> None:
        """Back to the initial weights and an empty history; the batches start over too."""
        self.model.set_weights(self.initial_weights)
        self.model.zero_grad()
        self.history: list[StepRecord] = []
        self.divergence: Divergence | None = None
        self.compute_seconds = 0.0
        self._batches = batch_schedule(len(self.X_train), self.config.batch_size, self.config.seed)

    @property
    def steps_done(self) -> int:
        return len(self.history)

    @property
    def finished(self) -> bool:
        return self.divergence is not None or self.steps_done >= self.config.steps

    @property
    def full_batch(self) -> bool:
        size = self.config.batch_size
        return size is None or size >= len(self.X_train)

    def step(self, n: int = 1) -> int:
        """Run up to `n` steps (fewer if the run finishes); returns how many ran."""
        done = 0
        while done < n and not self.finished:
            self._one_step()
            done += 1
        return done

    def run_for(
        self,
        seconds: float,
        max_steps: int | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> int:
        """Train until `seconds` have passed (at least one step), `max_steps` steps are done,
        or the run finishes; returns how many steps ran."""
        deadline = clock() + seconds
        done = 0
        while not self.finished and (max_steps is None or done < max_steps):
            self._one_step()
            done += 1
            if clock() >= deadline:
                break
        return done

    def _one_step(self) -> None:
        started = time.perf_counter()
        step = self.steps_done
        try:
            self._train_one_step(step)
        except OverflowError as error:
            self._diverge(step, f"a number grew too large for a float ({error})")
        except (ArithmeticError, ValueError) as error:
            # The engine refuses what has no finite answer (log of 0, division by 0...).
            self._diverge(step, f"a computation had no finite answer ({error})")
        finally:
            self.compute_seconds += time.perf_counter() - started

    def _train_one_step(self, k: int) -> None:
        config = self.config
        lr = learning_rate_at(config, k)
        batch = next(self._batches)
        if batch is None:
            X, y = self.X_train, self.y_train
        else:
            X = [self.X_train[i] for i in batch]
            y = [self.y_train[i] for i in batch]
        with paused_gc():  # the graph is freed when this returns; no need to scan it before
            loss, scores = objective(self.model, X, y, config.loss, config.l2)
            # Everything the record needs is measured before the update changes the weights.
            if batch is None:
                train_loss, train_accuracy = loss.data, accuracy([s.data for s in scores], y)
            else:
                train_loss, train_accuracy = evaluate(
                    self.model, self.X_train, self.y_train, config.loss, config.l2
                )
            test_loss = test_accuracy = None
            if self.X_test:
                test_loss, test_accuracy = evaluate(
                    self.model, self.X_test, self.y_test, config.loss, config.l2
                )
            self.history.append(
                StepRecord(k, lr, loss.data, train_loss, train_accuracy, test_loss, test_accuracy)
            )
            if not math.isfinite(loss.data):
                kind = "not a number (NaN)" if math.isnan(loss.data) else "infinite"
                self._diverge(k, f"the loss became {kind}")
                return
            self.model.zero_grad()
            loss.backward()
            sgd_step(self.model.parameters(), lr)
        if not all(map(math.isfinite, self.model.get_weights())):
            self._diverge(k, "its update made a weight infinite or not a number (NaN)")

    def _diverge(self, step: int, what: str) -> None:
        lr = self.config.learning_rate
        suggestion = max(min(lr / 10, 0.1), 1e-4)
        self.divergence = Divergence(
            step,
            f"Training stopped at step {step}: {what}. The updates overshot and the weights "
            f"grew without bound, which means the learning rate ({lr:g}) is too large for this "
            f"network and data. Lower the learning rate (try {suggestion:g}) and press Train.",
        )


def _checked_data(
    X: Sequence[Sequence[float]], y: Sequence[float], what: str
) -> tuple[tuple[tuple[float, ...], ...], tuple[int, ...]]:
    if len(X) != len(y):
        raise ValueError(f"the {what} data has {len(X)} points but {len(y)} labels")
    rows = tuple(tuple(float(v) for v in row) for row in X)
    if rows and any(len(row) != len(rows[0]) or not row for row in rows):
        raise ValueError(f"every {what} point needs the same number of inputs")
    if any(not math.isfinite(v) for row in rows for v in row):
        raise ValueError(f"the {what} points must be finite numbers")
    labels = tuple(int(label) for label in y)
    if any(label not in (-1, 1) for label in labels) or any(
        label != original for label, original in zip(labels, y, strict=True)
    ):
        raise ValueError(f"the {what} labels must be -1 or +1")
    return rows, labels


# ---- looking inside ---------------------------------------------------------------------------


def predict_array(model: MLP, X: np.ndarray) -> np.ndarray:
    """The scores of many points at once with numpy (for a decision-boundary grid).

    Agrees with `MLP.predict` to rounding (numpy adds the products in its own order). Weights
    that overflowed give inf or NaN scores, without warnings.
    """
    values = np.asarray(X, dtype=float)
    with np.errstate(all="ignore"):
        for layer in model.layers:
            weights = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
            biases = np.array([neuron.b.data for neuron in layer.neurons])
            values = values @ weights.T + biases
            activation = layer.neurons[0].activation
            if activation == "relu":
                values = np.where(values > 0.0, values, 0.0)
            elif activation == "tanh":
                values = np.tanh(values)
    return values[:, 0]


def copy_model(model: MLP) -> MLP:
    """A new MLP of the same shape with the same weights (and its own Values)."""
    sizes = [len(layer.neurons) for layer in model.layers]
    copy = MLP(model.nin, sizes, model.activation, seed=model.seed)
    copy.set_weights(model.get_weights())
    return copy


def point_loss_graph(
    model: MLP, x: Sequence[float], label: float, loss: str, max_nodes: int = MAX_GRAPH_NODES
) -> Value | None:
    """One point's data loss as the lecture draws it (a node per + and *), gradients filled in.

    Built on a copy of the model, so the model's own gradients are untouched. Returns None when
    the graph would have more than `max_nodes` Values (too many to read).
    """
    if 2 * model.num_parameters() > max_nodes:  # each weight brings a leaf and a product
        return None
    copy = copy_model(model)
    inputs = [Value(float(v), f"x{i + 1}") for i, v in enumerate(x)]
    score = copy(inputs, expanded=True)
    score.label = "score"
    target = Value(float(label), "y")
    root = point_loss(score, target, loss)
    root.label = "loss"
    if len(topological_order(root)) > max_nodes:
        return None
    root.backward()
    return root
