"""The neural bigram trained with our own scalar engine: lesson 1 meets lesson 2.

The bigram net of makemore part 1 has one V x V weight matrix W (27 x 27 = 729 weights for
names). Here every weight is an `engine.Value`, and the forward and backward passes run
through the engine, with no torch anywhere in this module.

Like the fast torch path, this trains on the counts N[r, c] of distinct bigrams: the mean
negative log-likelihood over all examples is

    (1 / total) * sum_r ( R_r * logsumexp(W[r]) - sum_c N[r, c] * W[r, c] ),  R_r = sum_c N[r, c]

because an example's loss depends only on its (input, next) pair. So a step costs about a
thousand scalar operations per row (27 exps, a sum, a log and a dot product) instead of one
row per example. The loss adds reg * mean(W**2), as in the lecture.

`NeuralNGram.fit(..., method="engine")` trains through `run_engine_training`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from engine import Value, dot, vsum, zero_grad
from engine.value import paused_gc


class EngineTrainingDiverged(ValueError):
    """The loss or a weight became inf or NaN."""

    def __init__(self, step: int, history: list[float], what: str = "loss"):
        self.step = step
        self.history = history
        self.what = what
        super().__init__(
            f"The {what} became infinite or NaN at step {step}. Lower the learning rate and "
            "train again."
        )


@dataclass
class EngineTraining:
    """Everything one engine training run records, step by step.

    history[k] is the loss (with the reg term) at step k before that step's update;
    data_history[k] its mean NLL part; eval_history[name][k] the mean NLL of another set of
    counted bigrams (a dev split) at the same weights; weights are the final W.
    """

    history: list[float] = field(default_factory=list)
    data_history: list[float] = field(default_factory=list)
    eval_history: dict[str, list[float]] = field(default_factory=dict)
    weights: list[list[float]] = field(default_factory=list)


def engine_bigram_data_loss(
    weights: Sequence[Sequence[Value]], counts: Sequence[Sequence[int]]
) -> Value:
    """The mean NLL of the counted bigrams (no reg term), as one engine graph."""
    total = sum(sum(row) for row in counts)
    if total <= 0:
        raise ValueError("there are no bigrams to learn from")
    row_losses = []
    for row_weights, row_counts in zip(weights, counts, strict=True):
        row_total = sum(row_counts)
        if row_total == 0:
            continue  # a character never followed by anything adds nothing to the loss
        # logsumexp with the row's largest logit taken out first, so exp() cannot overflow;
        # the shift is a plain number, so the gradient is unchanged.
        shift = max(w.data for w in row_weights)
        log_normaliser = vsum([(w - shift).exp() for w in row_weights]).log() + shift
        row_losses.append(log_normaliser * row_total - dot(row_weights, row_counts))
    return vsum(row_losses) * (1.0 / total)


def engine_bigram_loss(
    weights: Sequence[Sequence[Value]], counts: Sequence[Sequence[int]], reg: float
) -> tuple[Value, Value]:
    """The regularised mean NLL of the counted bigrams as one engine graph, and its data
    part (the mean NLL without the reg term, a node of the same graph)."""
    flat = [w for row in weights for w in row]
    data_loss = engine_bigram_data_loss(weights, counts)
    return data_loss + dot(flat, flat) * (reg / len(flat)), data_loss


def bigram_nll(weights: Sequence[Sequence[float]], counts: Sequence[Sequence[int]]) -> float:
    """The mean NLL of counted bigrams under plain-number weights: no graph, for evaluating
    a dev split at every step without paying for a backward pass."""
    total = sum(sum(row) for row in counts)
    if total <= 0:
        raise ValueError("there are no bigrams to evaluate")
    nll = 0.0
    for row_weights, row_counts in zip(weights, counts, strict=True):
        row_total = sum(row_counts)
        if row_total == 0:
            continue
        shift = max(row_weights)
        log_normaliser = math.log(math.fsum(math.exp(w - shift) for w in row_weights)) + shift
        nll += row_total * log_normaliser - math.fsum(
            n * w for n, w in zip(row_counts, row_weights, strict=True) if n
        )
    return nll / total


def run_engine_training(
    counts: Sequence[Sequence[int]],
    initial_weights: Sequence[Sequence[float]],
    steps: int,
    lr: float,
    reg: float,
    on_step: Callable[[int, float], bool | None] | None = None,
    eval_counts: Mapping[str, Sequence[Sequence[int]]] | None = None,
) -> EngineTraining:
    """Plain full-batch gradient descent on W, every number an engine Value.

    Records the loss, its data part and the NLL of each `eval_counts` entry at every step,
    before that step's update, as in the lecture and in `NeuralNGram.fit`. on_step(k, loss)
    runs after step k's update; returning False stops. Raises EngineTrainingDiverged on
    inf/NaN in the loss or the weights.
    """
    weights = [
        [Value(float(w), f"W[{r},{c}]") for c, w in enumerate(row)]
        for r, row in enumerate(initial_weights)
    ]
    flat = [w for row in weights for w in row]
    result = EngineTraining(eval_history={name: [] for name in eval_counts or {}})
    for step in range(steps):
        with paused_gc():  # the graph has no cycles; see engine.value.paused_gc
            loss, data_loss = engine_bigram_loss(weights, counts, reg)
            if not math.isfinite(loss.data):
                raise EngineTrainingDiverged(step, result.history)
            result.history.append(loss.data)
            result.data_history.append(data_loss.data)
            if eval_counts:
                current = [[w.data for w in row] for row in weights]
                for name, other in eval_counts.items():
                    result.eval_history[name].append(bigram_nll(current, other))
            zero_grad(flat)
            loss.backward()
        for w in flat:
            w.data -= lr * w.grad
        if not all(math.isfinite(w.data) for w in flat):
            raise EngineTrainingDiverged(step, result.history, what="weights")
        if on_step is not None and on_step(step, loss.data) is False:
            break
    result.weights = [[w.data for w in row] for row in weights]
    return result
