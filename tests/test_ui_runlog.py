"""ui/runlog.py: the last five runs per user, and the comparison of two."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.runlog import LoggedRun, overlaid_curves, settings_table


def curves(losses: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"step": range(len(losses)), "value": losses, "series": "train loss"})


def test_settings_table_marks_exactly_the_settings_that_differ():
    first = LoggedRun(
        1, {"lr": 0.1, "steps": 100, "act": "relu"}, curves([1.0]), {"final loss": 0.5}
    )
    second = LoggedRun(
        2, {"lr": 0.05, "steps": 100, "act": "tanh"}, curves([1.0]), {"final loss": 0.4}
    )
    table = settings_table(first, second, {"lr": "Learning rate"})
    differs = dict(zip(table["setting"], table["differs"], strict=True))
    assert differs == {"Learning rate": True, "steps": False, "act": True, "final loss": False}
    assert table.loc[0, "run 1"] == "0.1" and table.loc[0, "run 2"] == "0.05"


def test_overlaid_curves_name_each_run():
    frame = overlaid_curves(LoggedRun(3, {}, curves([2.0, 1.0])), LoggedRun(4, {}, curves([3.0])))
    assert sorted(set(frame["series"])) == ["run 3: train loss", "run 4: train loss"]
    assert len(frame) == 3


def runs_page():
    import pandas as pd
    import streamlit as st

    from ui.runlog import RunLog, compare_runs_panel

    log = st.session_state.setdefault("log", RunLog())
    if st.button("train", key="train"):
        n = st.session_state["clicks"] = st.session_state.get("clicks", 0) + 1
        frame = pd.DataFrame({"step": [0, 1], "value": [1.0, 1.0 / n], "series": "train loss"})
        log.record({"lr": 0.1 * n, "seed": 1}, frame, {"final loss": 1.0 / n})
    st.write(f"runs={[run.number for run in log.runs]}")
    compare_runs_panel(log, {"lr": "Learning rate"}, "demo")


def test_only_the_last_five_runs_are_kept_and_two_can_be_compared():
    at = AppTest.from_function(runs_page, default_timeout=30).run()
    assert any("Train at least two runs" in c.value for c in at.caption)
    for _ in range(7):
        at.button(key="train").click().run()
    assert not at.exception
    shown = next(m.value for m in at.markdown if m.value.startswith("runs="))
    assert shown == "runs=[3, 4, 5, 6, 7]"
    assert at.selectbox(key="demo.compare-first").value == "run 6"
    assert at.selectbox(key="demo.compare-second").value == "run 7"
    assert any("Learning rate" in c.value for c in at.caption)
    at.selectbox(key="demo.compare-first").set_value("run 3").run()
    assert not at.exception
