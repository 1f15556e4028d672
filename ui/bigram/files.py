"""The Bigram page's files and run log: save the trained net and the counts model as JSON,
load a net from a file (checked field by field, never unpickled), and compare the last runs.

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
from ui.bigram.data import CountsFit, WordSet, split_nlls
from ui.bigram.settings import ORDER_NAMES, ORDERS, SETTINGS, TRAINING_KEYS
from ui.bigram.state import BigramState
from ui.bigram.training import NeuralRun
from ui.layout import save_button
from ui.runlog import compare_runs_panel
from ui.text import literal

NET_UPLOADER_KEY = "bigram.net-file"
COMPARE_OPEN_KEY = "bigram.compare-open"
RUN_LABELS = {"words": "Words"} | {
    key: SETTINGS.settings[key].label for key in ("n", "method", "lr", "steps", "reg", "seed")
}


def save_load_compare(
    state: BigramState, words: WordSet, n: int, fit: CountsFit, run: NeuralRun | None
) -> None:
    st.header("Save, load and compare", anchor=False)
    save, load = st.columns(2, gap="large")
    with save:
        _downloads(words, n, fit, run)
    with load:
        _net_uploader(state)
    box = st.expander(
        "Compare two of your last runs",
        key=COMPARE_OPEN_KEY,
        on_change="rerun",
        icon=":material/compare_arrows:",
    )
    if box.open:  # drawn only while open, so it costs nothing on other reruns
        with box:
            compare_runs_panel(state.run_log, RUN_LABELS, "bigram", y_title="mean NLL")


def export_settings(words: WordSet, run: NeuralRun) -> dict[str, Any]:
    """The page's settings with the run's own training settings, its n and its words."""
    trained = {key: value for key, value in run.settings().items() if value not in (None, "")}
    return SETTINGS.values | trained | {"n": run.n, "words": words.label}


def _downloads(words: WordSet, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("Save", anchor=False)
    st.caption(
        "JSON files with the vocabulary, n and the settings: open them anywhere, or load a net "
        "back here (yours or a classmate's)."
    )
    if run is None:
        st.caption("Train the net to save it.")
    else:
        settings, model = export_settings(words, run), run.model  # a run's model never changes
        # Both files are written only when their button is clicked (no cost on other reruns).
        save_button(
            st,
            "The net (JSON)",
            lambda: export_neural_ngram(model, settings),
            f"{ORDER_NAMES[run.n]}-net.json",
            "application/json",
            "bigram.download-net",
        )
    counts_settings = {key: SETTINGS[key] for key in ("data", "year", "sex", "top_n")}
    counts_settings |= {"n": n, "smoothing": fit.model.smoothing, "words": words.label}
    counts = fit.model  # shared and never changed, so safe to read when the file is asked for
    save_button(
        st,
        "Counts model (JSON)",
        lambda: export_count_ngram(counts, counts_settings),
        f"{ORDER_NAMES[n]}-counts.json",
        "application/json",
        "bigram.download-counts",
    )


def _net_uploader(state: BigramState) -> None:
    st.subheader("Load a net", anchor=False)
    label = "A trained net saved from this page (JSON)"
    BigramState.uploader(st, label, NET_UPLOADER_KEY, "net-file", type=["json"])
    if state.net_file_message is None:
        return
    kind, text = state.net_file_message
    if kind == "error":
        st.error(text, icon=":material/error:")
    else:
        st.success(text, icon=":material/upload_file:")


def read_net_file(state: BigramState) -> None:
    """The net file just chosen becomes this user's run (its n and settings applied), or its
    message says why not; a file that cannot be used leaves everything as it was."""
    file = st.session_state.get(NET_UPLOADER_KEY)
    if file is None:
        state.net_file_message = None
        return
    name = literal(file.name)
    try:
        run, skipped = load_net(state, file.getvalue(), file.name)
    except ModelFileError as error:
        message = f"{name} was not loaded: {literal(str(error))} The net you had is kept."
        state.net_file_message = ("error", message)
        return
    message = f"Loaded {name}: a {ORDER_NAMES[run.n]} net, now shown above with its settings."
    if skipped:
        message += f" Not valid here, so not applied: {', '.join(skipped)}."
    state.net_file_message = ("success", message)


def load_net(state: BigramState, raw: bytes, name: str) -> tuple[NeuralRun, list[str]]:
    """Read a net file, make it this user's run for the current words and apply its n and
    training settings. Returns the run and the stored settings that were not valid here."""
    model, stored = import_neural_ngram(raw)
    if model.n not in ORDERS:
        raise ModelFileError(
            f"The file holds a net with n = {model.n}; this page shows n = "
            f"{', '.join(map(str, ORDERS))}."
        )
    words = state.choice.words()
    if model.itos != words.vocab.itos:
        trained_on = stored.get("words")
        hint = f" The file says it was trained on {trained_on}." if trained_on else ""
        raise ModelFileError(
            f"The net knows the characters {''.join(model.itos)!r} but the words on this page "
            f"have {''.join(words.vocab.itos)!r}: choose words with the same characters and "
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
    nll = split_nlls(model, words.splits)
    run = NeuralRun(
        words.key,
        model.n,
        training.get("seed"),
        training.get("lr"),
        training.get("steps"),
        training.get("reg"),
        model,
        math.nan,
        nll,
        method=training.get("method", ""),
        source=name,
    )
    state.keep_net(run)
    return run, skipped
