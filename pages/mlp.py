"""MLP: train a micrograd MLP live on 2-D data and watch the decision boundary move."""

import streamlit as st

from ui import mlp, mlp_files
from ui.layout import page_header
from ui.site import LECTURE_1_URL

settings = mlp.SETTINGS
page_header(
    settings,
    title="Train an MLP",
    intro=(
        "Press **Micrograd's demo** to replay the lecture notebook's run exactly (loss 0.0110 "
        "at step 99, 100% accuracy), then change the data or the network and press **Train**: "
        "the boundary bends around the points while the loss falls, and every step is the "
        "lecture's loop of forward pass, loss, zero_grad, backward and update. Push the "
        "learning rate to 1e6 to watch training diverge, or shrink the network to 2-2-1 to "
        "see the graph of one point's loss change at every step."
    ),
    lecture_url=LECTURE_1_URL,
    lecture_label="The spelled-out intro to neural networks and backpropagation: building "
    "micrograd (from the MLP onwards)",
)

controls, main = st.columns([1, 3], gap="medium")
with controls:
    values = mlp.draw_controls(settings)
with main:
    run = mlp.prepare_run(values)
    mlp.draw_buttons(run, values)
    mlp.draw_notices(run, values)
    mlp.live_view()
    mlp.draw_compare_runs()
    mlp_files.draw_files(run)
    mlp.draw_torch_check(run)
