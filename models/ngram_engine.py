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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine import Value, dot, vsum, zero_grad
from engine.value import paused_gc


class EngineTrainingDiverged(ValueError):
    """The loss or a weight became inf or NaN."""

    def __init__(self, step: int, history: list[float]):
        self.step = step
        self.history = history
        super().__init__(
            f"The loss became infinite or NaN at step {step}. Lower the learning rate and "
            "train again."
        )


def engine_bigram_loss(
    weights: Sequence[Sequence[Value]], counts: Sequence[Sequence[int]], reg: float
) -> Value:
    """The regularised mean NLL of the counted bigrams, as one engine graph."""
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
    data_loss = vsum(row_losses) * (1.0 / total)
    flat = [w for row in weights for w in row]
    return data_loss + dot(flat, flat) * (reg / len(flat))


def train_bigram_with_engine(
    counts: Sequence[Sequence[int]],
    initial_weights: Sequence[Sequence[float]],
    steps: int,
    lr: float,
    reg: float,
    on_step: Callable[[int, float], bool | None] | None = None,
) -> tuple[list[float], list[list[float]]]:
    """Plain full-batch gradient descent on W, every number an engine Value.

    Returns (history, final weights). history[k] is the loss at step k before that step's
    update, as in the lecture and in `NeuralNGram.fit`. on_step(k, loss) runs after step k's
    update; returning False stops. Raises EngineTrainingDiverged on inf/NaN.
    """
    weights = [
        [Value(float(w), f"W[{r},{c}]") for c, w in enumerate(row)]
        for r, row in enumerate(initial_weights)
    ]
    flat = [w for row in weights for w in row]
    history: list[float] = []
    for step in range(steps):
        with paused_gc():  # the graph has no cycles; see engine.value.paused_gc
            loss = engine_bigram_loss(weights, counts, reg)
            if not math.isfinite(loss.data):
                raise EngineTrainingDiverged(step, history)
            history.append(loss.data)
            zero_grad(flat)
            loss.backward()
        for w in flat:
            w.data -= lr * w.grad
        if not all(math.isfinite(w.data) for w in flat):
            raise EngineTrainingDiverged(step, history)
        if on_step is not None and on_step(step, loss.data) is False:
            break
    return history, [[w.data for w in row] for row in weights]
