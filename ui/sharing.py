"""One server, many students: the per-press budget and the line for trainings, as the pages
use them (serving/ has the logic, without Streamlit).

- `press_budget()`: the server CPU one press may start (EXPLORER_PRESS_BUDGET_SECONDS).
- `training_turns()`: this process's line of trainings. It is an `st.cache_resource` because
  it must be one object per process, not because it is a cache: unlike the shared caches
  (ui/cache.py), it changes by design, under its own lock.
- `draw_refusal`: the message for a press over budget, with the nearest settings that fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from serving.budget import CostEstimate, describe_seconds, press_budget_seconds
from serving.turns import Place, TrainingTurns, default_slots

# A press estimated under this many CPU seconds whose result is shared (trained once for
# every session that asks for the same settings) skips the line: micrograd's demo (~1.3 s)
# pressed by a class, the Bigram page's torch runs on built-in names.
SHARE_SECONDS = 5.0


def press_budget() -> float:
    return press_budget_seconds()


@st.cache_resource(max_entries=1, show_spinner=False)
def training_turns() -> TrainingTurns:
    return TrainingTurns(default_slots())


@dataclass(frozen=True)
class Refusal:
    """A press that was not started because it would cost more than the budget."""

    what: str  # "5,000 steps of this network"
    estimate: CostEstimate
    budget: float
    settings: tuple  # the settings it was refused for: the message goes when they change

    @property
    def steps_that_fit(self) -> int:
        return self.estimate.steps_that_fit(self.budget)

    def text(self) -> str:
        fit = self.steps_that_fit
        advice = (
            f"At most {fit:,} steps fit."
            if fit
            else "Not even one step fits: choose fewer points or a smaller network."
        )
        return (
            f"Not started: {self.what} would take about "
            f"{describe_seconds(self.estimate.seconds)} of the server's time, and one press may "
            f"use at most {describe_seconds(self.budget)} so that every student gets a turn. "
            f"{advice}"
        )


def refuse_if_over(what: str, estimate: CostEstimate, settings: tuple) -> Refusal | None:
    budget = press_budget()
    return None if estimate.fits(budget) else Refusal(what, estimate, budget, settings)


def draw_waiting(place: Place, leave: str) -> None:
    """'Waiting for a turn: 2 trainings running..., 1 training ahead of you.' and how to
    leave the line (`leave`: "press Pause to leave the line")."""
    st.info(
        f"{place.describe()} It starts by itself when its turn comes; {leave}.",
        icon=":material/hourglass_top:",
    )
