"""Bigram: makemore part 1's character model built twice, by counting and as a one-layer
neural net, side by side; then compared, sampled, scored and opened up."""

import streamlit as st

from ui import bigram_panels as panels
from ui.bigram import INTRO, SETTINGS, current_run
from ui.bigram_classroom import save_load_compare
from ui.layout import page_header
from ui.site import LECTURE_2_URL

page_header(
    SETTINGS,
    title="Bigram: counting vs a neural net",
    intro=INTRO,
    lecture_url=LECTURE_2_URL,
    lecture_label="The spelled-out intro to language modeling: building makemore",
)

dataset = panels.data_panel()
n = panels.order_control()
run = current_run(dataset, n)

fit = panels.count_table(dataset, n)
if fit is None:
    st.stop()

counts_side, neural_side = st.columns(2, gap="large")
with counts_side:
    panels.counts_column(dataset, n, fit, run)
with neural_side:
    run = panels.neural_column(dataset, n, fit)

panels.comparison(dataset, n, fit, run)
panels.samples(dataset, fit, run)
panels.score_word(dataset, n, fit, run)
save_load_compare(dataset, n, fit, run)
panels.inside_network(dataset, n, run)
panels.walk_through(dataset, fit, run)
