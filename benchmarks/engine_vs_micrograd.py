"""Our engine against the micrograd package on micrograd's own demo, in one process.

    python -m benchmarks.engine_vs_micrograd              # 100 steps each (micrograd: ~2 min)
    python -m benchmarks.engine_vs_micrograd --steps 10   # a quick look

The demo notebook: make_moons(n_samples=100, noise=0.1) after numpy's seed 1337 (the same
data as random_state=1337), labels y*2-1, MLP(2, [16, 16, 1]) after random.seed(1337), loss
mean(relu(1 - y*score)) + 1e-4 * sum(p*p), full batch, learning rate 1.0 - 0.9*k/100.

Both engines run the same steps on the same numpy arrays; each step (forward, backward,
update) is timed on its own, and seconds per step are compared over the same steps. The
losses must agree step by step to 1e-9, and with the three values the notebook printed.
Exit status 1 if any loss disagrees; the speed goal (30x) is reported, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import random
import statistics
import sys
import time

from sklearn.datasets import make_moons

import models.mlp as our_mlp

PUBLISHED_LOSSES = {0: 0.8958441028683222, 1: 1.7235905336972022, 99: 0.010978370135492717}
TOLERANCE = 1e-9
SPEED_GOAL = 30.0
SEED = 1337


def demo_data():
    X, y = make_moons(n_samples=100, noise=0.1, random_state=SEED)
    return X, y * 2 - 1


def run_ours(X, y, steps):
    model = our_mlp.MLP(2, [16, 16, 1], activation="relu", seed=SEED)
    losses, times = [], []
    for k in range(steps):
        start = time.perf_counter()
        loss, _ = our_mlp.demo_train_step(model, X, y, k)
        times.append(time.perf_counter() - start)
        losses.append(loss)
    return losses, times


def run_micrograd(X, y, steps):
    """micrograd's demo loop as the notebook writes it, with the package's own classes."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    state = random.getstate()
    random.seed(SEED)  # the reference draws its weights from the global generator
    try:
        model = MLP(2, [16, 16, 1])
    finally:
        random.setstate(state)

    def loss():
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        return data_loss + reg_loss

    losses, times = [], []
    for k in range(steps):
        start = time.perf_counter()
        total = loss()
        model.zero_grad()
        total.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        times.append(time.perf_counter() - start)
        losses.append(float(total.data))
    return losses, times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="steps for our engine")
    parser.add_argument(
        "--reference-steps",
        type=int,
        default=None,
        help="steps for micrograd (default: --steps); ratios use the steps both ran",
    )
    args = parser.parse_args(argv)
    steps = args.steps
    reference_steps = steps if args.reference_steps is None else args.reference_steps
    if steps < 1 or reference_steps < 1:
        parser.error("--steps and --reference-steps must be at least 1")

    X, y = demo_data()
    print(
        f"date {datetime.date.today()}  python {platform.python_version()}  "
        f"{platform.machine()}  {os.cpu_count()} cpus"
    )
    print("demo: make_moons(100, noise=0.1), MLP(2, [16, 16, 1]), full batch, seeds 1337")
    print(f"steps: ours {steps}, micrograd {reference_steps}\n")

    ours_losses, ours_times = run_ours(X, y, steps)
    # The same, with the garbage collector left running, to show what pausing it buys.
    with _collector_not_paused():
        _, unpaused_times = run_ours(X, y, steps)
    ref_losses, ref_times = run_micrograd(X, y, reference_steps)

    failures = []
    common = min(steps, reference_steps)
    print(f"{'step':>4}  {'ours':>22}  {'micrograd':>22}  {'|difference|':>12}")
    for k in range(common):
        difference = abs(ours_losses[k] - ref_losses[k])
        if difference > TOLERANCE:
            failures.append(f"step {k}: ours {ours_losses[k]!r}, micrograd {ref_losses[k]!r}")
        if k < 3 or k % 10 == 9 or k == common - 1:
            print(f"{k:>4}  {ours_losses[k]:>22.16g}  {ref_losses[k]:>22.16g}  {difference:>12.3g}")
    for k, published in PUBLISHED_LOSSES.items():
        for name, losses in (("ours", ours_losses), ("micrograd", ref_losses)):
            if k < len(losses):
                ok = abs(losses[k] - published) <= TOLERANCE
                print(
                    f"published step {k} {published!r}: {name} {losses[k]!r} "
                    f"{'ok' if ok else 'MISMATCH'}"
                )
                if not ok:
                    failures.append(f"{name} step {k}: {losses[k]!r} != published {published!r}")

    def row(name, times):
        return (
            f"{name:<34} {statistics.mean(times):>10.5f} {statistics.median(times):>10.5f}"
            f" {len(times):>6}"
        )

    print(
        f"\n{'seconds per step (forward+backward+update)':<34} {'mean':>10} {'median':>10} "
        f"{'steps':>6}"
    )
    print(row("ours (engine + models.mlp)", ours_times[:common]))
    print(row("ours, garbage collector running", unpaused_times[:common]))
    print(row(f"micrograd {_micrograd_version()}", ref_times[:common]))
    if steps > common:
        print(row(f"ours, all {steps} steps", ours_times))
    ratio = statistics.mean(ref_times[:common]) / statistics.mean(ours_times[:common])
    unpaused_ratio = statistics.mean(ref_times[:common]) / statistics.mean(unpaused_times[:common])
    print(
        f"\nratio micrograd / ours: {ratio:.1f}x  (collector running: {unpaused_ratio:.1f}x)  "
        f"goal >= {SPEED_GOAL:.0f}x: {'met' if ratio >= SPEED_GOAL else 'NOT met'}"
    )
    if failures:
        print("\nLOSS CHECK FAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"losses agree step by step to {TOLERANCE:g} over {common} steps")
    return 0


@contextlib.contextmanager
def _collector_not_paused():
    original = our_mlp.paused_gc
    our_mlp.paused_gc = contextlib.nullcontext
    try:
        yield
    finally:
        our_mlp.paused_gc = original


def _micrograd_version():
    from importlib.metadata import version

    return version("micrograd")


if __name__ == "__main__":
    sys.exit(main())
