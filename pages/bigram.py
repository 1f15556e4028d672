"""Bigram: makemore part 1's character model built twice, by counting and as a one-layer
neural net, side by side; then compared, sampled, scored and opened up."""

import streamlit as st

from ui import bigram, board
from ui.layout import page_header
from ui.site import BIGRAM

page_header(
    bigram.SETTINGS,
    BIGRAM,
    intro=bigram.INTRO,
    lecture_label="The spelled-out intro to language modeling: building makemore",
)
state = bigram.BigramState.get()
bigram.apply_presses(state)

words = bigram.data_panel(state)
n = bigram.SETTINGS.widget("n")
bigram.train_before_drawing(state, words, n)
run = state.net_for(words.key, n)

fit = bigram.count_table(state, words, n)
if fit is None:
    st.stop()

counts_side, neural_side = st.columns(2, gap="large")
with counts_side:
    bigram.counts_column(state, words, n, fit, run)
with neural_side:
    run = bigram.neural_column(state, words, n, fit)

bigram.lecture_figures(words, n, run)
board.post_panel(
    "bigram",
    lambda model: board.bigram_entry(bigram.SETTINGS.values, model),
    note=board.bigram_note(bigram.SETTINGS.values),
)
bigram.comparison(state, words, n, fit, run)
bigram.samples(state, words, fit, run)
bigram.score_word(words, n, fit, run)
bigram.save_load_compare(state, words, n, fit, run)
bigram.inside_network(words, n, run)
bigram.walk_through(state, words, fit, run)
