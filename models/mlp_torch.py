"""The same training run in PyTorch float64, as an independent check of the scalar engine.

`train_in_torch` builds the network of a `TrainingConfig` as weight matrices, starts from the
engine model's initial weights, and takes the same steps: the same batches (the same seeded
schedule), the same learning rates, the same loss written with torch's own functions
(`relu`, `binary_cross_entropy_with_logits`, a squared error), differentiated by torch's
autograd. Only the order of additions differs, so the two loss curves should agree to about
1e-12 while training stays finite.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from models.mlp_training import Trainer, TrainingConfig, batch_schedule, learning_rate_at
from models.torch_runtime import configure

configure()


def _layers_from_weights(
    weights: Sequence[float], sizes: Sequence[int]
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(W, b) per layer from the engine's flat order: layer, neuron, then w1..wn, b."""
    layers = []
    position = 0
    for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
        block = torch.tensor(
            weights[position : position + fan_out * (fan_in + 1)], dtype=torch.float64
        ).reshape(fan_out, fan_in + 1)
        position += fan_out * (fan_in + 1)
        layers.append(
            (block[:, :fan_in].clone().requires_grad_(), block[:, fan_in].clone().requires_grad_())
        )
    if position != len(weights):
        raise ValueError(f"expected {position} weights for sizes {list(sizes)}, got {len(weights)}")
    return layers


def _scores(layers: list[tuple[torch.Tensor, torch.Tensor]], X: torch.Tensor, activation: str):
    hidden = X
    for i, (W, b) in enumerate(layers):
        hidden = hidden @ W.T + b
        if i < len(layers) - 1:
            hidden = torch.relu(hidden) if activation == "relu" else torch.tanh(hidden)
    return hidden[:, 0]


def _loss(scores: torch.Tensor, y: torch.Tensor, layers, config: TrainingConfig) -> torch.Tensor:
    if config.loss == "max_margin":
        data_loss = F.relu(1 - y * scores).mean()
    elif config.loss == "mse":
        data_loss = ((scores - y) ** 2).mean()
    else:
        data_loss = F.binary_cross_entropy_with_logits(scores, (y + 1) / 2)
    if config.l2:
        data_loss = data_loss + config.l2 * sum((p * p).sum() for layer in layers for p in layer)
    return data_loss


def train_in_torch(
    config: TrainingConfig,
    X_train: Sequence[Sequence[float]],
    y_train: Sequence[float],
    initial_weights: Sequence[float],
    steps: int,
) -> list[float]:
    """The loss of each of `steps` steps (before its update), stopping early if it is not
    finite, trained in float64 from `initial_weights`."""
    X = torch.tensor([list(row) for row in X_train], dtype=torch.float64)
    y = torch.tensor(list(y_train), dtype=torch.float64)
    layers = _layers_from_weights(initial_weights, [X.shape[1], *config.layer_sizes])
    batches = batch_schedule(len(y), config.batch_size, config.seed)
    losses = []
    for k in range(steps):
        batch = next(batches)
        Xb, yb = (X, y) if batch is None else (X[list(batch)], y[list(batch)])
        loss = _loss(_scores(layers, Xb, config.activation), yb, layers, config)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            break
        loss.backward()
        lr = learning_rate_at(config, k)
        with torch.no_grad():
            for layer in layers:
                for p in layer:
                    p -= lr * p.grad
                    p.grad = None
    return losses


@dataclass(frozen=True)
class TorchComparison:
    """Both loss curves over the same steps and their largest absolute difference."""

    engine_losses: list[float]
    torch_losses: list[float]
    max_abs_difference: float

    @property
    def steps(self) -> int:
        return len(self.engine_losses)


def compare_with_torch(trainer: Trainer) -> TorchComparison:
    """Replay the trainer's steps so far in torch, from its initial weights."""
    engine_losses = [record.loss for record in trainer.history]
    torch_losses = train_in_torch(
        trainer.config,
        trainer.X_train,
        trainer.y_train,
        trainer.initial_weights,
        len(engine_losses),
    )
    common = [
        abs(a - b)
        for a, b in zip(engine_losses, torch_losses, strict=False)
        if math.isfinite(a) and math.isfinite(b)
    ]
    steps = min(len(engine_losses), len(torch_losses))
    return TorchComparison(
        engine_losses[:steps], torch_losses[:steps], max(common, default=float("nan"))
    )
