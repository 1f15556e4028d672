"""The MLP language model's parameters, loss, training and sampling.

The parameters are made as the part-2 notebook makes them: one torch.Generator seeded
2147483647, drawing C, W1, b1, W2, b2 in that order with torch.randn. `fix_init` scales them
as makemore part 3 does (W1 by (5/3)/sqrt(fan_in), b1 and W2 by 0.01, b2 by 0) so that the
loss at step 0 is near -log(1/27) = 3.2958 instead of ~27.

Training is the notebook's loop (minibatch of 32, SGD, one step decay) with its batches drawn
from the run's own generator. Two ways to compute a step's gradients give the same numbers:
"autograd" is the notebook's (F.cross_entropy and loss.backward()); "fused" writes the
backward pass out by hand, as makemore part 4 does, with no autograd graph, which is the
faster of the two on a CPU at these sizes (benchmarks/mlp_lm.py).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

INIT_SEED = 2147483647
SAMPLE_SEED = 2147483647 + 10
BATCH_SIZE = 32
METHODS = ("fused", "autograd")


@dataclass(frozen=True)
class LmConfig:
    """The network's shape: the lecture's final run is block 3, embedding 10, hidden 200."""

    block_size: int = 3
    embedding: int = 10
    hidden: int = 200
    vocab_size: int = 27
    fix_init: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.block_size <= 8:
            raise ValueError("The context length must be 1 to 8 characters.")
        if not 2 <= self.embedding <= 32:
            raise ValueError("The embedding size must be 2 to 32.")
        if not 1 <= self.hidden <= 500:
            raise ValueError("The hidden layer must have 1 to 500 neurons.")


@dataclass
class LmParameters:
    """C (vocab x embedding), W1, b1, W2, b2, in the notebook's order. A trained copy is
    never changed again (train_steps works on its own clone)."""

    C: torch.Tensor
    W1: torch.Tensor
    b1: torch.Tensor
    W2: torch.Tensor
    b2: torch.Tensor

    def tensors(self) -> list[torch.Tensor]:
        return [self.C, self.W1, self.b1, self.W2, self.b2]

    def clone(self) -> LmParameters:
        return LmParameters(*(t.detach().clone() for t in self.tensors()))


def parameter_count(config: LmConfig) -> int:
    fan_in = config.block_size * config.embedding
    return (
        config.vocab_size * config.embedding
        + fan_in * config.hidden
        + config.hidden
        + config.hidden * config.vocab_size
        + config.vocab_size
    )


def init_parameters(config: LmConfig, seed: int = INIT_SEED) -> LmParameters:
    g = torch.Generator().manual_seed(seed)
    fan_in = config.block_size * config.embedding
    C = torch.randn((config.vocab_size, config.embedding), generator=g)
    W1 = torch.randn((fan_in, config.hidden), generator=g)
    b1 = torch.randn(config.hidden, generator=g)
    W2 = torch.randn((config.hidden, config.vocab_size), generator=g)
    b2 = torch.randn(config.vocab_size, generator=g)
    if config.fix_init:
        W1 *= (5 / 3) / math.sqrt(fan_in)
        b1 *= 0.01
        W2 *= 0.01
        b2 *= 0.0
    return LmParameters(C, W1, b1, W2, b2)


def logits_of(params: LmParameters, X: torch.Tensor) -> torch.Tensor:
    emb = params.C[X].reshape(X.shape[0], -1)
    return torch.tanh(emb @ params.W1 + params.b1) @ params.W2 + params.b2


def evaluate_loss(params: LmParameters, X: torch.Tensor, Y: torch.Tensor) -> float:
    """The mean cross-entropy over a whole split (the notebook's train and dev losses)."""
    with torch.no_grad():
        return F.cross_entropy(logits_of(params, X), Y).item()


def fused_gradients(
    params: LmParameters, Xb: torch.Tensor, Yb: torch.Tensor
) -> tuple[float, list[torch.Tensor]]:
    """The minibatch's loss and d loss / d each parameter, the backward pass written out:
    softmax minus one-hot through the output layer, (1 - h^2) through tanh, and the rows
    of C scattered back with index_add_."""
    n, (_, d) = Xb.shape[0], params.C.shape
    emb = params.C[Xb].reshape(n, -1)
    h = torch.tanh(emb @ params.W1 + params.b1)
    logits = h @ params.W2 + params.b2
    log_probs = torch.log_softmax(logits, dim=1)
    loss = -log_probs[torch.arange(n), Yb].mean()
    dlogits = log_probs.exp_()
    dlogits[torch.arange(n), Yb] -= 1.0
    dlogits /= n
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dhpre = (dlogits @ params.W2.T).mul_(1.0 - h * h)
    dW1 = emb.T @ dhpre
    db1 = dhpre.sum(0)
    demb = dhpre @ params.W1.T
    dC = torch.zeros_like(params.C).index_add_(0, Xb.reshape(-1), demb.reshape(-1, d))
    return loss.item(), [dC, dW1, db1, dW2, db2]


def autograd_gradients(
    params: LmParameters, Xb: torch.Tensor, Yb: torch.Tensor
) -> tuple[float, list[torch.Tensor]]:
    """The same, as the notebook computes it: F.cross_entropy and loss.backward()."""
    leaves = [t.detach().requires_grad_(True) for t in params.tensors()]
    C, W1, b1, W2, b2 = leaves
    emb = C[Xb].reshape(Xb.shape[0], -1)
    loss = F.cross_entropy(torch.tanh(emb @ W1 + b1) @ W2 + b2, Yb)
    loss.backward()
    return loss.item(), [t.grad for t in leaves]


def step_decay(learning_rate: float, decayed: float, steps: int) -> Callable[[int], float]:
    """The lecture's schedule: `learning_rate` for the first half of the steps, then `decayed`."""
    return lambda step: learning_rate if step < steps // 2 else decayed


def train_steps(
    params: LmParameters,
    X: torch.Tensor,
    Y: torch.Tensor,
    steps: int,
    learning_rate: Callable[[int], float],
    generator: torch.Generator,
    *,
    method: str = "fused",
    first_step: int = 0,
    batch_size: int = BATCH_SIZE,
) -> tuple[LmParameters, list[float]]:
    """`steps` minibatch SGD steps from a copy of `params`: the new parameters and each
    step's minibatch loss. The batches come from `generator`, so a run with the same seed
    draws the same batches whichever method computes the gradients."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    gradients = fused_gradients if method == "fused" else autograd_gradients
    trained = params.clone()
    tensors = trained.tensors()
    losses: list[float] = []
    # The written-out backward needs no autograd graph at all.
    with torch.no_grad() if method == "fused" else contextlib.nullcontext():
        for step in range(first_step, first_step + steps):
            ix = torch.randint(0, X.shape[0], (batch_size,), generator=generator)
            loss, grads = gradients(trained, X[ix], Y[ix])
            lr = learning_rate(step)
            with torch.no_grad():
                for tensor, grad in zip(tensors, grads, strict=True):
                    tensor.add_(grad, alpha=-lr)
            losses.append(loss)
    return trained, losses


def sample_names(
    params: LmParameters,
    itos: Sequence[str],
    count: int = 20,
    seed: int = SAMPLE_SEED,
    max_length: int = 50,
) -> list[str]:
    """Names drawn as the notebook draws them (one torch.multinomial per character, from a
    generator seeded `seed`), each ending with '.'; cut at `max_length` characters."""
    g = torch.Generator().manual_seed(seed)
    block_size = params.W1.shape[0] // params.C.shape[1]
    names = []
    with torch.no_grad():
        for _ in range(count):
            context, out = [0] * block_size, []
            while len(out) < max_length:
                logits = logits_of(params, torch.tensor([context]))
                ix = torch.multinomial(F.softmax(logits, dim=1), 1, generator=g).item()
                context = context[1:] + [ix]
                out.append(ix)
                if ix == 0:
                    break
            names.append("".join(itos[i] for i in out))
    return names
