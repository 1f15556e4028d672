"""The server CPU one press may start, and the estimate that decides before a run starts.

A press that would cost more than the budget is not started: the page says how long it would
take and offers the nearest settings that fit (fewer steps). A run that still overshoots (the
server was slower than its estimate) stops at the budget and keeps what it trained.

Costs are CPU seconds of the thread that trains (`time.thread_time`): other students' work
on the same server makes the clock slower but not that, so an estimate made on a busy server
is still the run's own cost.

Why an environment variable and not `.streamlit/config.toml`: Streamlit logs a warning for
every option in that file it does not know.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

BUDGET_VARIABLE = "EXPLORER_PRESS_BUDGET_SECONDS"
DEFAULT_BUDGET_SECONDS = 20.0
OFFER_SHARE = 0.6  # the settings offered instead of a refused run fill this much of the budget
# (estimates from a few probe steps came out up to ~33% low on a busy machine: an offered run
# stopped at 288 of 291 steps under the parallel test suite with 75%)

_log = logging.getLogger(__name__)


def press_budget_seconds() -> float:
    """The budget from the environment, or the default (a bad value is logged, not fatal)."""
    text = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not text:
        return DEFAULT_BUDGET_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        _log.warning(
            "%s=%r is not a positive number of seconds; using %g",
            BUDGET_VARIABLE,
            text,
            DEFAULT_BUDGET_SECONDS,
        )
        return DEFAULT_BUDGET_SECONDS
    return value


@dataclass(frozen=True)
class CostEstimate:
    """A run's expected CPU cost: a fixed part (setting up, evaluating at the end) plus
    `steps` steps of `per_step` seconds each."""

    per_step: float
    steps: int
    fixed: float = 0.0

    @property
    def seconds(self) -> float:
        return self.fixed + self.per_step * self.steps

    def fits(self, budget: float) -> bool:
        return self.seconds <= budget

    def steps_that_fit(self, budget: float) -> int:
        """The most steps within 60% of the budget (0 when not even one fits): the offer
        leaves room for an estimate that was a little low."""
        if self.per_step <= 0:
            return self.steps
        room = (budget * OFFER_SHARE - self.fixed) / self.per_step
        return max(0, min(self.steps, math.floor(room)))


def probe_seconds_per_step(step: Callable[[], object], probes: int = 2) -> float:
    """The CPU time of one call of `step`, the least of `probes` calls (the first can pay
    for warming caches up)."""
    best = math.inf
    for _ in range(probes):
        started = time.thread_time()
        step()
        best = min(best, time.thread_time() - started)
    return best


def describe_seconds(seconds: float) -> str:
    """'45 s', '12 minutes', '2.5 hours': how long a refused run would have taken."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


class CpuMeter:
    """CPU time spent in `measure`, piece by piece: a run trained
    in chunks over several script runs (each maybe on another thread) adds each chunk."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def measure(self, work: Callable[[], object]) -> object:
        started = time.thread_time()
        try:
            return work()
        finally:
            self.seconds += time.thread_time() - started

    def over(self, budget: float) -> bool:
        return self.seconds >= budget
