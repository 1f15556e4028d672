"""Lesson 3's MLP language model: a training step of models/mlp_lm beside the part-2
notebook's own loop, same parameters, same batches, same schedule.

Run from the repository root:  python -m benchmarks.mlp_lm [--steps N] [--repeats R]

The notebook's loop (makemore_part2_mlp.ipynb, its final run: embedding 10, hidden 200,
block 3, lr 0.1 then 0.01 after half): C[Xtr[ix]], tanh, F.cross_entropy, p.grad = None,
loss.backward(), p.data += -lr * p.grad, loss.log10().item(). Its batches were unseeded; here
both loops draw them from one torch.Generator seeded alike, so the two loss curves can be
compared step by step. Goal: ours at least 2x the notebook's steps per second, curves equal
to 1e-6. One torch thread (as the app runs, models/torch_runtime.py); medians over repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from data.names import makemore_names
from models import torch_runtime
from models.mlp_lm import LmConfig, init_parameters, lecture_splits, train_steps
from models.mlp_lm.model import step_decay
from models.ngram.vocabulary import Vocabulary

GOAL_RATIO = 2.0


def notebook_loop(params, Xtr, Ytr, steps: int, seed: int) -> list[float]:
    """The notebook's training cell, with its batches drawn from a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    parameters = [t.clone().requires_grad_(True) for t in params.tensors()]
    C, W1, b1, W2, b2 = parameters
    width = W1.shape[0]
    lossi = []
    for i in range(steps):
        ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
        emb = C[Xtr[ix]]
        h = torch.tanh(emb.view(-1, width) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Ytr[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < steps // 2 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        lossi.append(loss.item())
    return lossi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fix-init", action="store_true", help="makemore part 3's init")
    args = parser.parse_args()
    torch_runtime.configure()
    words = makemore_names()
    splits = lecture_splits(words, Vocabulary.from_words(words), 3)
    params = init_parameters(LmConfig(fix_init=args.fix_init))
    Xtr, Ytr = splits.train
    runs = {
        "notebook loop": lambda: notebook_loop(params, Xtr, Ytr, args.steps, 1),
        "models.mlp_lm fused": lambda: train_steps(
            params,
            Xtr,
            Ytr,
            args.steps,
            step_decay(0.1, 0.01, args.steps),
            torch.Generator().manual_seed(1),
        )[1],
    }
    seconds, curves = {}, {}
    for name, run in runs.items():
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            curves[name] = run()
            times.append(time.perf_counter() - start)
        seconds[name] = statistics.median(times)
    reference, ours = seconds["notebook loop"], seconds["models.mlp_lm fused"]
    for name, value in seconds.items():
        print(f"{name:22s} {value / args.steps * 1e6:8.1f} us/step   ({args.steps} steps)")
    ratio = reference / ours
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"ratio {ratio:.2f}x (goal >= {GOAL_RATIO:g}x: {verdict})")
    a, b = curves["notebook loop"], curves["models.mlp_lm fused"]
    gaps = [abs(x - y) for x, y in zip(a, b, strict=True)]
    first_apart = next((i for i, gap in enumerate(gaps) if gap > 1e-6), None)
    print(
        f"largest loss difference {max(gaps):.2e}; first step more than 1e-6 apart: {first_apart}"
    )
    print(f"final minibatch loss: notebook {a[-1]:.4f}, ours {b[-1]:.4f}")


if __name__ == "__main__":
    main()
