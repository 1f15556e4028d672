"""The last few training runs of a page, kept per user, and a panel to compare two of them.

A page keeps a `RunLog` in its state and records a run when it finishes
(`log.record(settings, curves, summary)`); `compare_runs_panel` lets the user pick two runs and
shows their loss curves overlaid and their settings side by side, the differences highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from ui.charts import data_table, described, line_chart
from ui.presenter import presenting
from ui.streamlit_private import vega_lite_spec

RUNS_LOGGED = 5  # the last this many runs of a page are kept
DIFFERENCE_STYLE = "background-color: #fff3cd"


@dataclass(frozen=True)
class LoggedRun:
    number: int
    settings: dict[str, Any]
    # Long form: columns step, value, series (e.g. "train loss", "dev loss").
    curves: pd.DataFrame = field(compare=False)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"run {self.number}"


@dataclass
class RunLog:
    """The last RUNS_LOGGED runs of one page, in this user's session (in the page's state)."""

    runs: list[LoggedRun] = field(default_factory=list)
    next_number: int = 1
    # The compare chart's spec for the last pair drawn: a rerun that changes something else
    # on the page draws it again without converting the chart again (5-25 ms).
    compare_spec: tuple[Any, dict] | None = field(default=None, repr=False)

    def record(
        self, settings: Mapping[str, Any], curves: pd.DataFrame, summary: Mapping[str, Any]
    ) -> LoggedRun:
        run = LoggedRun(self.next_number, dict(settings), curves.copy(), dict(summary))
        self.next_number += 1
        self.runs = [*self.runs, run][-RUNS_LOGGED:]
        return run


def settings_table(first: LoggedRun, second: LoggedRun, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per setting: its label and its value in each run, plus whether they differ."""
    rows = []
    for key in dict.fromkeys([*first.settings, *second.settings]):
        a, b = first.settings.get(key, "—"), second.settings.get(key, "—")
        rows.append(_row(labels.get(key, key), first, a, second, b, differs=a != b))
    for key in dict.fromkeys([*first.summary, *second.summary]):
        a, b = first.summary.get(key, "—"), second.summary.get(key, "—")
        rows.append(_row(key, first, a, second, b, differs=False))
    return pd.DataFrame(rows)


def _row(label: str, first: LoggedRun, a: Any, second: LoggedRun, b: Any, *, differs: bool):
    return {"setting": label, first.name: _show(a), second.name: _show(b), "differs": differs}


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def overlaid_curves(first: LoggedRun, second: LoggedRun) -> pd.DataFrame:
    frames = []
    for run in (first, second):
        frame = run.curves.copy()
        frame["series"] = run.name + ": " + frame["series"].astype(str)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def compare_runs_panel(
    log: RunLog, labels: Mapping[str, str], page: str, *, y_title: str = "loss"
) -> None:
    """Pick two of the recent runs; see their curves overlaid and their settings side by side."""
    runs = log.runs
    if len(runs) < 2:
        st.caption(f"Train at least two runs to compare them (the last {RUNS_LOGGED} are kept).")
        return
    names = {run.name: run for run in runs}
    first_key, second_key = f"{page}.compare-first", f"{page}.compare-second"
    newest_key = f"{page}.compare-newest"
    # A new run, or a panel drawn again after a run without it (Streamlit then forgets its
    # selectboxes): compare the last two.
    if st.session_state.get(newest_key) != runs[-1].number or not (
        first_key in st.session_state and second_key in st.session_state
    ):
        st.session_state[first_key], st.session_state[second_key] = runs[-2].name, runs[-1].name
        st.session_state[newest_key] = runs[-1].number
    left, right = st.columns(2)
    first = names[left.selectbox("First run", list(names), key=first_key)]
    second = names[right.selectbox("Second run", list(names), key=second_key)]
    pair = (first.number, second.number, y_title, presenting())
    if log.compare_spec is None or log.compare_spec[0] != pair:
        chart = line_chart(
            overlaid_curves(first, second),
            x="step",
            y="value",
            series="series",
            y_title=y_title,
            title="Loss curves of the two runs",
        )
        log.compare_spec = (pair, vega_lite_spec(chart))
    summary = (
        f"Loss curves of {first.name} ({len(first.curves)} points) and {second.name} "
        f"({len(second.curves)} points) on one chart."
    )
    # A shallow copy: Streamlit moves the datasets out of the spec it is given.
    st.vega_lite_chart(spec=described(log.compare_spec[1], summary), width="stretch")
    data_table(
        "Both runs' curves as a table",
        f"{page}.compare-table",
        lambda: overlaid_curves(first, second),
    )
    table = settings_table(first, second, labels)
    differs = table["differs"].tolist()
    styled = table.drop(columns="differs").style.apply(
        lambda row: [DIFFERENCE_STYLE if differs[row.name] else ""] * len(row), axis=1
    )
    # Every row in view: a highlighted difference must not hide below a scroll.
    st.dataframe(styled, hide_index=True, width="stretch", height="content")
    changed = table.loc[table["differs"], "setting"].tolist()
    st.caption("Settings that differ (highlighted): " + (", ".join(changed) or "none"))
