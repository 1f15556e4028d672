"""Inside the Bigram page's network: the lecture's diagram and its walk through the examples
of a word; and sampling one character at a time, with each random draw shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from models.ngram import MAX_SAMPLE_LENGTH, NeuralNGram
from ui import links
from ui.bigram.charts import network_diagram, with_param
from ui.bigram.curves import WALK_STEP, walk_probabilities, walk_running_totals
from ui.bigram.data import CountsFit, WordSet, clean_word, format_nll, word_problem
from ui.bigram.presses import apply_presses
from ui.bigram.settings import SETTINGS
from ui.bigram.state import BigramState
from ui.bigram.training import NeuralRun
from ui.charts import described
from ui.layout import lazy_panel
from ui.streamlit_private import vega_lite_spec
from ui.text import in_code, literal


def inside_network(words: WordSet, n: int, run: NeuralRun | None) -> None:
    st.header("Inside the network", anchor=False)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.graphviz_chart(network_diagram(n, len(words.vocab)), width="stretch")
    with right:
        which = SETTINGS.widget("weights")
        word = clean_word(SETTINGS["word"])
        problem = word_problem(word, words.vocab)
        if problem:
            st.warning(f"Choose another word in the panel at the top: {problem}")
            return
        if which == "trained" and run is None:
            st.info("Train the net first; showing the initial weights.")
            which = "initial"
        initial = which == "initial"
        model = NeuralNGram(n, SETTINGS["seed"], words.vocab) if initial else run.model
        examples = model.examples_for_word(word)
        rows = []
        for example in examples:
            top = model.probs_for_context(example.context).topk(3)
            likely = ", ".join(
                f"{model.itos[i]} {float(p):.3f}"
                for p, i in zip(top.values, top.indices, strict=True)
            )
            rows.append(
                {
                    "input": example.context,
                    "index": " ".join(str(model.stoi[ch]) for ch in example.context),
                    "most likely next": likely,
                    "label": example.target,
                    "P(label)": f"{example.prob:.4f}",
                    "NLL": format_nll(example.nll),
                }
            )
        weights = f"seed {SETTINGS['seed']}" if which == "initial" else "trained"
        st.markdown(f"The examples of **{literal(word)}** as the net sees them ({weights}):")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        mean = float(np.mean([e.nll for e in examples]))
        st.metric("mean NLL of these examples", format_nll(mean))
        if n == 2:
            st.caption("The lecture walks 'emma' at its initial W (seed 2147483647): mean 3.7693.")


def walk_through(state: BigramState, words: WordSet, fit: CountsFit, run: NeuralRun | None):
    """Sampling one character at a time, in a panel built only while it is open (its two
    charts are a sixth of the page's bytes); a link that sets the walk's settings opens it."""
    box = lazy_panel(
        "Sampling, one character at a time",
        "bigram.walk-open",
        opened=SETTINGS.changed("walk_model", "walk_seed"),
        icon=":material/directions_walk:",
    )
    if box is not None:
        with box:
            _walk_fragment(state, words, fit, run)


@st.fragment
def _walk_fragment(
    state: BigramState, words: WordSet, fit: CountsFit, run: NeuralRun | None
) -> None:
    """A fragment: Next, Whole name, Another and the walk's own settings redraw this panel
    only. Its presses are taken here when only the fragment runs (on a full run the page took
    them before drawing, and none is left)."""
    apply_presses(state)
    links.write_link(SETTINGS)  # the address bar keeps carrying the walk shown
    _walk(state, words, fit, run)


def _walk(state: BigramState, words: WordSet, fit: CountsFit, run: NeuralRun | None) -> None:
    st.caption(
        "Each step draws a uniform random number u between 0 and 1 and takes the first "
        "character whose running total of probability passes u (inverse-CDF sampling). That "
        "is the distribution torch.multinomial draws from for the samples above, with a "
        "different stream of random numbers, so the same seed gives other names here."
    )
    controls = st.columns([2, 2, 1, 1, 1])
    with controls[0]:
        source = SETTINGS.widget("walk_model")
    with controls[1]:
        seed = SETTINGS.widget("walk_seed")
    if source == "neural" and run is None:
        st.info("Train the net first; walking through the counts model.")
        source = "counts"
    model = run.model if source == "neural" else fit.model
    ident = run.ident if source == "neural" else (words.key, fit.model.n, fit.model.smoothing)
    temperature, top_k = SETTINGS["temperature"], SETTINGS["top_k"] or None
    key = (source, ident, seed, temperature, top_k)
    try:
        steps = state.charts.get(
            "walk",
            key,
            lambda: model.sample_walk(
                seed, temperature=temperature, top_k=top_k, max_length=MAX_SAMPLE_LENGTH
            ),
        )
    except ValueError as error:
        st.warning(literal(str(error)))
        return
    if state.walk_key != key:
        state.walk_key, state.walk_shown = key, 1
    shown_count = min(state.walk_shown, len(steps))
    last = shown_count >= len(steps)
    next_step = ("walk", key, shown_count + 1)
    BigramState.button(
        controls[2],
        "Next",
        "bigram.walk-next",
        next_step,
        disabled=last,
        icon=":material/skip_next:",
    )
    BigramState.button(controls[3], "Whole name", "bigram.walk-all", ("walk", key, len(steps)))
    another = ("walk-seed", (seed + 1) % 2**31)
    BigramState.button(
        controls[4], "Another", "bigram.walk-another", another, icon=":material/casino:"
    )
    shown = steps[:shown_count]
    step = shown[-1]
    word = "".join(s.char for s in shown)
    complete = " (the name is complete)" if step.is_end else ""
    st.markdown(
        f"Step {len(shown)} of {len(steps)}: after {in_code(step.context)} the draw is "
        f"u = **{step.u:.4f}**, which selects **{literal(step.char)}** (P = {step.prob:.4f}). "
        f"So far: {in_code(word)}{complete}"
    )
    itos = words.vocab.itos
    # Every step is in the two charts' data; showing another step changes one parameter.
    probabilities, running_totals = state.charts.get(
        "walk-charts",
        key,
        lambda: (
            vega_lite_spec(
                walk_probabilities(itos, [s.probs.tolist() for s in steps], [s.char for s in steps])
            ),
            vega_lite_spec(
                walk_running_totals(
                    itos,
                    [s.cumulative.tolist() for s in steps],
                    [s.u for s in steps],
                    [s.char for s in steps],
                )
            ),
        ),
    )
    bars, running = st.columns(2)
    title = f"P(next | '{step.context}')"
    drawn = f"'{step.char}' (P = {step.prob:.3f}) after '{step.context}'"
    bars.vega_lite_chart(
        spec=described(
            {**with_param(probabilities, WALK_STEP, len(shown)), "title": title},
            f"The distribution step {len(shown)} drew from; the draw picked {drawn}.",
        ),
        width="stretch",
    )
    running.vega_lite_chart(
        spec=described(
            with_param(running_totals, WALK_STEP, len(shown)),
            f"The running total of that distribution and the line at u = {step.u:.4f}: the "
            f"first character whose total passes u is {drawn}.",
        ),
        width="stretch",
    )
    walked = pd.DataFrame(
        {
            "step": range(1, len(shown) + 1),
            "context": [s.context for s in shown],
            "u": [f"{s.u:.4f}" for s in shown],
            "character": [s.char for s in shown],
            "P(character)": [f"{s.prob:.4f}" for s in shown],
        }
    )
    st.dataframe(walked, hide_index=True, width="stretch")
