"""What one action costs the server: CPU milliseconds and kB sent, by page and action.

    python -m benchmarks.action_cost                        # this checkout
    python -m benchmarks.action_cost --app-dir /tmp/before  # an earlier one, same machine

One student at a time (benchmarks/streamlit_client.py over Streamlit's protocol) against a
warm server pinned to one core; every action is repeated in fresh sessions and the server's
process CPU time over the repeats is divided by their count. This is the figure behind the
mixed class's "server CPU per action" (benchmarks/class_load.py), taken apart: which action
on which page spends the server's core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.class_load import sample, start_server, wait_for_health, warm_up
from benchmarks.streamlit_client import StreamlitStudent

REPO_ROOT = Path(__file__).resolve().parent.parent


def open_walk(student: StreamlitStudent):
    """Open the walk's panel (built only while open), if the page has one to open."""
    if student.has("bigram.walk-open"):
        return student.change("bigram.walk-open", True)
    return None


def walk_on(student: StreamlitStudent):
    return student.press_first_enabled("bigram.walk-next", "bigram.walk-another")


def train_mlp(student: StreamlitStudent):
    """Press Train on a 31-step run (the mixed class's) and follow the live view to its end."""
    student.change("mlp.steps", 31)
    pressed = student.press("mlp.train")
    runs = [pressed, *student.follow_fragment(time.monotonic() + 60)]
    pressed.bytes = sum(run.bytes for run in runs)
    return pressed


def train_bigram(student: StreamlitStudent):
    student.nudge("bigram.steps")
    return student.press("bigram.train")


# (page, action, what it does once the page is open). The mixed class's actions.
ACTIONS = [
    ("neuron", "first visit", None),
    ("neuron", "widget change", lambda s: s.change("neuron.w1#exact", 1.25)),
    ("neuron", "nudge", lambda s: s.nudge("neuron.w2")),
    ("mlp", "first visit", None),
    ("mlp", "widget change", lambda s: s.nudge("mlp.points")),
    ("mlp", "steps change", lambda s: s.change("mlp.steps", 31)),
    ("mlp", "Train (31 steps, followed)", train_mlp),
    ("bigram", "first visit", None),
    ("bigram", "widget change", lambda s: s.nudge("bigram.steps")),
    ("bigram", "sample", lambda s: s.change("bigram.sample_seed", 12345)),
    ("bigram", "walk", walk_on),  # after open_walk (see measure)
    ("bigram", "Train (steps nudged)", train_bigram),
    ("board", "first visit", None),
]


def measure(url: str, pid: int, repeats: int) -> list[tuple[str, str, float, float, float]]:
    rows = []
    for page, action, do in ACTIONS:
        cpu, sent, walls = 0.0, 0, []
        for _ in range(repeats):
            student = StreamlitStudent(url)
            try:
                before = sample(pid).cpu_seconds
                started = time.perf_counter()
                result = student.open(page)
                if action == "walk":
                    open_walk(student)
                if do is not None:
                    before = sample(pid).cpu_seconds
                    started = time.perf_counter()
                    result = do(student)
                walls.append(time.perf_counter() - started)
                time.sleep(0.3)  # let the server finish what it sends after the run
                cpu += sample(pid).cpu_seconds - before
                sent += result.bytes
            finally:
                student.close()
        rows.append(
            (page, action, 1000 * cpu / repeats, sent / repeats / 1000, statistics.median(walls))
        )
    return rows


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--app-dir", type=Path, default=REPO_ROOT)
    parser.add_argument("--server-core", type=int, default=0)
    args = parser.parse_args(argv)
    port = 8600 + os.getpid() % 300
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "PYTHONPATH": str(args.app_dir)}
        server = start_server(
            port, args.server_core, Path(scratch) / "server.log", env, args.app_dir
        )
        try:
            wait_for_health(url, 60)
            warm_up(url)
            warm_up(url)
            rows = measure(url, server.pid, args.repeats)
        finally:
            server.terminate()
            server.wait(10)
    lines = [
        f"One student at a time, {args.repeats} fresh sessions per action; app from "
        f"{args.app_dir}; server on core {args.server_core}",
        "",
        "| page | action | server CPU ms | kB sent | median s |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {p} | {a} | {cpu:.0f} | {kb:.0f} | {wall:.3f} |" for p, a, cpu, kb, wall in rows]
    mean = statistics.mean(cpu for _, _, cpu, _, _ in rows)
    lines += ["", f"Mean over the actions listed: {mean:.1f} ms of server CPU."]
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    sys.exit(main() and 0)
