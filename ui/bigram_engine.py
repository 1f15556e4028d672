"""The Bigram page's "our engine vs torch" panel: lesson 1's scalar engine trained the net,
torch trained it again with the same settings, and here are both, step by step."""

from __future__ import annotations

import streamlit as st

from ui.bigram import NeuralRun, draw_chart
from ui.bigram_charts import engine_torch_curves, engine_torch_gaps


def engine_vs_torch(run: NeuralRun) -> None:
    """Both loss curves overlaid, their largest difference, and each one's time per step."""
    check = run.torch_check
    if check is None:
        return
    engine = run.model.loss_history
    if check.failure:
        st.warning(f"torch could not train the same settings: {check.failure}",
                   icon=":material/warning:")  # fmt: skip
        return
    gaps = [abs(a - b) for a, b in zip(engine, check.history, strict=True)]
    if not gaps:
        return
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    # CPU time of the training thread: what each method costs, whatever else the server does.
    engine_ms = run.cpu_seconds_per_step * 1000
    torch_ms = check.timing.cpu / len(check.history) * 1000
    st.markdown("**Our engine vs torch**: the same net, the same initial W, the same loss.")
    draw_chart("engine-vs-torch", run.ident,
               lambda: engine_torch_curves(engine, check.history), width="stretch")  # fmt: skip
    draw_chart("engine-torch-gaps", run.ident,
               lambda: engine_torch_gaps(engine, check.history), width="stretch")  # fmt: skip
    st.markdown(
        f"Largest |engine − torch| **{gaps[worst]:.1e}** (step {worst}) · CPU time per step: "
        f"our engine **{engine_ms:.2f} ms**, torch **{torch_ms:.3f} ms**"
    )
    st.caption(
        "torch works in float32 (about 7 significant digits), the engine in Python's float64, "
        f"so what is left between them is rounding. torch is about {engine_ms / torch_ms:,.0f}x "
        "faster: one tensor operation does what the engine does one Value at a time (729 "
        "weights, about a thousand nodes per row of W). Times are the CPU time of the whole "
        "training run (encoding included, the page's progress redraws left out) divided by "
        "the steps; on a busy server the clock runs longer than that."
    )
