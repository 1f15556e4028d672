"""Time warm reruns of a page: what a student waits for after moving a slider.

A page's benchmark (e.g. benchmarks/reruns_neuron.py) opens its page in AppTest, warms it up,
then repeats widget changes and times each `at.run()` (the whole server-side script run).
The reference in the same run is the home page, the cheapest page there is: the difference
is what the page's own work costs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

GOAL_MS = 150.0


def open_page(page_path: str) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page_path).run()
    if at.exception:
        raise RuntimeError(f"{page_path} raised: {at.exception[0].message}")
    return at


def time_reruns(at: AppTest, change: Callable[[AppTest, int], None], repeats: int) -> list[float]:
    """Milliseconds per rerun, each after `change(at, i)` sets a widget."""
    timings = []
    for i in range(repeats):
        change(at, i)
        start = time.perf_counter()
        at.run()
        timings.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"rerun {i} raised: {at.exception[0].message}")
    return timings


def summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def report(page_path: str, scenarios: dict[str, Callable[[AppTest, int], None]], repeats: int = 30):
    """Print a table: each scenario's median and p95 rerun time beside the home page's."""
    home = open_page("pages/home.py")
    home_ms = summary(time_reruns(home, lambda at, i: None, repeats))
    print(
        f"warm reruns, {repeats} each, AppTest (server-side script time), goal < {GOAL_MS:.0f} ms"
    )
    print(f"{'scenario':<44} {'median ms':>10} {'p95 ms':>10} {'x home':>8}")
    print(f"{'reference: home page rerun':<44} {home_ms[0]:>10.1f} {home_ms[1]:>10.1f} {1.0:>8.1f}")
    worst = 0.0
    for name, change in scenarios.items():
        at = open_page(page_path)
        change(at, 0)  # warm the caches this scenario touches
        at.run()
        median, p95 = summary(time_reruns(at, change, repeats))
        worst = max(worst, p95)
        print(f"{name:<44} {median:>10.1f} {p95:>10.1f} {median / home_ms[0]:>8.1f}")
    verdict = "meets" if worst < GOAL_MS else "MISSES"
    print(f"worst p95 {worst:.1f} ms: {verdict} the {GOAL_MS:.0f} ms goal")
    return worst
