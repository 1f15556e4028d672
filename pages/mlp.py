"""MLP: train a micrograd MLP live on 2-D data and watch the decision boundary move."""

import streamlit as st

from ui import board, mlp
from ui.layout import page_header
from ui.site import MLP

page_header(
    mlp.SETTINGS,
    MLP,
    intro=(
        "Press **Micrograd's demo** to replay the lecture notebook's run exactly (loss 0.0110 "
        "at step 99, 100% accuracy), then change the data or the network and press **Train**: "
        "the boundary bends around the points while the loss falls, and every step is the "
        "lecture's loop of forward pass, loss, zero_grad, backward and update. Push the "
        "learning rate to 1e6 to watch training diverge, or shrink the network to 2-2-1 to "
        "see the graph of one point's loss change at every step."
    ),
    lecture_label="The spelled-out intro to neural networks and backpropagation: building "
    "micrograd (from the MLP onwards)",
)
state = mlp.MlpState.get()
mlp.apply_presses(state)
mlp.current_run(state)

controls, main = st.columns([2, 5], gap="medium")
with controls:
    mlp.draw_controls()
with main:
    mlp.draw_buttons(state)
    mlp.draw_notices(state)
    mlp.live_view(state)
    board.post_panel(
        "mlp",
        lambda _: board.mlp_entry(mlp.SETTINGS.values),
        note=board.mlp_note(mlp.SETTINGS.values),
    )
    mlp.draw_compare_runs(state)
    mlp.draw_files(state)
    mlp.draw_torch_check(state)
