"""The Bigram page's "lecture's run": makemore's names.txt fitted on all words with the
lecture's settings, and the figures the lecture prints beside the ones this page computes.

Figures from the lecture "The spelled-out intro to language modeling: building makemore"
(names.txt, all 32,033 words): the counts model's mean NLL 2.4544 with k = 1 (2.4541 with
k = 0), "andrejq" 3.4834 (inf without smoothing), the net's loss 3.7686 at step 0 and 2.4901
at step 99 (W from seed 2147483647, lr 50, reg 0.01), `emma` 3.7693 at the initial W, and five
names sampled from the counts model with the generator seeded 2147483647.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from models.ngram import LECTURE_SEED, NeuralNGram
from ui import links
from ui.bigram.data import WordSet, fitted_counts, format_nll
from ui.bigram.settings import SETTINGS
from ui.bigram.training import NeuralRun

LECTURE_RUN = {
    "data": "makemore",
    "split": "all",
    "n": 2,
    "smoothing": 1.0,
    "seed": LECTURE_SEED,
    "lr": 50.0,
    "steps": 100,
    "reg": 0.01,
    "method": "torch",
    "word": "emma",
    "score": "andrejq",
    "num_samples": 5,
    "sample_seed": LECTURE_SEED,
    "temperature": 1.0,
    "top_k": 0,
}
LECTURE_WORDS = "makemore:all"  # WordSet.key of names.txt fitted on all words
# What the lecture prints, as it prints it.
PRINTED = {
    "counts model NLL, k = 1": "2.4544",
    "counts model NLL, k = 0": "2.4541",
    "'andrejq' mean NLL, k = 1": "3.4834",
    "'andrejq' mean NLL, k = 0": "inf",
    "'emma' mean NLL at the initial W": "3.7693",
    "the net's loss at step 0": "3.7686",
    "the net's loss at step 99": "2.4901",
}
# torch 2's multinomial draws other characters than torch 1's from the same generator: these
# are what the lecture's sampling code prints today (the video shows mor., axx., ...).
PRINTED_SAMPLES = ("cexze.", "momasurailezitynn.", "konimittain.", "llayn.", "ka.")


def lecture_figures(words: WordSet, n: int, run: NeuralRun | None) -> None:
    """The lecture's printed figures beside this page's, when the page holds its data."""
    with st.expander(
        "The lecture's figures", icon=":material/school:", expanded=words.key == LECTURE_WORDS
    ):
        if words.key != LECTURE_WORDS or n != 2:
            st.caption(
                "Press *The lecture's run* (at the top) to fit both models on makemore's "
                "names.txt with every word, as the lecture does, and see the figures it prints "
                "beside the ones computed here."
            )
            return
        computed = computed_figures(words, run)
        rows = [
            {"figure": name, "the lecture prints": printed, "this page": computed[name]}
            for name, printed in PRINTED.items()
        ]
        samples = " ".join(computed["samples"])
        rows.append(
            {
                "figure": "five names from the counts model, k = 1, seed 2147483647",
                "the lecture prints": " ".join(PRINTED_SAMPLES),
                "this page": samples,
            }
        )
        table = pd.DataFrame(rows)
        table["same"] = np.where(table["the lecture prints"] == table["this page"], "yes", "no")
        st.dataframe(table, hide_index=True, width="stretch", key="bigram.lecture-figures")
        if computed["the net's loss at step 0"] == "–":
            st.caption(
                "The net's losses appear after a run with the lecture's settings (lr 50, "
                "reg 0.01, seed 2147483647, at least 100 steps): press *The lecture's run*."
            )
        exact_k1, exact_k0 = computed["exact"]
        st.caption(
            "The counts model's NLL is summed as the lecture sums it: each log-probability "
            "added in turn to a float32 total, which drifts over 228,146 bigrams. The exact "
            f"means, shown in the panels above, are {exact_k1} (k = 1) and {exact_k0} (k = 0)."
        )
        st.caption(
            "The samples are drawn the lecture's way, one character at a time with "
            "torch.multinomial from one generator seeded 2147483647. The video's names (mor., "
            "axx., ...) came from torch 1.x; torch 2 draws other characters from the same "
            "generator, so the lecture's own code prints these names today."
        )
        st.caption("This setup as a link:")
        st.code(links.share_link(SETTINGS), language=None, wrap_lines=True)


def computed_figures(words: WordSet, run: NeuralRun | None) -> dict[str, object]:
    """This page's values of the lecture's figures, formatted as the lecture prints them."""
    smoothed = fitted_counts(words.key, 2, 1.0, words).model
    raw = fitted_counts(words.key, 2, 0.0, words).model
    initial = NeuralNGram(2, LECTURE_SEED, words.vocab)
    emma = float(np.mean([example.nll for example in initial.examples_for_word("emma")]))
    figures: dict[str, object] = {
        "counts model NLL, k = 1": format_nll(smoothed.nll_summed_in_float32(words.words)),
        "counts model NLL, k = 0": format_nll(raw.nll_summed_in_float32(words.words)),
        "exact": (format_nll(smoothed.nll(words.words)), format_nll(raw.nll(words.words))),
        "'andrejq' mean NLL, k = 1": format_nll(smoothed.nll(["andrejq"])),
        "'andrejq' mean NLL, k = 0": printed_nll(raw.nll(["andrejq"])),
        "'emma' mean NLL at the initial W": format_nll(emma),
        "the net's loss at step 0": "–",
        "the net's loss at step 99": "–",
        "samples": [word + "." for word in smoothed.sample(5, LECTURE_SEED)],
    }
    if run is not None and is_lecture_training(run):
        history = run.model.loss_history
        figures["the net's loss at step 0"] = format_nll(history[0])
        figures["the net's loss at step 99"] = format_nll(history[99])
    return figures


def printed_nll(value: float) -> str:
    """An NLL as Python prints an infinite one ("inf"), otherwise to four places."""
    return "inf" if math.isinf(value) else format_nll(value)


def is_lecture_training(run: NeuralRun) -> bool:
    """A run whose first hundred steps are the lecture's: same initial W, lr, reg and loss."""
    return (
        run.n == 2
        and run.seed == LECTURE_SEED
        and run.lr == 50.0
        and run.reg == 0.01
        and len(run.model.loss_history) >= 100
    )
