"""Steps per second of micrograd's demo trained live in the MLP page, beside the bare Trainer.

    python -m benchmarks.mlp_page              # 5 timed runs in the page (about 30 s)
    python -m benchmarks.mlp_page --runs 3

Ours: a real `streamlit run dashboard.py` and a real Chromium (tests/browser/harness.py). The
clock starts when "Micrograd's demo" is clicked and stops when the page's progress bar says
"Step 100 of 100 · finished": page reruns, training chunks, chart drawing, the websocket and
the browser's rendering are all inside. The first click is a warm-up (imports, caches).

Reference, in the same process and run: `models.mlp_training.Trainer` on the same
configuration, `step(100)` with nothing drawn. Goal: 20 steps/s or more in the page.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time

from data.toy2d import make_dataset
from models.mlp_training import Trainer
from tests.browser.harness import (
    browser_unavailable_reason,
    chromium,
    streamlit_server,
    wait_for_streamlit,
)
from ui.mlp.settings import DEMO_PRESET, SETTINGS, spec_from

GOAL_STEPS_PER_SECOND = 20.0
STEPS = 100
DONE_TEXT = f"Step {STEPS} of {STEPS} · finished"


def bare_trainer_seconds(repeats: int) -> list[float]:
    spec = spec_from({**SETTINGS.defaults(), **DEMO_PRESET})
    data = make_dataset(spec.dataset, spec.points, spec.noise, spec.data_seed)
    timings = []
    for _ in range(repeats):
        trainer = Trainer(spec.config, data.X, data.y)
        start = time.perf_counter()
        trainer.step(STEPS)
        timings.append(time.perf_counter() - start)
        assert abs(trainer.history[-1].loss - 0.010978370135492717) < 1e-9
    return timings


def page_seconds(runs: int) -> tuple[list[float], str]:
    """Seconds from the click to the finished run, per run, and the page's last status line."""
    timings, status = [], ""
    with chromium() as browser, streamlit_server("benchmark-mlp-page.log") as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        wait_for_streamlit(page)
        page.goto(server.url + "/mlp")
        wait_for_streamlit(page)
        progress = page.locator('[data-testid="stProgress"]').first
        for run in range(runs + 1):  # run 0 warms up
            page.get_by_role("button", name="Micrograd's demo").click()
            start = time.perf_counter()
            # Wait for the bar to leave the finished state of the previous run first.
            page.wait_for_function(
                """(done) => {
                    const bar = document.querySelector('[data-testid="stProgress"]');
                    return bar && !bar.innerText.includes(done);
                }""",
                arg=DONE_TEXT,
                timeout=60_000,
                polling=10,
            )
            page.wait_for_function(
                """(done) => {
                    const bar = document.querySelector('[data-testid="stProgress"]');
                    return bar && bar.innerText.includes(done);
                }""",
                arg=DONE_TEXT,
                timeout=120_000,
                polling=10,
            )
            elapsed = time.perf_counter() - start
            status = progress.inner_text()
            if run:
                timings.append(elapsed)
            wait_for_streamlit(page)
        if page.get_by_text("0.010978370135492717").count() == 0:
            raise RuntimeError("the page did not show micrograd's step-99 loss")
    return timings, status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs in the page")
    args = parser.parse_args(argv)
    reason = browser_unavailable_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 2
    print(
        f"date {datetime.date.today()}  python {platform.python_version()}  "
        f"{platform.machine()}  {os.cpu_count()} cpus  load average {os.getloadavg()[0]:.2f}"
    )
    print("micrograd's demo preset: moons(100), 2-16-16-1 relu, max-margin, full batch, 100 steps")
    page_times, status = page_seconds(args.runs)
    bare_times = bare_trainer_seconds(args.runs)
    page_rate = STEPS / statistics.median(page_times)
    bare_rate = STEPS / statistics.median(bare_times)
    print(f"\n{'':<46} {'median s':>9} {'steps/s':>8} {'runs':>5}")
    print(
        f"{'in the page (click to finished, Chromium)':<46} "
        f"{statistics.median(page_times):>9.2f} {page_rate:>8.1f} {len(page_times):>5}"
    )
    print(
        f"{'reference: bare Trainer.step(100)':<46} "
        f"{statistics.median(bare_times):>9.2f} {bare_rate:>8.1f} {len(bare_times):>5}"
    )
    print(f"page runs (s): {', '.join(f'{t:.2f}' for t in page_times)}")
    print(f"page's own status line after the last run: {status}")
    print(f"ratio page / bare trainer: {page_rate / bare_rate:.2f}")
    verdict = "met" if page_rate >= GOAL_STEPS_PER_SECOND else "NOT met"
    print(f"goal >= {GOAL_STEPS_PER_SECOND:.0f} steps/s in the page: {verdict}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
