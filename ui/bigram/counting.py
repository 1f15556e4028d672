"""The Bigram page's counting panels: the lecture's count table as a heatmap, and one row of
the counts model as probabilities (with the neural net's on top)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from models.ngram.compare import count_slice, slice_prefix
from ui.bigram.charts import (
    OUTLINED_ROW,
    SHOWN_ROW,
    count_heatmap,
    probability_rows,
    with_param,
)
from ui.bigram.data import CountsFit, WordSet, fitted_counts, format_nll
from ui.bigram.settings import SETTINGS, ngram_word
from ui.bigram.state import BigramState
from ui.bigram.training import NeuralRun
from ui.charts import data_table, described
from ui.layout import wide_picture
from ui.text import literal

HEATMAP_KEY = "bigram.heatmap"


def count_table(state: BigramState, words: WordSet, n: int) -> CountsFit | None:
    """The lecture's count matrix, full width so every cell can carry its label."""
    st.header("Counting", anchor=False)
    st.caption(
        f"P(next | context) = (count + k) / (row total + k · V), counted on {words.training_words}."
    )
    controls = st.columns(2)
    with controls[0]:
        smoothing = SETTINGS.widget("smoothing")
    try:
        fit = fitted_counts(words.key, n, float(smoothing), words)
    except ValueError as error:
        message = literal(str(error))
        st.error(f"The counts model cannot be built: {message}", icon=":material/error:")
        return None
    itos = words.vocab.itos
    if n > 2:
        with controls[1]:
            SETTINGS.widget("prefix")
    prefix, problem = slice_prefix(n, SETTINGS["prefix"], words.vocab)
    if problem:
        st.warning(literal(problem), icon=":material/warning:")
    row = SETTINGS["row"] if SETTINGS["row"] in itos else "."
    labels = [prefix + ch for ch in itos]
    title = f"Counts of the {ngram_word(n)} in the training words"
    if prefix:
        title += f", contexts starting with '{prefix}'"
    # Built once per table; moving the outline to another row only changes one parameter.
    spec = state.charts.spec(
        "heatmap",
        (words.key, n, prefix),
        lambda: count_heatmap(count_slice(fit.model, prefix), labels, itos, title=title),
    )
    counts = count_slice(fit.model, prefix)
    top = np.unravel_index(int(counts.argmax()), counts.shape)
    summary = (
        f"{title}: a {len(labels)} by {len(itos)} table of counts, {int(counts.sum()):,} in "
        f"all; the most common is '{labels[top[0]]}{itos[top[1]]}', {int(counts.max()):,} "
        "times."
    )
    with wide_picture("count-table"):
        st.vega_lite_chart(
            spec=described(with_param(spec, OUTLINED_ROW, prefix + row), summary),
            width="content",
            key=HEATMAP_KEY,
            on_select=_picked_row,  # a chart takes no callback arguments
        )
    st.caption("Each cell: the n-gram and how often it occurs. Click a cell to pick its row.")
    data_table(
        "The count table as a table",
        "bigram.count-table",
        lambda: pd.DataFrame(
            counts, index=pd.Index(labels, name="context"), columns=itos
        ).reset_index(),
    )
    return fit


def _picked_row() -> None:
    BigramState.press("pick-row")


def counts_column(
    state: BigramState, words: WordSet, n: int, fit: CountsFit, run: NeuralRun | None
) -> None:
    st.subheader("The counts model", anchor=False)
    itos = words.vocab.itos
    prefix, _ = slice_prefix(n, SETTINGS["prefix"], words.vocab)
    row = SETTINGS.widget("row", options=itos)
    context = prefix + row
    labels = [prefix + ch for ch in itos]
    # A chart title is plain text (not Markdown), so the context can stand in it as it is.
    shown = "'.' (the start of a word)" if context == "." * (n - 1) else f"'{context}'"

    def rows_chart():
        counts_table = np.stack([fit.model.probs_for_context(c).numpy() for c in labels])
        neural_table = None
        if run:
            neural_table = np.stack([run.model.probs_for_context(c).numpy() for c in labels])
        return probability_rows(labels, itos, counts_table, neural_table, shown_row=context)

    # All rows are in the spec; picking another row changes the parameter and the title.
    key = (words.key, n, fit.model.smoothing, run.ident if run else None, prefix)
    spec = with_param(state.charts.spec("row-distribution", key, rows_chart), SHOWN_ROW, context)
    counts_row = fit.model.probs_for_context(context).numpy()
    likely = int(counts_row.argmax())
    summary = (
        f"P(next | {shown}): the counts model's most likely next character is "
        f"'{itos[likely]}', probability {counts_row[likely]:.3f}."
    )
    st.vega_lite_chart(
        spec=described({**spec, "title": f"P(next | {shown})"}, summary), width="stretch"
    )
    if run:
        st.caption("Bars: the counts model. Black ticks: the neural net.")

    def row_table() -> pd.DataFrame:
        table = pd.DataFrame({"next": itos, "counts model": counts_row})
        if run:
            table["neural net"] = run.model.probs_for_context(context).numpy()
        return table

    data_table("This row as a table", "bigram.row-table", row_table)
    scored = words.scored
    nll = " / ".join(format_nll(fit.nll[split]) for split in scored)
    st.markdown(f"Mean negative log-likelihood on {' / '.join(scored.values())}: **{nll}**")
