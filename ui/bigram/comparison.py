"""The Bigram page's comparison of the two models: loss curves with the counts model's NLL,
the largest difference of their tables, samples from both with one seed, and a word scored."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from models.ngram import ngrams_of
from models.ngram.compare import largest_difference
from ui import links
from ui.bigram.curves import loss_curves
from ui.bigram.data import CountsFit, WordSet, clean_word, format_nll, word_problem
from ui.bigram.settings import SETTINGS, ngram_word
from ui.bigram.state import BigramState
from ui.bigram.training import NeuralRun
from ui.charts import data_table
from ui.layout import save_button
from ui.text import in_code, literal


def comparison(
    state: BigramState, words: WordSet, n: int, fit: CountsFit, run: NeuralRun | None
) -> None:
    st.header("Counts vs neural net", anchor=False)
    if run is None:
        st.info("Train the net to compare it with the counts model.", icon=":material/info:")
        return
    model = run.model
    left, right = st.columns([3, 2], gap="large")
    with left:
        lines = {
            f"counts model NLL, {label}": fit.nll[split]
            for split, label in words.scored.items()
            if split != "test"
        }
        zoom = SETTINGS.widget("zoom")
        if model.loss_history:
            _loss_history(state, words, n, fit, run, lines, zoom)
        else:
            st.info(
                "A loaded net comes without its loss history: train one to see the curves.",
                icon=":material/info:",
            )
    with right:
        scored = words.scored
        table = pd.DataFrame(
            {
                "split": list(scored.values()),
                "counts model": [format_nll(fit.nll[s]) for s in scored],
                "neural net": [format_nll(run.nll[s]) for s in scored],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        difference = state.charts.get(
            "table-difference",
            (run.ident, words.key, fit.model.smoothing),
            lambda: largest_difference(fit.model.probs, model.probs, words.vocab.itos),
        )
        st.metric(
            "largest |P neural − P counts|",
            f"{difference.largest:.4f}",
            help="Over every cell of the two probability tables.",
        )
        st.caption(
            f"At {in_code(difference.where)}: counts {difference.counts_prob:.4f}, net "
            f"{difference.neural_prob:.4f}. The tables differ most in rows seen rarely, where "
            "k and reg change the most."
        )
        st.markdown(
            f"**Smoothing and regularisation do the same job.** Adding k = "
            f"{fit.model.smoothing:g} to every count pulls each row of P towards uniform; "
            f"reg = {run.reg:g} pulls W towards 0, and W = 0 gives uniform rows (every "
            "logit equal). Raise either and the model gets smoother; at k = 0 and reg = 0 "
            "both models converge to the same table of raw frequencies."
        )
    if n > 2:
        st.caption(
            f"For n = {n} the net adds one row of W per context character, so it cannot "
            "express every table the counts model can: expect a gap."
        )


def _loss_history(
    state: BigramState,
    words: WordSet,
    n: int,
    fit: CountsFit,
    run: NeuralRun,
    lines: dict[str, float],
    zoom: bool,
) -> None:
    model = run.model
    dev = model.eval_history.get("dev")
    train = model.data_loss_history
    summary = (
        f"The net's data loss fell from {train[0]:.2f} to {train[-1]:.2f} in {len(train)} "
        f"steps; the counts model's NLL is {fit.nll['train']:.4f}."
    )
    state.charts.draw(
        "loss-curves",
        (run.ident, words.key, n, fit.model.smoothing, zoom),
        lambda: loss_curves(train, dev, lines, zoom=zoom, title="Neural net: data loss per step"),
        summary,
        width="stretch",
    )
    on = "all the words" if words.all_words else "the training and dev splits"
    st.caption(
        f"The net's mean NLL (reg term left out) on {on}, with the counts model's NLL as "
        "dashed lines."
    )
    history = pd.DataFrame(
        {
            "step": range(len(model.loss_history)),
            "loss (with reg)": model.loss_history,
            "data loss, train": model.data_loss_history,
            "NLL, dev": dev or [math.nan] * len(model.loss_history),
        }
    )
    data_table("The loss per step as a table", "bigram.loss-table", lambda: history)
    save_button(  # the file is made when the button is clicked, not on every run
        st,
        "Loss history (CSV)",
        lambda: history.to_csv(index=False),
        "loss_history.csv",
        "text/csv",
        "bigram.download-loss",
    )


def samples(state: BigramState, words: WordSet, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("Samples, same seed for both models", anchor=False)
    drawn_with = (SETTINGS["temperature"], SETTINGS["top_k"])
    _samples_panel(state, words, fit, run, drawn_with)


@st.fragment
def _samples_panel(
    state: BigramState,
    words: WordSet,
    fit: CountsFit,
    run: NeuralRun | None,
    drawn_with: tuple[float, int],
) -> None:
    """A fragment: another seed or number of samples redraws this panel only, not the page
    (the class's most frequent action here). The temperature and top-k also shape the walk
    below, so changing them redraws the page."""
    keys = ("num_samples", "sample_seed", "temperature", "top_k")
    for column, key in zip(st.columns(4), keys, strict=True):
        with column:
            SETTINGS.widget(key)
    if (SETTINGS["temperature"], SETTINGS["top_k"]) != drawn_with:
        st.rerun(scope="app")
    links.write_link(SETTINGS)  # the address bar keeps carrying the seed shown
    values = SETTINGS.values
    args = (values["num_samples"], values["sample_seed"])
    options = {"temperature": values["temperature"], "top_k": values["top_k"] or None}
    try:
        from_counts, from_net = _drawn_samples(state, words, fit, run, args, options)
    except ValueError as error:
        st.warning(literal(str(error)), icon=":material/warning:")
        return
    index = pd.RangeIndex(1, len(from_counts) + 1, name="sample")
    table = pd.DataFrame({"counts model": from_counts}, index=index)
    table["counts: seen?"] = [_seen(words, w) for w in from_counts]
    if from_net is not None:
        table["neural net"] = from_net
        table["net: seen?"] = [_seen(words, w) for w in from_net]
        same = sum(a == b for a, b in zip(from_counts, from_net, strict=True))
        st.caption(f"{same} of {len(table)} names are the same from both models.")
    st.dataframe(table, width="stretch")
    save_button(
        st,
        "Samples (CSV)",
        lambda: table.to_csv(index_label="sample"),
        "samples.csv",
        "text/csv",
        "bigram.download-samples",
    )


def _drawn_samples(
    state: BigramState, words: WordSet, fit: CountsFit, run: NeuralRun | None, args, options
) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """Both models' samples, drawn once per process for the same models and settings (every
    draw has its own seeded generator, so a rerun or another student gets the same names)."""
    counts = fit.model
    key = (
        words.key,
        counts.n,
        counts.smoothing,
        run.ident if run else None,
        args,
        tuple(sorted(options.items())),
    )

    def draw() -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        from_net = run.model.sample(*args, **options) if run else None
        return tuple(counts.sample(*args, **options)), tuple(from_net) if run else None

    return state.charts.get("samples", key, draw)


def _seen(words: WordSet, word: str) -> str:
    return "in training data" if word in words.train_set else "new"


def score_word(words: WordSet, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("Score a word", anchor=False)
    word = clean_word(SETTINGS.widget("score"))
    problem = word_problem(word, words.vocab)
    if problem:
        st.warning(problem, icon=":material/spellcheck:")
        return
    models = {"counts": fit.model} | ({"net": run.model} if run else {})
    table = pd.DataFrame({ngram_word(n)[:-1]: ngrams_of(word, n)})
    totals = {}
    for name, model in models.items():
        log_probs = np.array(model.log_probs(word))
        table[f"P {name}"] = [f"{p:.4f}" for p in np.exp(log_probs)]
        table[f"NLL {name}"] = [format_nll(x) for x in -log_probs]
        totals[name] = float(-log_probs.sum())
    st.dataframe(table, hide_index=True, width="stretch")
    for column, (name, total) in zip(st.columns(len(totals)), totals.items(), strict=True):
        mean = total / len(table)
        column.metric(f"{name}: total NLL", format_nll(total), help=f"mean {format_nll(mean)}")
        column.caption(f"mean NLL {format_nll(mean)}")
    if math.isinf(totals["counts"]):
        st.warning(
            "The counts model gives this word probability 0: one of its n-grams never occurs "
            "in the training words and smoothing k is 0, so log 0 = −∞ and the loss is "
            "infinite. Any k > 0 fixes it; the lecture adds 1.",
            icon=":material/all_inclusive:",
        )
