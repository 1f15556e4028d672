"""The MLP page's panels below the live view: compare runs, and the check against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from ui.charts import chart_height, data_table, described, line_chart
from ui.mlp.settings import LABELS
from ui.mlp.state import MlpState
from ui.runlog import RUNS_LOGGED, compare_runs_panel


def draw_compare_runs(state: MlpState) -> None:
    st.header("Compare runs")
    st.caption(
        f"Every run that finishes (or diverges) is kept, the last {RUNS_LOGGED} of them: pick "
        "two to see their loss curves on one chart and their settings side by side."
    )
    compare_runs_panel(state.run_log, LABELS, "mlp")


def draw_torch_check(state: MlpState) -> None:
    st.header("Check against PyTorch")
    st.caption(
        "Trains the same network from the same initial weights in PyTorch (float64, its own "
        "autograd) on the same batches with the same learning rates, and overlays the losses."
    )
    run = state.run
    has_steps = run is not None and run.trainer.steps_done > 0
    MlpState.button(
        st,
        "Check against PyTorch",
        "mlp.torch",
        ("torch",),
        icon=":material/fact_check:",
        disabled=not has_steps or state.training,
    )
    check = run.torch_check if run is not None else None
    if check is None:
        return
    if math.isnan(check.max_abs_difference):
        st.warning("No step with a finite loss to compare.", icon=":material/info:")
        return
    st.success(
        f"Largest |difference| between the engine's and PyTorch's losses over "
        f"{check.steps} steps: **{check.max_abs_difference:.3g}**",
        icon=":material/check_circle:",
    )
    if check.steps < run.trainer.steps_done:
        st.caption(f"Checked the first {check.steps} steps; press the button again for the rest.")
    frame = pd.DataFrame(
        [(k, "micrograd engine", v) for k, v in enumerate(check.engine_losses)]
        + [(k, "PyTorch float64", v) for k, v in enumerate(check.torch_losses)],
        columns=["step", "curve", "loss"],
    )
    frame = frame[np.isfinite(frame["loss"].to_numpy(dtype=float))]
    chart = line_chart(
        frame,
        x="step",
        y="loss",
        series="curve",
        title="Same run, two engines",
        height=chart_height(220),
    )
    summary = (
        f"The engine's and PyTorch's losses over {check.steps} steps, one on the other: "
        f"they differ by at most {check.max_abs_difference:.3g}."
    )
    st.altair_chart(described(chart, summary), width="stretch")
    data_table("Both losses as a table", "mlp.torch-table", lambda: frame)
