"""Speed of the lesson-2 models on the lecture's names.txt, beside the lecture's own code.

Run from the repository root:  python -m benchmarks.ngram [--names PATH] [--repeats N]

1. Counts bigram: CountNGram().fit(words) (counts and the smoothed probability table) against
   the lecture's nested Python loop filling N, followed by its P = (N+1).float(); P /= P.sum.
   Goal: our fit in 20 ms or less.
2. Neural bigram, 100 steps of the lecture's settings (lr 50, reg 0.01), timing the whole
   NeuralNGram.fit call, encoding included: method="fast" against method="lecture".
   Goal: fast at least 100x faster, with the same losses.
Medians over repeated runs; all figures come from the same process.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch

from data.names import MAKEMORE_NAMES
from data.words import parse_word_list
from models.ngram import CountNGram, NeuralNGram

DEFAULT_NAMES = MAKEMORE_NAMES  # the copy the project ships
COUNTS_GOAL_SECONDS = 0.020
NEURAL_GOAL_RATIO = 100.0


def median_seconds(run: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def lecture_counts(words: list[str]) -> torch.Tensor:
    """The lecture's counting cell, then its smoothed probability table."""
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            N[stoi[ch1], stoi[ch2]] += 1
    P = (N + 1).float()
    P /= P.sum(1, keepdim=True)
    return P


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=Path, default=DEFAULT_NAMES, help="names.txt")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each slow reference")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    words = parse_word_list(args.names.read_bytes())
    print(
        f"python {platform.python_version()}, torch {torch.__version__}, "
        f"{os.cpu_count()} cores, torch threads {torch.get_num_threads()}; "
        f"{len(words):,} words from {args.names.name}; "
        f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows torch)"
    )

    # 1. Counts bigram
    CountNGram().fit(words)  # warm-up: first-call allocations
    ours, model = median_seconds(lambda: CountNGram().fit(words), repeats=21)
    reference, lecture_P = median_seconds(lambda: lecture_counts(words), repeats=args.repeats)
    same = torch.equal(model.probs, lecture_P)
    print()
    print("Counts bigram fit (counts + smoothed probabilities)")
    print(f"  ours CountNGram().fit      {ours * 1e3:9.2f} ms   (median of 21)")
    print(f"  lecture nested loop        {reference * 1e3:9.2f} ms   (median of {args.repeats})")
    print(f"  speed-up                   {reference / ours:9.1f} x")
    print(f"  same probability table     {same}")
    verdict = "met" if ours <= COUNTS_GOAL_SECONDS else "MISSED"
    print(f"  goal <= {COUNTS_GOAL_SECONDS * 1e3:.0f} ms             {verdict}")

    # 2. Neural bigram, 100 steps
    settings = {"steps": 100, "lr": 50.0, "reg": 0.01}
    NeuralNGram().fit(words, steps=2)  # warm-up of the autograd machinery
    fast, fast_history = median_seconds(
        lambda: NeuralNGram().fit(words, method="fast", **settings), repeats=11
    )
    slow, slow_history = median_seconds(
        lambda: NeuralNGram().fit(words, method="lecture", **settings), repeats=args.repeats
    )
    largest_gap = max(abs(a - b) for a, b in zip(fast_history, slow_history, strict=True))
    ratio = slow / fast
    print()
    print("Neural bigram, 100 steps, whole fit() call including encoding")
    print(f"  ours method='fast'         {fast * 1e3:9.2f} ms   (median of 11)")
    print(f"  method='lecture'           {slow * 1e3:9.2f} ms   (median of {args.repeats})")
    print(f"  speed-up                   {ratio:9.1f} x")
    print(f"  loss at step 0             fast {fast_history[0]:.6f}  lecture {slow_history[0]:.6f}")
    print(
        f"  loss at step 99            fast {fast_history[-1]:.6f}  lecture {slow_history[-1]:.6f}"
    )
    print(f"  largest loss difference    {largest_gap:.2e}")
    verdict = "met" if ratio >= NEURAL_GOAL_RATIO and largest_gap <= 1e-5 else "MISSED"
    print(f"  goal >= {NEURAL_GOAL_RATIO:.0f}x, same losses   {verdict}")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
