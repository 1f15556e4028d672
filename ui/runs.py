"""The last few training runs of a page, kept per user, and a panel to compare two of them.

A page records a run when it finishes (`RunLog("mlp").record(settings, curves, summary)`);
`compare_runs_panel` lets the user pick two runs and shows their loss curves overlaid and
their settings side by side, with the settings that differ highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from ui.charts import line_chart

MAX_RUNS = 5


@dataclass(frozen=True)
class Run:
    number: int
    settings: dict[str, Any]
    # Long form: columns step, value, series (e.g. "train loss", "dev loss").
    curves: pd.DataFrame = field(compare=False)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"run {self.number}"


class RunLog:
    """The last `MAX_RUNS` runs of one page, in this user's session."""

    def __init__(self, page: str):
        self.page = page
        self._key = f"runs:{page}"

    def _state(self) -> dict[str, Any]:
        return st.session_state.setdefault(self._key, {"next": 1, "runs": []})

    @property
    def runs(self) -> list[Run]:
        return list(self._state()["runs"])

    def record(
        self, settings: Mapping[str, Any], curves: pd.DataFrame, summary: Mapping[str, Any]
    ) -> Run:
        state = self._state()
        run = Run(state["next"], dict(settings), curves.copy(), dict(summary))
        state["next"] += 1
        state["runs"] = [*state["runs"], run][-MAX_RUNS:]
        return run


def settings_table(first: Run, second: Run, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per setting: its label and its value in each run, plus whether they differ."""
    keys = list(dict.fromkeys([*first.settings, *second.settings]))
    rows = []
    for key in keys:
        a, b = first.settings.get(key, "—"), second.settings.get(key, "—")
        rows.append({"setting": labels.get(key, key), first.name: _show(a), second.name: _show(b),
                     "differs": a != b})  # fmt: skip
    for key in dict.fromkeys([*first.summary, *second.summary]):
        rows.append({"setting": key, first.name: _show(first.summary.get(key, "—")),
                     second.name: _show(second.summary.get(key, "—")), "differs": False})  # fmt: skip
    return pd.DataFrame(rows)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def overlaid_curves(first: Run, second: Run) -> pd.DataFrame:
    frames = []
    for run in (first, second):
        frame = run.curves.copy()
        frame["series"] = run.name + ": " + frame["series"].astype(str)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def compare_runs_panel(log: RunLog, labels: Mapping[str, str], *, y_title: str = "loss") -> None:
    """Pick two of the recent runs; see their curves overlaid and their settings side by side."""
    runs = log.runs
    if len(runs) < 2:
        st.caption(f"Train at least two runs to compare them (the last {MAX_RUNS} are kept).")
        return
    names = {run.name: run for run in runs}
    first_key, second_key = f"compare-first:{log.page}", f"compare-second:{log.page}"
    newest_key = f"compare-newest:{log.page}"
    # A new run, or a panel drawn again after a run without it (Streamlit then forgets its
    # selectboxes): compare the last two.
    if st.session_state.get(newest_key) != runs[-1].number or not (
        first_key in st.session_state and second_key in st.session_state
    ):
        st.session_state[first_key], st.session_state[second_key] = runs[-2].name, runs[-1].name
        st.session_state[newest_key] = runs[-1].number
    left, right = st.columns(2)
    first_name = left.selectbox("First run", list(names), key=first_key)
    second_name = right.selectbox("Second run", list(names), key=second_key)
    first, second = names[first_name], names[second_name]
    st.altair_chart(
        line_chart(
            overlaid_curves(first, second),
            x="step",
            y="value",
            series="series",
            y_title=y_title,
            title="Loss curves of the two runs",
        ),  # fmt: skip
        width="stretch",
    )
    table = settings_table(first, second, labels)
    styled = table.drop(columns="differs").style.apply(
        lambda row: (
            ["background-color: #fff3cd" if table.loc[row.name, "differs"] else ""] * len(row)
        ),
        axis=1,
    )
    # Every row in view: a highlighted difference must not hide below a scroll.
    st.dataframe(styled, hide_index=True, width="stretch", height="content")
    changed = table.loc[table["differs"], "setting"].tolist()
    st.caption("Settings that differ (highlighted): " + (", ".join(changed) or "none"))
