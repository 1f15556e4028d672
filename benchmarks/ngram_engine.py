"""The neural bigram trained by our scalar engine, beside the torch fast path (issue 10).

Run from the repository root:  python -m benchmarks.ngram_engine [--names PATH] [--steps N]

Both paths train on names.txt with the lecture's settings (lr 50, reg 0.01, seed 2147483647)
from the same initial W, timing the whole NeuralNGram.fit call (encoding included):
method="engine" (729 engine Values, forward and backward through engine/) against
method="fast" (torch autograd on the same counts). Prints the steps per second of each,
their ratio, and how far apart the two loss histories are. Medians over repeated runs; all
figures come from the same process.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import torch

from data.names import MAKEMORE_NAMES
from data.words import parse_word_list
from models.ngram import LECTURE_SEED, NeuralNGram

DEFAULT_NAMES = MAKEMORE_NAMES  # the copy the project ships
AGREEMENT_GOAL = 1e-6


def timed_fits(words: list[str], method: str, steps: int, repeats: int):
    """Median seconds of a whole fit call, and the last model trained."""
    times, model = [], None
    for _ in range(repeats):
        model = NeuralNGram(n=2, seed=LECTURE_SEED)
        start = time.perf_counter()
        model.fit(words, steps=steps, lr=50.0, reg=0.01, method=method)
        times.append(time.perf_counter() - start)
    return statistics.median(times), model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=Path, default=DEFAULT_NAMES, help="names.txt")
    parser.add_argument("--steps", type=int, default=100, help="training steps per fit")
    parser.add_argument("--repeats", type=int, default=5, help="engine fits to time")
    args = parser.parse_args()

    words = parse_word_list(args.names.read_bytes())
    print(
        f"python {platform.python_version()}, torch {torch.__version__}, "
        f"{os.cpu_count()} cores, torch threads {torch.get_num_threads()}; "
        f"{len(words):,} words from {args.names.name}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    timed_fits(words, "fast", 2, 1)  # warm-up: first-call allocations, autograd machinery
    timed_fits(words, "engine", 2, 1)
    engine_seconds, engine = timed_fits(words, "engine", args.steps, args.repeats)
    fast_seconds, fast = timed_fits(words, "fast", args.steps, 4 * args.repeats)

    engine_rate, fast_rate = args.steps / engine_seconds, args.steps / fast_seconds
    gaps = [abs(a - b) for a, b in zip(engine.loss_history, fast.loss_history, strict=True)]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    weights_gap = float((engine.W - fast.W).abs().max())
    print()
    print(f"Neural bigram on names.txt, {args.steps} steps (lr 50, reg 0.01), whole fit() call")
    print("                              median s   steps/s   ms/step   runs")
    print(
        f"  ours method='engine'      {engine_seconds:10.3f}  {engine_rate:8.1f}  "
        f"{1e3 / engine_rate:8.2f}   {args.repeats}"
    )
    print(
        f"  torch method='fast'       {fast_seconds:10.3f}  {fast_rate:8.1f}  "
        f"{1e3 / fast_rate:8.2f}   {4 * args.repeats}"
    )
    print(f"  ratio torch / engine      {fast_rate / engine_rate:10.1f} x")
    print(
        f"  loss at step 0            engine {engine.loss_history[0]:.7f}  "
        f"torch {fast.loss_history[0]:.7f}  (lecture 3.7686)"
    )
    print(
        f"  loss at step {args.steps - 1:<3d}          engine {engine.loss_history[-1]:.7f}  "
        f"torch {fast.loss_history[-1]:.7f}"
    )
    print(f"  largest loss difference   {gaps[worst]:.2e} (step {worst})")
    print(f"  largest weight difference {weights_gap:.2e}")
    verdict = "met" if gaps[worst] < AGREEMENT_GOAL else "MISSED"
    print(f"  goal: losses agree to {AGREEMENT_GOAL:g}   {verdict}")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
