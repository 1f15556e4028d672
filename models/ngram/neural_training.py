"""The training loops behind NeuralNGram.fit: full-batch gradient descent on W with torch
autograd ("fast" and "lecture"), or with our scalar engine ("engine", bigrams only, see
models.ngram.engine_training). Also the net's forward pass, which the model uses as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from models.ngram.encoding import distinct, split_ngrams
from models.ngram.engine_training import EngineTrainingDiverged, run_engine_training

FIT_METHODS = ("fast", "lecture", "engine")  # "engine": our scalar engine, bigrams only
# The lecture method materialises a one-hot matrix of examples x (n-1)*V floats.
MAX_ONE_HOT_ENTRIES = 60_000_000

OnStep = Callable[[int, float], bool | None]
# The final W, the loss history, its data (mean NLL) part, and name -> NLL of each eval set.
Trained = tuple[torch.Tensor, list[float], list[float], dict[str, list[float]]]


class TrainingDiverged(ValueError):
    """The loss or the weights stopped being finite numbers; the model keeps its old weights."""

    def __init__(self, step: int, history: Sequence[float], lr: float, what: str = "loss"):
        self.step = step
        self.history = tuple(history)
        self.lr = lr
        super().__init__(
            f"Training diverged: the {what} became infinite or NaN at step {step} "
            f"(learning rate {lr:g}). Lower the learning rate and train again."
        )


def initial_weights(n: int, vocab_size: int, seed: int) -> torch.Tensor:
    """torch.randn(((n-1) * V, V), generator=Generator(seed)): for n=2 the lecture's
    W = torch.randn((27, 27), generator=g)."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(((n - 1) * vocab_size, vocab_size), generator=generator)


def context_logits(W: torch.Tensor, context_ids: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """concat(one_hot(c_1), ..., one_hot(c_{n-1})) @ W for each row of context_ids (N, n-1),
    without building the one-hot vectors: the product just adds up row c_k of the k-th block
    of W."""
    logits = W[context_ids[:, 0]]
    for k in range(1, context_ids.shape[1]):
        logits = logits + W[k * vocab_size + context_ids[:, k]]
    return logits


@dataclass(frozen=True)
class Descent:
    """How to train: full-batch gradient descent for `steps` steps with learning rate `lr` on
    mean NLL + reg * mean(W**2), calling on_step(step, loss) after each update (False stops)."""

    steps: int
    lr: float
    reg: float
    on_step: OnStep | None = None


def train_weights(
    method: str,
    ngram_ids: np.ndarray,
    eval_sets: Mapping[str, np.ndarray],
    vocab_size: int,
    n: int,
    seed: int,
    descent: Descent,
) -> Trained:
    """Gradient descent from initial_weights(n, vocab_size, seed) on the flat n-gram indices
    `ngram_ids`, tracking the NLL of each of `eval_sets` (name -> flat n-gram indices). The
    arguments are checked by NeuralNGram.fit; raises TrainingDiverged on inf or NaN."""
    if method == "engine":
        return _train_with_engine(ngram_ids, eval_sets, vocab_size, seed, descent)
    steps, lr, reg, on_step = descent.steps, descent.lr, descent.reg, descent.on_step
    if method == "fast":
        data_loss = _distinct_pair_loss(ngram_ids, vocab_size, n)
    else:
        data_loss = _lecture_loss(ngram_ids, vocab_size, n)
    evaluators = {
        name: _distinct_pair_loss(eval_ids, vocab_size, n) for name, eval_ids in eval_sets.items()
    }
    W = initial_weights(n, vocab_size, seed).requires_grad_(True)
    history: list[float] = []
    data_history: list[float] = []
    tracked: dict[str, list[float]] = {name: [] for name in evaluators}
    for step in range(steps):
        data = data_loss(W)
        loss = data + reg * (W**2).mean()
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            raise TrainingDiverged(step, history, lr)
        history.append(loss_value)
        data_history.append(data.item())
        if evaluators:
            with torch.no_grad():
                for name, evaluate in evaluators.items():
                    tracked[name].append(evaluate(W).item())
        W.grad = None
        loss.backward()
        W.data += -lr * W.grad
        if on_step is not None and on_step(step, loss_value) is False:
            break
    if not bool(torch.isfinite(W).all()):
        raise TrainingDiverged(len(history) - 1, history, lr, what="weights")
    return W.detach(), history, data_history, tracked


def _train_with_engine(
    ngram_ids: np.ndarray,
    eval_sets: Mapping[str, np.ndarray],
    vocab_size: int,
    seed: int,
    descent: Descent,
) -> Trained:
    """The same training with our scalar engine (n = 2): no torch between the initial
    weights and the final ones; torch only draws the initial W (so it is the torch model's)
    and holds the result, as float32 like every other fit."""

    def counted(ids: np.ndarray) -> list[list[int]]:
        return np.bincount(ids, minlength=vocab_size**2).reshape(vocab_size, -1).tolist()

    initial = initial_weights(2, vocab_size, seed).tolist()
    try:
        result = run_engine_training(
            counted(ngram_ids),
            initial,
            descent.steps,
            descent.lr,
            descent.reg,
            descent.on_step,
            eval_counts={name: counted(ids) for name, ids in eval_sets.items()},
        )
    except EngineTrainingDiverged as error:
        raise TrainingDiverged(error.step, error.history, descent.lr, what=error.what) from None
    W = torch.tensor(result.weights, dtype=torch.float32)
    return W, result.history, result.data_history, result.eval_history


def _distinct_pair_loss(
    ngram_ids: np.ndarray, vocab_size: int, n: int
) -> Callable[[torch.Tensor], torch.Tensor]:
    """The mean NLL over all examples, computed from distinct (context, next) pairs.

    An example's loss depends only on its context and its next character, so the mean over
    all N examples equals sum(count(pair) * -log p(next | context)) / N over distinct pairs.
    For names.txt that is 27 contexts and at most 729 pairs instead of 228,146 rows: the
    same loss and gradients as the lecture's code, which is why the two methods agree.
    """
    pairs, pair_counts = distinct(ngram_ids, vocab_size**n)
    contexts, context_of_pair = np.unique(pairs // vocab_size, return_inverse=True)
    context_ids = split_ngrams(contexts, vocab_size, n - 1)
    context_of_pair = torch.from_numpy(context_of_pair)
    next_of_pair = torch.from_numpy(pairs % vocab_size)
    weights = torch.from_numpy(pair_counts).to(torch.float32) / ngram_ids.size

    def data_loss(W: torch.Tensor) -> torch.Tensor:
        logits = context_logits(W, context_ids, vocab_size)
        # log-softmax written out: torch.log_softmax hands even a 27 x 27 input to its thread
        # pool, which made 100 steps take 10x longer on a busy CPU; logsumexp stays serial.
        log_probs = logits - logits.logsumexp(dim=-1, keepdim=True)
        return -(weights * log_probs[context_of_pair, next_of_pair]).sum()

    return data_loss


def _lecture_loss(
    ngram_ids: np.ndarray, vocab_size: int, n: int
) -> Callable[[torch.Tensor], torch.Tensor]:
    """The lecture's forward pass over every example, one-hot vectors included."""
    num = ngram_ids.size
    if num * (n - 1) * vocab_size > MAX_ONE_HOT_ENTRIES:
        raise ValueError(
            f"The lecture method would build a one-hot matrix of {num:,} x "
            f"{(n - 1) * vocab_size} numbers, too big for this server; use method='fast'."
        )
    characters = split_ngrams(ngram_ids, vocab_size, n)
    xs, ys = characters[:, :-1], characters[:, -1]

    def data_loss(W: torch.Tensor) -> torch.Tensor:
        xenc = F.one_hot(xs, num_classes=vocab_size).float().reshape(num, -1)
        logits = xenc @ W  # log-counts
        counts = logits.exp()  # counts, equivalent to N
        probs = counts / counts.sum(1, keepdims=True)  # probabilities for the next character
        return -probs[torch.arange(num), ys].log().mean()

    return data_loss
