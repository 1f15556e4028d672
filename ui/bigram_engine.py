"""The Bigram page's "our engine vs torch" panel: lesson 1's scalar engine trained the net,
torch trained it again with the same settings, and here are both, step by step."""

from __future__ import annotations

import streamlit as st

from ui.bigram import NeuralRun, draw_chart
from ui.bigram_charts import engine_torch_curves


def engine_vs_torch(run: NeuralRun) -> None:
    """Both loss curves overlaid, their largest difference, and each one's time per step."""
    check = run.torch_check
    if check is None:
        return
    engine = run.model.loss_history
    gaps = [abs(a - b) for a, b in zip(engine, check.history, strict=True)]
    if not gaps:
        return
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    engine_ms = run.seconds_per_step * 1000
    torch_ms = check.seconds / len(check.history) * 1000
    st.markdown("**Our engine vs torch**: the same net, the same initial W, the same loss.")
    draw_chart("engine-vs-torch", run.ident,
               lambda: engine_torch_curves(engine, check.history), width="stretch")  # fmt: skip
    largest, ours, theirs = st.columns(3)
    largest.metric("largest |engine − torch|", f"{gaps[worst]:.1e}",
                   help=f"Over all {len(gaps)} steps; at step {worst}.")  # fmt: skip
    ours.metric("our engine", f"{engine_ms:.2f} ms/step",
                help="Training time of the whole fit (encoding included), without the "
                     "page's progress redraws, divided by the steps.")  # fmt: skip
    theirs.metric("torch", f"{torch_ms:.3f} ms/step", help="The same fit with torch's fast path.")
    st.caption(
        f"The losses differ by at most {gaps[worst]:.1e} (step {worst}): torch works in float32 "
        "(about 7 significant digits), the engine in Python's float64, so what is left is "
        f"rounding. torch is about {engine_ms / torch_ms:,.0f}x faster: one tensor operation "
        "does what the engine does one Value at a time (729 weights, about a thousand nodes "
        "per row of W)."
    )
