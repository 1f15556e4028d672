"""Warm reruns of the Bigram page that do not retrain: what a student waits for after moving
a sampling control, picking a row of the count table or typing a word to score.

Run from the repository root: `python -m benchmarks.reruns_bigram [--repeats N]`. Prints each
scenario's median and p95 server-side rerun time beside the home page's (the reference), and
whether the worst p95 meets the 150 ms goal. The page is opened once per scenario; its first
visit trains the net, which the timings leave out (every timed rerun reuses that run).
"""

from __future__ import annotations

import argparse
import os

from benchmarks.rerun_timing import report

PAGE = "pages/bigram.py"
ROWS = "abcdefghijklmnopqrstuvwxyz"
WORDS = ["andrej", "emma", "sophia", "zyx", "olivia", "qqq", "mia"]


def change_temperature(at, i):
    at.number_input(key="bigram.temperature#exact").set_value(0.5 + 0.05 * (i % 20))


def pick_a_row(at, i):
    at.selectbox(key="bigram.row").set_value(ROWS[i % len(ROWS)])


def score_a_word(at, i):
    at.text_input(key="bigram.score").set_value(f"{WORDS[i % len(WORDS)]}{'a' * (i // 7)}")


def change_the_sampling_seed(at, i):
    at.number_input(key="bigram.sample_seed").set_value(1000 + i)


def walk_one_more_step(at, i):
    step = at.button(key="bigram.walk-next")
    if step.disabled:  # the name is complete: draw another one
        at.number_input(key="bigram.walk_seed").set_value(i)
    else:
        step.click()


SCENARIOS = {
    "sampling temperature": change_temperature,
    "pick another heatmap row": pick_a_row,
    "score a word": score_a_word,
    "sampling seed": change_the_sampling_seed,
    "walk-through: next character": walk_one_more_step,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"load average at the start {os.getloadavg()[0]:.2f}")
    report(PAGE, SCENARIOS, repeats=args.repeats)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
