"""The Bigram page's classroom tools: save the trained net and the counts model as JSON, load
a net from a file (validated field by field, never unpickled), and compare the last runs.

A loaded net becomes this user's run for the current words, if it knows the same characters;
its training settings (lr, steps, reg, seed, method) and its n are applied to the page, so the
share link and a press of Train start from them.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from models.export import (
    ModelFileError,
    export_count_ngram,
    export_neural_ngram,
    import_neural_ngram,
)
from ui.bigram import (
    ORDER_NAMES,
    ORDERS,
    RUN_LOG,
    SETTINGS,
    CountsFit,
    Dataset,
    NeuralRun,
    keep_run,
    run_labels,
    selected_dataset,
    split_nlls,
)
from ui.runs import compare_runs_panel

MODEL_UPLOADER_KEY = "bigram:model-file"
IMPORT_KEY = "bigram:import"
COMPARE_OPEN_KEY = "bigram:compare-open"
TRAINING_KEYS = ("lr", "steps", "reg", "seed", "method")


def save_load_compare(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.header("Save, load and compare", anchor=False)
    save, load = st.columns(2, gap="large")
    with save:
        _downloads(dataset, n, fit, run)
    with load:
        _load_net()
    box = st.expander("Compare two of your last runs", key=COMPARE_OPEN_KEY, on_change="rerun",
                      icon=":material/compare_arrows:")  # fmt: skip
    if box.open:  # drawn only while open, so it costs nothing on other reruns
        with box:
            compare_runs_panel(RUN_LOG, run_labels(), y_title="mean NLL")


# ---------------------------------------------------------------------------- save


def export_settings(dataset: Dataset, run: NeuralRun) -> dict[str, Any]:
    """The page's settings with the run's own training settings, its n and its words."""
    trained = {key: value for key, value in run.settings().items() if value not in (None, "")}
    return SETTINGS.values | trained | {"n": run.n, "words": dataset.label}


def _downloads(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("Save", anchor=False)
    st.caption("JSON files with the vocabulary, n and the settings: open them anywhere, or "
               "load a net back here (yours or a classmate's).")  # fmt: skip
    if run is None:
        st.caption("Train the net to save it.")
    else:
        settings, model = export_settings(dataset, run), run.model  # a run's model never changes
        # Both files are written only when their button is clicked (no cost on other reruns).
        st.download_button("The net (JSON)", lambda: export_neural_ngram(model, settings),
                           f"{ORDER_NAMES[run.n]}-net.json", "application/json",
                           key="bigram:dl-net", on_click="ignore",
                           icon=":material/download:")  # fmt: skip
    counts_settings = {key: SETTINGS[key] for key in ("data", "year", "sex", "top_n")}
    counts_settings |= {"n": n, "smoothing": fit.model.smoothing, "words": dataset.label}
    counts = fit.model  # shared and never changed, so safe to read when the file is asked for
    st.download_button("Counts model (JSON)", lambda: export_count_ngram(counts, counts_settings),
                       f"{ORDER_NAMES[n]}-counts.json", "application/json",
                       key="bigram:dl-counts", on_click="ignore",
                       icon=":material/download:")  # fmt: skip


# ---------------------------------------------------------------------------- load


def import_state() -> dict[str, Any]:
    return st.session_state.setdefault(IMPORT_KEY, {"error": None, "loaded": None})


def _load_net() -> None:
    st.subheader("Load a net", anchor=False)
    st.file_uploader("A trained net saved from this page (JSON)", type=["json"],
                     key=MODEL_UPLOADER_KEY, on_change=take_model_file)  # fmt: skip
    state = import_state()
    if state["error"]:
        st.error(state["error"], icon=":material/error:")
    elif state["loaded"]:
        st.success(state["loaded"], icon=":material/upload_file:")


def take_model_file() -> None:
    """The uploader's callback: runs before the page, so the net's n and settings can still
    change the page's widgets. A file that cannot be used leaves everything as it was."""
    file = st.session_state.get(MODEL_UPLOADER_KEY)
    state = import_state()
    if file is None:
        state.update(error=None, loaded=None)
        return
    try:
        run, skipped = load_net(file.getvalue(), file.name)
    except ModelFileError as error:
        state.update(error=f"{file.name} was not loaded: {error} The net you had is kept.",
                     loaded=None)  # fmt: skip
        return
    message = (f"Loaded {file.name}: a {ORDER_NAMES[run.n]} net, now shown above with its "
               "settings.")  # fmt: skip
    if skipped:
        message += f" Not valid here, so not applied: {', '.join(skipped)}."
    state.update(error=None, loaded=message)


def load_net(raw: bytes, name: str) -> tuple[NeuralRun, list[str]]:
    """Read a net file, make it this user's run for the current words and apply its n and
    training settings. Returns the run and the stored settings that were not valid here."""
    model, stored = import_neural_ngram(raw)
    if model.n not in ORDERS:
        raise ModelFileError(f"The file holds a net with n = {model.n}; this page shows n = "
                             f"{', '.join(map(str, ORDERS))}.")  # fmt: skip
    dataset = selected_dataset()
    if model.itos != dataset.vocab.itos:
        trained_on = stored.get("words")
        hint = f" The file says it was trained on {trained_on}." if trained_on else ""
        raise ModelFileError(
            f"The net knows the characters '{''.join(model.itos)}' but the words on this page "
            f"have '{''.join(dataset.vocab.itos)}': choose words with the same characters and "
            f"load it again.{hint}"
        )
    training, skipped = {}, []
    for key in TRAINING_KEYS:
        if key not in stored:
            continue
        try:
            training[key] = SETTINGS.settings[key].validate(stored[key])
        except ValueError:
            skipped.append(key)
    SETTINGS.set("n", model.n)
    SETTINGS.update(training)
    nll = split_nlls(model, dataset.splits)
    run = NeuralRun(dataset.key, model.n, training.get("seed"), training.get("lr"),
                    training.get("steps"), training.get("reg"), model, math.nan, nll,
                    method=training.get("method", ""), source=name)  # fmt: skip
    keep_run(run)
    return run, skipped
