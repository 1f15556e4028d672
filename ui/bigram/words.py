"""The Bigram page's first panel: where the words come from, and what they look like."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st

from data.words import MAX_UPLOAD_MB
from models.ngram import ngrams_of
from ui.bigram.curves import length_histogram
from ui.bigram.data import WordSet, clean_word, word_problem
from ui.bigram.settings import SETTINGS, ngram_word
from ui.bigram.state import BigramState
from ui.charts import data_table
from ui.text import in_code, literal

UPLOADER_KEY = "bigram.uploader"
LINK_NOTE = (
    "A share link carries this page's settings but not your file: whoever opens it is asked "
    "for the same file and sees the built-in names until they load it."
)


def data_panel(state: BigramState) -> WordSet:
    """Where the words come from, and what they look like."""
    with st.container(border=True):
        st.header("The words", anchor=False)
        controls, stats = st.columns([2, 3], gap="large")
        with controls:
            words = _choose_words(state)
            SETTINGS.widget("word")
        with stats:
            _word_stats(state, words)
    return words


def _choose_words(state: BigramState) -> WordSet:
    BigramState.button(
        st,
        "The lecture's run",
        "bigram.lecture",
        ("lecture",),
        icon=":material/school:",
        help="makemore's names.txt, all words, n = 2, k = 1, W from seed 2147483647, lr 50, "
        "100 steps, reg 0.01: the lecture's settings, trained at once; the figures it printed "
        "appear under The lecture's figures.",
    )
    uploaded = None
    data = SETTINGS.widget("data")
    if data == "upload":
        st.caption(LINK_NOTE)
        st.sidebar.caption(f":material/link_off: {LINK_NOTE}")
        label = (
            "A UTF-8 text file with one word per line, like the lecture's names.txt "
            f"(at most {MAX_UPLOAD_MB} MB)"
        )
        file = BigramState.uploader(
            st, label, UPLOADER_KEY, "upload-words", type=["txt"], max_upload_size=MAX_UPLOAD_MB
        )
        upload = state.choice.upload
        if upload.error:
            st.error(upload.error, icon=":material/error:")
        uploaded = upload.word_set(SETTINGS["split"])
        if uploaded is None:
            st.info(
                "Until a file is loaded, the built-in names below are used.",
                icon=":material/info:",
            )
        elif file is None:
            label = literal(uploaded.label)
            st.caption(f"Using the {label} loaded earlier; upload a file to replace it.")
    if uploaded is None and data != "makemore":
        SETTINGS.widget("year")
        SETTINGS.widget("sex")
        SETTINGS.widget("top_n")
    SETTINGS.widget("split")
    words = state.choice.words()
    if state.choice.problem and words is not uploaded:
        st.warning(state.choice.problem, icon=":material/group_off:")
    return words


def _word_stats(state: BigramState, words: WordSet) -> None:
    n = SETTINGS["n"]
    st.markdown(f"**{literal(words.label[0].upper() + words.label[1:])}**")
    ngram_total = state.charts.get(
        "ngram-total", words.key, lambda: sum(len(w) + 1 for w in words.words)
    )
    splits = words.splits
    a, b, c = st.columns(3)
    a.metric("words", f"{len(words.words):,}")
    b.metric(ngram_word(n), f"{ngram_total:,}", help="One per character, plus the end '.'.")
    c.metric("vocabulary", len(words.vocab), help="The characters, with '.' for start/end.")
    if words.all_words:
        st.caption(
            f"All {len(words.words):,} words train both models and score them, as in the "
            "lecture: no word is held out."
        )
    else:
        st.caption(
            f"Split (shuffled with seed 42, cut at 80% and 90%): {len(splits.train):,} train, "
            f"{len(splits.dev):,} dev, {len(splits.test):,} test words."
        )
    # (length, words) pairs, counted once per word list for the class: a rerun only reads them.
    lengths = state.charts.get("word-lengths", words.key, lambda: _length_counts(words.words))
    commonest, most = max(lengths, key=lambda pair: pair[1])
    summary = (
        f"Word lengths of the {len(words.words):,} words: from {lengths[0][0]} to "
        f"{lengths[-1][0]} characters, most often {commonest} ({most:,} words)."
    )
    state.charts.draw(
        "length-histogram",
        words.key,
        lambda: length_histogram(words.words),
        summary,
        width="stretch",
    )
    data_table(
        "Word lengths as a table",
        "bigram.lengths-table",
        lambda: pd.DataFrame(lengths, columns=["length", "words"]),
    )
    word = clean_word(SETTINGS["word"])
    problem = word_problem(word, words.vocab)
    if problem:
        st.warning(f"{literal(word) or 'The word'}: {problem}", icon=":material/spellcheck:")
    else:
        grams = " ".join(ngrams_of(word, n))
        st.markdown(
            f"The {ngram_word(n)} of **{literal(word)}**: {in_code(grams)}: each predicts its "
            f"last character from the {n - 1} before it."
        )


def _length_counts(word_list: tuple[str, ...] | list[str]) -> tuple[tuple[int, int], ...]:
    """How many words have each length, shortest first."""
    counts = Counter(len(word) for word in word_list)
    return tuple(sorted(counts.items()))
