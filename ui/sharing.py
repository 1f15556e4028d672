"""One server, many students: the per-press budget and the line for trainings, as the pages
use them (serving/ has the logic, without Streamlit).

- `press_budget()`: the server CPU one press may start (EXPLORER_PRESS_BUDGET_SECONDS).
- `training_turns()`: this process's line of trainings. It is an `st.cache_resource` because
  it must be one object per process, not because it is a cache: unlike the shared caches
  (ui/cache.py), it changes by design, under its own lock.
- `Refusal`: the message for a press over budget, with the nearest settings that fit.
- `moved_notice`: the note a student gets when their server process went away and the load
  balancer (deploy/haproxy.cfg) moved them to another one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import streamlit as st

from serving.budget import CostEstimate, describe_seconds, press_budget_seconds
from serving.shared_jobs import SharedJobs
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


@st.cache_resource(max_entries=1, show_spinner=False)
def shared_jobs() -> SharedJobs:
    """This process's shared trainings (serving/shared_jobs.py): one per settings, in the
    same line as every other training. A coordinator like the line, not a cache."""
    return SharedJobs(training_turns(), max_jobs=16)


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


def settings_key(values: dict) -> tuple:
    """The page's settings as a refusal remembers them (its message goes when they change)."""
    return tuple(sorted(values.items()))


def refuse_if_over(what: str, estimate: CostEstimate, values: dict) -> Refusal | None:
    budget = press_budget()
    if estimate.fits(budget):
        return None
    return Refusal(what, estimate, budget, settings_key(values))


def draw_refusal(refusal: Refusal | None, values: dict, page_state: Any, key: str) -> None:
    """A refused press's message while the settings are the ones it was refused for, with a
    button (of the page's state class, whose press is "fit-budget") for the steps that fit."""
    if refusal is None or refusal.settings != settings_key(values):
        return
    st.warning(refusal.text(), icon=":material/timer_off:")
    fit = refusal.steps_that_fit
    if fit:
        page_state.button(
            st,
            f"Train {fit:,} steps instead",
            key,
            ("fit-budget", fit),
            icon=":material/play_arrow:",
        )


def draw_waiting(place: Place, leave: str, wait_seconds: float | None = None) -> None:
    """'Waiting for a turn: 2 trainings running..., 1 training ahead of you.', how long that
    may take when it is known, and how to leave the line (`leave`: "press Pause to leave
    the line")."""
    wait = f" About {describe_wait(wait_seconds)} to go." if wait_seconds is not None else ""
    st.info(
        f"{place.describe()}{wait} It starts by itself when its turn comes; {leave}.",
        icon=":material/hourglass_top:",
    )


def describe_wait(seconds: float) -> str:
    """'2 s', '40 s', '3 minutes': a wait rounded as a person would say it."""
    return "1 s" if seconds < 1.5 else describe_seconds(seconds)


# deploy/haproxy.cfg pins each browser to one process with this cookie; each process knows
# its own name from the environment (deploy/compose.yaml sets it).
SERVER_COOKIE = "EXPLORER_SERVER"
MOVED_COOKIE = "EXPLORER_MOVED_FROM"  # set by HAProxy for 10 minutes when it moved a browser
SERVER_NAME_VARIABLE = "EXPLORER_SERVER_NAME"
MOVED_KEY = "site.moved-from"  # this session: the process it was moved from, or ""


def moved_from() -> str:
    """The process this new session's browser was on before, if HAProxy just moved it here
    from another one (read once, at the session's first run)."""
    if MOVED_KEY not in st.session_state:
        here = os.environ.get(SERVER_NAME_VARIABLE, "")
        before = st.context.cookies.get(MOVED_COOKIE, "") or ""
        st.session_state[MOVED_KEY] = before if here and before and before != here else ""
    return st.session_state[MOVED_KEY]


def _dismiss_moved_notice() -> None:
    st.session_state[MOVED_KEY] = ""


def moved_notice() -> None:
    """A plain note, until dismissed, for a student whose process stopped: their settings
    came back from the page's link, their trained runs and uploads did not."""
    if not moved_from():
        return
    st.info(
        "The class server moved you to another of its processes (the one you were on "
        "stopped or restarted). Your settings came back from this page's link; runs you "
        "trained and files you uploaded stayed behind, so press Train (or upload) again.",
        icon=":material/sync_alt:",
    )
    st.button("Got it", key="site.moved-dismiss", on_click=_dismiss_moved_notice)
