"""The Bigram page's training in a fresh thread, with and without setting torch's threads there.

    python -m benchmarks.torch_threads            # 8 fresh threads of each kind

Streamlit runs every script run in a new thread. torch.set_num_threads(1) is called when
models.ngram is imported, which on a server happens inside the first script run; a thread
started later that does not call torch.set_num_threads (or get_num_threads) itself runs torch's
parallel ops on every core. Ours: a fresh thread that calls models.torch_runtime.configure()
first (what ui/layout.page_header does at the start of every page run), then trains the page's
default net (2017 names, 500 steps, lr 50). Reference: the same in a fresh thread without the
call (what every page run did before). Both after the import happened in another thread.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def in_a_fresh_thread(function):
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=8)
    args = parser.parse_args()

    def first_run():  # the first page run of a fresh server imports the models
        from data.names import ssa_names
        from data.splits import shuffled_split

        return shuffled_split(ssa_names(2017, "both", None), seed=42)

    splits = in_a_fresh_thread(first_run)
    from models import torch_runtime
    from models.ngram import NeuralNGram

    def train(configure: bool) -> float:
        if configure:
            torch_runtime.configure()
        model = NeuralNGram(n=2, seed=2147483647)
        start = time.perf_counter()
        model.fit(splits.train, steps=500, lr=50.0, reg=0.001, eval_words={"dev": splits.dev})
        return time.perf_counter() - start

    print(f"load average at the start {os.getloadavg()[0]:.2f}, {os.cpu_count()} cpus")
    # One block of each, as on a server where every run is a thread of the same kind.
    reference = [in_a_fresh_thread(lambda: train(False)) for _ in range(args.repeats)]
    ours = [in_a_fresh_thread(lambda: train(True)) for _ in range(args.repeats)]
    print("500 steps of the Bigram page's net, each in a fresh thread (seconds)")
    print(f"  {'':<30}{'median':>8}{'max':>8}   runs")
    for name, runs in (("ours: configure() first", ours), ("reference: no call", reference)):
        shown = ", ".join(f"{r:.2f}" for r in runs)
        print(f"  {name:<30}{statistics.median(runs):>8.2f}{max(runs):>8.2f}   {shown}")
    ratio = statistics.median(reference) / statistics.median(ours)
    print(f"ratio reference / ours: median {ratio:.1f}x, max {max(reference) / max(ours):.1f}x")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
