"""The MLP page's controls: micrograd's demo, the settings in three groups, and the buttons."""

from __future__ import annotations

import streamlit as st

from models.mlp_training import count_parameters
from ui.mlp.run import settings_changed
from ui.mlp.settings import SETTINGS, architecture, spec_from
from ui.mlp.state import MlpState
from ui.sharing import draw_refusal


def draw_controls() -> None:
    """The demo preset and the settings' widgets in three groups."""
    MlpState.button(
        st,
        "Micrograd's demo",
        "mlp.demo",
        ("demo",),
        icon=":material/auto_awesome:",
        width="stretch",
        help="Moons, 2-16-16-1 relu, max-margin + 1e-4 L2, the demo's decaying learning "
        "rate, 100 full-batch steps on all 100 points: the notebook's exact run, started at "
        "once.",
    )
    data_box = st.expander("Data", expanded=True, icon=":material/scatter_plot:")
    SETTINGS.widget("dataset", data_box)
    fixed = SETTINGS["dataset"] == "lecture"
    for key in ("points", "noise", "test", "data_seed"):
        SETTINGS.widget(key, data_box, disabled=fixed)
    if fixed:
        data_box.caption("The lecture's four 3-D examples, all used for training.")

    net_box = st.expander("Network", expanded=True, icon=":material/hub:")
    SETTINGS.widget("layers", net_box)
    for layer in range(1, SETTINGS["layers"] + 1):
        SETTINGS.widget(f"width{layer}", net_box)
    SETTINGS.widget("activation", net_box)
    try:
        config = spec_from(SETTINGS.values).config
        nin = 3 if fixed else 2
        net_box.caption(
            f"Network {architecture(nin, config)}: **{count_parameters(nin, config)} "
            "parameters** (each neuron has a weight per input and a bias; the output is linear)."
        )
    except ValueError:
        pass

    train_box = st.expander("Training", expanded=True, icon=":material/model_training:")
    for key in ("loss", "l2", "lr", "schedule", "batch", "steps", "seed", "point"):
        SETTINGS.widget(key, train_box)


def draw_buttons(state: MlpState) -> None:
    run, values = state.run, SETTINGS.values
    training = state.training
    resume = (
        run is not None
        and run.status in {"paused", "stopped"}
        and not settings_changed(run, values)
    )
    buttons = (
        ("Resume" if resume else "Train", "train", ":material/play_arrow:", training, None),
        ("Pause", "pause", ":material/pause:", not training, None),
        (
            "Step",
            "step",
            ":material/skip_next:",
            training,
            "One step: forward, loss, backward, update.",
        ),
        (
            "Reset",
            "reset",
            ":material/restart_alt:",
            False,
            "Back to the initial weights (the seed's).",
        ),
    )
    for column, (label, name, icon, disabled, help_text) in zip(
        st.columns(4), buttons, strict=True
    ):
        MlpState.button(
            column,
            label,
            f"mlp.{name}",
            (name,),
            type="primary" if name == "train" else "secondary",
            icon=icon,
            disabled=disabled,
            width="stretch",
            help=help_text,
        )


def draw_notices(state: MlpState) -> None:
    if state.settings_error:
        st.error(state.settings_error, icon=":material/error:")
    draw_refusal(state.refusal, SETTINGS.values, MlpState, "mlp.fit-budget")
    run = state.run
    if settings_changed(run, SETTINGS.values):
        st.info(
            "Settings changed since this run; press **Train** to start a new run with them. "
            "The charts below still show the run you trained.",
            icon=":material/edit_note:",
        )
    for note in run.notes if run else []:
        st.caption(note)
