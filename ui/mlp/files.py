"""The MLP page's files: the network as JSON (download it, upload it to bring it back) and the
loss history as CSV.

An uploaded file is data, never code: models/export.py parses it with `json` and checks every
field and shape (no pickle, no torch.load). An imported network sets the page's architecture
settings (hidden layers, widths, activation; the lecture's 3-D examples for a network with 3
inputs), so the page builds a network of its shape; the other settings stored in the file are
applied where they are valid here, so the boundary is drawn on the data it was trained on. A
file that cannot be used gets its message, and the run shown before stays.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import streamlit as st

from models.mlp import MLP
from models.mlp_training import HIDDEN_ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_WIDTH, copy_model
from ui.layout import save_button
from ui.mlp.charts import history_frame
from ui.mlp.settings import ARCHITECTURE_KEYS, RUN_KEYS, SETTINGS, architecture
from ui.mlp.state import ImportedNetwork, MlpState
from ui.text import literal

UPLOADER_KEY = "mlp.uploader"


def _export():
    """models.export, imported when first needed: it loads torch (for the n-gram models), which
    this page otherwise loads only for its PyTorch check."""
    from models import export

    return export


def shape(model: MLP) -> str:
    """The network's shape as the page writes it, e.g. 2-16-16-1."""
    return "-".join(str(n) for n in [model.nin, *(len(layer.neurons) for layer in model.layers)])


def settings_for_import(model: MLP, stored: dict[str, Any], current: dict[str, Any]):
    """(values, notes): the page's settings that rebuild `model`'s shape, starting from
    `current`, and what the page had to change or leave. ModelFileError when this page cannot
    hold a network of that shape."""
    model_file_error = _export().ModelFileError
    sizes = [len(layer.neurons) for layer in model.layers]
    hidden = sizes[:-1]
    if model.nin not in (2, 3):
        raise model_file_error(
            f"This network takes {model.nin} inputs; this page's data points have 2 (or 3 for "
            "the lecture's examples)."
        )
    if sizes[-1] != 1:
        raise model_file_error(
            f"This network has {sizes[-1]} outputs; this page's networks have one, the score."
        )
    if len(hidden) > MAX_HIDDEN_LAYERS or any(width > MAX_WIDTH for width in hidden):
        raise model_file_error(
            f"This network ({shape(model)}) is larger than this page "
            f"trains: at most {MAX_HIDDEN_LAYERS} hidden layers of at most {MAX_WIDTH} neurons."
        )
    if hidden and model.activation not in HIDDEN_ACTIVATIONS:
        raise model_file_error(
            f'This network\'s hidden layers use "{model.activation}"; this page trains relu '
            "or tanh networks."
        )
    values = dict(current)
    rejected = []
    for key, value in stored.items():
        if key not in RUN_KEYS or key in ARCHITECTURE_KEYS:  # the architecture decides those
            continue
        try:
            values[key] = SETTINGS.settings[key].validate(value)
        except ValueError:
            rejected.append(SETTINGS.settings[key].label)
    values["layers"] = len(hidden)
    for layer, width in enumerate(hidden, start=1):
        values[f"width{layer}"] = width
    if hidden:  # a network without hidden layers has no activation to take
        values["activation"] = model.activation
    notes = []
    if model.nin == 3 and values["dataset"] != "lecture":
        values["dataset"] = "lecture"
        notes.append("The network takes 3 inputs, so it is shown on the lecture's examples.")
    elif model.nin == 2 and values["dataset"] == "lecture":
        values["dataset"] = SETTINGS.settings["dataset"].default
        notes.append("The network takes 2 inputs, not the lecture's 3: it is shown on moons.")
    if rejected:
        notes.append(
            "The file's values for " + ", ".join(rejected) + " are not valid on this page; "
            "the page's own are used."
        )
    return values, notes


def read_network_file(state: MlpState) -> ImportedNetwork | None:
    """The network in the file just chosen (its settings applied to the page), or None with
    the reason kept for the page to show. A removed file changes nothing."""
    file = st.session_state.get(UPLOADER_KEY)
    if file is None:
        state.file_message = None
        return None
    export = _export()
    try:
        model, stored = export.import_mlp(file.getvalue())
        values, notes = settings_for_import(model, stored, SETTINGS.values)
    except export.ModelFileError as error:
        state.file_message = (file.file_id, "error", str(error))
        return None
    SETTINGS.update({key: value for key, value in values.items() if value != SETTINGS[key]})
    state.file_message = (
        file.file_id,
        "success",
        f"Loaded a {shape(model)} {model.activation} network; the page's settings follow the file.",
    )
    return ImportedNetwork(model, file.name, tuple(notes))


def draw_files(state: MlpState) -> None:
    """Downloads of the run (when it is not training) and the uploader that brings one back."""
    st.header("Save and load")
    left, right = st.columns(2)
    with left:
        draw_downloads(state)
    with right:
        file = MlpState.uploader(
            st,
            "Load a network saved from this page (JSON)",
            UPLOADER_KEY,
            "upload",
            type=["json"],
            help="Its weights and settings are read as data and checked; the page's "
            "architecture settings follow the file.",
        )
        message = state.file_message
        if file is not None and message is not None and message[0] == file.file_id:
            _, kind, text = message
            if kind == "error":
                st.error(
                    f"{literal(file.name)} cannot be loaded: {literal(text)} The network shown "
                    "above is kept.",
                    icon=":material/error:",
                )
            else:
                st.success(f"{literal(file.name)}: {text}", icon=":material/check_circle:")


def draw_downloads(state: MlpState) -> None:
    run = state.run
    if run is None or (run.trainer.steps_done == 0 and run.imported is None):
        st.caption("Train a network (or load one) to save it.")
        return
    if run.status == "training":
        st.caption("The files can be saved when training pauses or ends.")
        return
    trainer, export = run.trainer, _export()
    weights = trainer.model.get_weights()
    name = f"mlp-{architecture(trainer.nin, trainer.config)}-step{trainer.steps_done}"
    if all(math.isfinite(w) and abs(w) <= export.MAX_ABS_WEIGHT for w in weights):
        save_button(
            st,
            "Network (JSON)",
            # Made when clicked, from a copy: the run may train on before the click.
            partial(export.export_mlp, copy_model(trainer.model), dict(run.settings)),
            f"{name}.json",
            "application/json",
            "mlp.download-network",
            help="Architecture, every weight and bias, and the settings that trained it. "
            "Load it here to see its boundary again.",
        )
    else:
        st.caption(
            f"The weights are not all finite numbers of at most {export.MAX_ABS_WEIGHT:g} (the "
            "run diverged), so there is no network to save."
        )
    if trainer.history:
        save_button(
            st,
            "Loss history (CSV)",
            partial(_history_csv, tuple(trainer.history)),
            f"{name}-loss-history.csv",
            "text/csv",
            "mlp.download-history",
            help="One row per step: learning rate, batch loss, train and test loss and "
            "accuracy, measured before the step's update.",
        )


def _history_csv(history: tuple) -> str:
    return history_frame(list(history)).to_csv(index=False)
