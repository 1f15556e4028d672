"""The panels of the Bigram page, in the order the page shows them. Each draws one part of
the page from the data, the counts model and this user's neural run (see ui/bigram.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from models.ngram import MAX_SAMPLE_LENGTH, NeuralNGram, ngrams_of
from ui.bigram import (
    HEATMAP_KEY,
    METHOD_LABELS,
    ORDER_NAMES,
    SETTINGS,
    UPLOADER_KEY,
    WALK_KEY,
    CountsFit,
    Dataset,
    NeuralRun,
    altair_spec,
    centred,
    clean_word,
    count_slice,
    current_run,
    draw_chart,
    engine_seconds_per_step,
    fitted_counts,
    format_nll,
    largest_difference,
    logit_slice,
    memo,
    row_constant_gap,
    selected_dataset,
    slice_prefix,
    take_upload,
    train,
    upload_state,
    wanted_settings,
    word_problem,
)
from ui.bigram_charts import (
    OUTLINED_ROW,
    SHOWN_ROW,
    WALK_STEP,
    count_heatmap,
    length_histogram,
    loss_curves,
    network_diagram,
    probability_rows,
    selected_context,
    value_heatmap,
    walk_probabilities,
    walk_running_totals,
    with_param,
)
from ui.bigram_engine import engine_vs_torch
from ui.settings import is_hidden

SPLITS = ("train", "dev", "test")
AUTO_TRAINED_KEY = "bigram:auto-trained"


def _ngram_word(n: int) -> str:
    return "bigrams" if n == 2 else f"{ORDER_NAMES[n]}s"


# ---------------------------------------------------------------------------- 1. the words


def data_panel() -> Dataset:
    """Where the words come from, and what they look like."""
    with st.container(border=True):
        st.subheader("The words", anchor=False)
        controls, stats = st.columns([2, 3], gap="large")
        with controls:
            dataset = _choose_data()
            SETTINGS.widget("word")
        with stats:
            _data_stats(dataset)
    return dataset


def _choose_data() -> Dataset:
    dataset = None
    if SETTINGS.widget("data") == "upload":
        note = ("A share link carries this page's settings but not your file: whoever opens "
                "it is asked for the same file and sees the built-in names until they load it.")  # fmt: skip
        st.caption(note)
        st.sidebar.caption(f":material/link_off: {note}")
        file = st.file_uploader(
            "A UTF-8 text file with one word per line, like the lecture's names.txt",
            type=["txt"],
            key=UPLOADER_KEY,
        )
        take_upload(file)
        state = upload_state()
        if state["error"]:
            st.error(state["error"], icon=":material/error:")
        dataset = state["dataset"]
        if dataset is None:
            st.info("Until a file is loaded, the built-in names below are used.",
                    icon=":material/info:")  # fmt: skip
        elif file is None:
            st.caption(f"Using the {dataset.label} loaded earlier; upload a file to replace it.")
    if dataset is None:
        SETTINGS.widget("year")
        SETTINGS.widget("sex")
        SETTINGS.widget("top_n")
    return selected_dataset()


def _data_stats(dataset: Dataset) -> None:
    n = SETTINGS["n"]
    st.markdown(f"**{dataset.label[0].upper() + dataset.label[1:]}**")
    ngram_total = memo("ngram-total", dataset.key, lambda: sum(len(w) + 1 for w in dataset.words))
    splits = dataset.splits
    a, b, c = st.columns(3)
    a.metric("words", f"{len(dataset.words):,}")
    b.metric(_ngram_word(n), f"{ngram_total:,}", help="One per character, plus the end '.'.")
    c.metric("vocabulary", len(dataset.vocab), help="The characters, with '.' for start/end.")
    st.caption(f"Split (shuffled with seed 42, cut at 80% and 90%): {len(splits.train):,} train, "
               f"{len(splits.dev):,} dev, {len(splits.test):,} test words.")  # fmt: skip
    draw_chart("length-histogram", dataset.key, lambda: length_histogram(dataset.words),
               width="stretch")  # fmt: skip
    word = clean_word(SETTINGS["word"])
    problem = word_problem(word, dataset.vocab)
    if problem:
        st.warning(f"{word or 'The word'}: {problem}", icon=":material/spellcheck:")
    else:
        grams = " ".join(ngrams_of(word, n))
        st.markdown(f"The {_ngram_word(n)} of **{word}**: `{grams}`: each predicts its last "
                    f"character from the {n - 1} before it.")  # fmt: skip


def order_control() -> int:
    return SETTINGS.widget("n")


# ---------------------------------------------------------------------------- 2. counting


def count_table(dataset: Dataset, n: int) -> CountsFit | None:
    """The lecture's count matrix, full width so every cell can carry its label."""
    st.header("Counting", anchor=False)
    st.caption("P(next | context) = (count + k) / (row total + k · V), counted on the "
               "training split.")  # fmt: skip
    controls = st.columns(2)
    with controls[0]:
        smoothing = SETTINGS.widget("smoothing")
    try:
        fit = fitted_counts(dataset.key, n, float(smoothing), dataset)
    except ValueError as error:
        st.error(f"The counts model cannot be built: {error}", icon=":material/error:")
        return None
    itos = dataset.vocab.itos
    if n > 2:
        with controls[1]:
            SETTINGS.widget("prefix")
    prefix, problem = slice_prefix(n, SETTINGS["prefix"], dataset.vocab)
    if problem:
        st.warning(problem, icon=":material/warning:")
    row = SETTINGS["row"] if SETTINGS["row"] in itos else "."
    labels = [prefix + ch for ch in itos]
    title = f"Counts of the {_ngram_word(n)} in the training words"
    if prefix:
        title += f", contexts starting with '{prefix}'"
    # Built once per table; moving the outline to another row only changes one parameter.
    spec = memo("heatmap", (dataset.key, n, prefix),
                lambda: altair_spec(count_heatmap(count_slice(fit.model, prefix), labels, itos,
                                                  title=title)))  # fmt: skip
    st.vega_lite_chart(spec=with_param(spec, OUTLINED_ROW, prefix + row), width="stretch",
                       key=HEATMAP_KEY, on_select=_take_heatmap_click)  # fmt: skip
    st.caption("Each cell: the n-gram and how often it occurs. Click a cell to pick its row.")
    return fit


def counts_column(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("The counts model", anchor=False)
    itos = dataset.vocab.itos
    prefix, _ = slice_prefix(n, SETTINGS["prefix"], dataset.vocab)
    row = SETTINGS.widget("row", options=itos)
    context = prefix + row
    labels = [prefix + ch for ch in itos]
    shown = "'.' (the start of a word)" if context == "." * (n - 1) else f"'{context}'"

    def rows_chart():
        counts_table = np.stack([fit.model.probs_for_context(c).numpy() for c in labels])
        neural_table = (np.stack([run.model.probs_for_context(c).numpy() for c in labels])
                        if run else None)  # fmt: skip
        return altair_spec(probability_rows(labels, itos, counts_table, neural_table,
                                            shown_row=context))  # fmt: skip

    # All rows are in the spec; picking another row changes the parameter and the title.
    key = (dataset.key, n, fit.model.smoothing, run.ident if run else None, prefix)
    spec = with_param(memo("row-distribution", key, rows_chart), SHOWN_ROW, context)
    st.vega_lite_chart(spec={**spec, "title": f"P(next | {shown})"}, width="stretch")
    if run:
        st.caption("Bars: the counts model. Black ticks: the neural net.")
    nll = " / ".join(format_nll(fit.nll[split]) for split in SPLITS)
    st.markdown(f"Mean negative log-likelihood on train / dev / test: **{nll}**")


def _take_heatmap_click() -> None:
    context = selected_context(st.session_state.get(HEATMAP_KEY))
    if context:
        SETTINGS.set("row", context[-1])


# ---------------------------------------------------------------------------- 3. the net


def neural_column(dataset: Dataset, n: int, fit: CountsFit) -> NeuralRun | None:
    st.subheader("The neural net", anchor=False)
    inputs = (n - 1) * len(dataset.vocab)
    st.caption(f"{inputs} one-hot inputs → {len(dataset.vocab)} neurons (no bias, no "
               "non-linearity) → softmax, trained by gradient descent on the training split.")  # fmt: skip
    # Controls a presenter hides leave no gap: the visible ones fill the two columns in order.
    keys = ("lr", "steps", "reg", "seed")
    visible = [key for key in keys if not is_hidden(key)]
    columns = st.columns(2)
    for i, key in enumerate(visible):
        with columns[i * 2 // len(visible)]:  # the first half on the left, the rest right
            SETTINGS.widget(key)
    method = SETTINGS.widget("method")
    _method_note(method, n)
    clicked = st.button("Train", type="primary", icon=":material/play_arrow:", key="bigram:train")
    area = st.container()
    run = current_run(dataset, n)
    # A first visit (or new data) trains once by itself, so the comparison below is there.
    first_time = run is None and st.session_state.get(AUTO_TRAINED_KEY) != (dataset.key, n)
    if clicked or first_time:
        st.session_state[AUTO_TRAINED_KEY] = (dataset.key, n)
        if train(dataset, n, SETTINGS.values, area) is not None:
            # Redraw the panels above with the new run (a link's warning outlives the rerun:
            # PageSettings.show_warnings keeps it until a setting changes).
            st.rerun()
    if run is None:
        st.info("Press Train to train the net.", icon=":material/play_arrow:")
        return None
    if run.source:
        st.caption(f"Shown: the net loaded from {run.source} ({describe_training(run)}). "
                   "Press Train to train one with the settings above.")  # fmt: skip
    elif wanted_settings(n) != run.settings():
        st.caption(f"Shown: the run with {describe_training(run)}. Press Train to use the new "
                   "settings.")  # fmt: skip
    gap = run.nll["train"] - fit.nll["train"]
    if run.source:
        done = f"Loaded from {run.source}"
    else:
        done = (f"After {len(run.model.loss_history)} steps with {METHOD_LABELS[run.method]} "
                f"({run.seconds * 1000:,.0f} ms)")  # fmt: skip
    st.markdown(
        f"{done}: data loss on train **{format_nll(run.nll['train'])}** ({gap:+.4f} from the "
        f"counts model's {format_nll(fit.nll['train'])}), dev {format_nll(run.nll['dev'])}."
    )
    if run.torch_check is not None:
        engine_vs_torch(run)
    elif n == 2 and not run.source:
        st.caption("Pick *our engine* above and press Train: lesson 1's scalar engine trains "
                   "the same 729 weights and lands on the same loss, step by step.")  # fmt: skip
    _weights_vs_log_counts(dataset, n, fit, run)
    return run


def _method_note(method: str, n: int) -> None:
    """What the chosen method will do, and how long the engine will take, before Train."""
    if method != "engine":
        return
    if n != 2:
        st.caption(f"Our engine trains bigrams (n = 2) only: for n = {n} the net trains with "
                   "torch.")  # fmt: skip
        return
    pace, measured = engine_seconds_per_step()
    where = "your last engine run" if measured else "an estimate"
    steps = SETTINGS["steps"]
    st.caption(f"Lesson 1's scalar engine: each of the 729 weights a Value, the same loss "
               f"and initial weights as torch. About {pace * 1000:.1f} ms per step ({where}), "
               f"so {steps:,} steps take about {pace * steps:,.1f} s; torch then trains the same "
               "net (a fraction of a second) to compare the two.")  # fmt: skip


def describe_training(run: NeuralRun) -> str:
    """'lr 50, 500 steps, reg 0.001, seed 2147483647, torch', leaving out what is unknown."""
    parts = [
        f"lr {run.lr:g}" if run.lr is not None else "",
        f"{run.steps:,} steps" if run.steps is not None else "",
        f"reg {run.reg:g}" if run.reg is not None else "",
        f"seed {run.seed}" if run.seed is not None else "",
        METHOD_LABELS.get(run.method, ""),
    ]
    shown = ", ".join(part for part in parts if part)
    return shown or "no training settings in the file"


def _weights_vs_log_counts(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun) -> None:
    itos = dataset.vocab.itos
    prefix, _ = slice_prefix(n, SETTINGS["prefix"], dataset.vocab)
    smoothing = fit.model.smoothing
    centre = SETTINGS.widget("centre")
    labels = [prefix + ch for ch in itos]

    def build():
        counts = count_slice(fit.model, prefix)
        logits = logit_slice(run.model, prefix)
        with np.errstate(divide="ignore"):
            log_counts = np.log(counts + smoothing)
        gap = row_constant_gap(logits, counts, smoothing, labels, itos)
        if centre:
            logits, log_counts = centred(logits), centred(log_counts)
        finite = np.concatenate([logits[np.isfinite(logits)], log_counts[np.isfinite(log_counts)]])
        bound = float(np.abs(finite).max()) if centre and finite.size else None
        domain = (-bound, bound) if bound else None
        name = "W" if n == 2 else "logits (x @ W)"
        return (
            altair_spec(value_heatmap(logits, labels, itos, title=name, domain=domain)),
            altair_spec(value_heatmap(log_counts, labels, itos, domain=domain,
                                      title=f"log(counts + {smoothing:g})")),
            gap,
        )  # fmt: skip

    key = (run.ident, fit.model.smoothing, dataset.key, prefix, centre)
    left_spec, right_spec, gap = memo("weights", key, build)
    left, right = st.columns(2)
    left.vega_lite_chart(spec=dict(left_spec), width="stretch")
    right.vega_lite_chart(spec=dict(right_spec), width="stretch")
    if math.isnan(gap.largest):
        return
    st.caption(
        f"W learns log-counts up to a constant in each row (softmax ignores such a constant). "
        f"With the row constants taken out they differ by {gap.typical:.3f} on average over the "
        f"training {_ngram_word(n)}, and by at most {gap.largest:.2f}, at '{gap.where}' (seen "
        f"{gap.where_count:,} times): rare pairs get tiny gradients and converge last. "
        "Try k = 0, reg = 0 and 5,000 steps."
    )


# ---------------------------------------------------------------------------- 4. comparison


def comparison(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.header("Counts vs neural net", anchor=False)
    if run is None:
        st.info("Train the net to compare it with the counts model.", icon=":material/info:")
        return
    model = run.model
    left, right = st.columns([3, 2], gap="large")
    with left:
        lines = {
            "counts model NLL, train": fit.nll["train"],
            "counts model NLL, dev": fit.nll["dev"],
        }
        zoom = SETTINGS.widget("zoom")
        if model.loss_history:
            _loss_history(dataset, n, fit, run, lines, zoom)
        else:
            st.info("A loaded net comes without its loss history: train one to see the curves.",
                    icon=":material/info:")  # fmt: skip
    with right:
        table = pd.DataFrame({"split": SPLITS,
                              "counts model": [format_nll(fit.nll[s]) for s in SPLITS],
                              "neural net": [format_nll(run.nll[s]) for s in SPLITS]})  # fmt: skip
        st.dataframe(table, hide_index=True, width="stretch")
        difference = memo("table-difference", (run.ident, dataset.key, fit.model.smoothing),
                          lambda: largest_difference(fit.model.probs, model.probs, dataset.vocab.itos))  # fmt: skip
        st.metric("largest |P neural − P counts|", f"{difference.largest:.4f}",
                  help="Over every cell of the two probability tables.")  # fmt: skip
        st.caption(f"At '{difference.where}': counts {difference.counts_prob:.4f}, net "
                   f"{difference.neural_prob:.4f}. The tables differ most in rows seen "
                   "rarely, where k and reg change the most.")  # fmt: skip
        st.markdown(
            f"**Smoothing and regularisation do the same job.** Adding k = "
            f"{fit.model.smoothing:g} to every count pulls each row of P towards uniform; "
            f"reg = {run.reg:g} pulls W towards 0, and W = 0 gives uniform rows (every "
            "logit equal). Raise either and the model gets smoother; at k = 0 and reg = 0 "
            "both models converge to the same table of raw frequencies."
        )
    if n > 2:
        st.caption(f"For n = {n} the net adds one row of W per context character, so it "
                   "cannot express every table the counts model can: expect a gap.")  # fmt: skip


def _loss_history(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun,
                  lines: dict[str, float], zoom: bool) -> None:  # fmt: skip
    model = run.model
    draw_chart("loss-curves", (run.ident, dataset.key, n, fit.model.smoothing, zoom),
               lambda: loss_curves(model.data_loss_history, model.eval_history.get("dev"),
                                   lines, zoom=zoom, title="Neural net: data loss per step"),
               width="stretch")  # fmt: skip
    st.caption("The net's mean NLL (reg term left out) on the training and dev splits, "
               "with the counts model's NLL as dashed lines.")  # fmt: skip
    history = pd.DataFrame({"step": range(len(model.loss_history)),
                            "loss (with reg)": model.loss_history,
                            "data loss, train": model.data_loss_history,
                            "NLL, dev": model.eval_history.get("dev") or [math.nan] * len(model.loss_history)})  # fmt: skip
    st.download_button("Loss history (CSV)", history.to_csv(index=False), "loss_history.csv",
                       "text/csv", icon=":material/download:", key="bigram:dl-loss")  # fmt: skip


def samples(dataset: Dataset, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("Samples, same seed for both models", anchor=False)
    columns = st.columns(4)
    for column, key in zip(
        columns, ("num_samples", "sample_seed", "temperature", "top_k"), strict=True
    ):
        with column:
            SETTINGS.widget(key)
    values = SETTINGS.values
    args = (values["num_samples"], values["sample_seed"])
    options = {"temperature": values["temperature"], "top_k": values["top_k"] or None}
    try:
        from_counts = fit.model.sample(*args, **options)
        from_net = run.model.sample(*args, **options) if run else None
    except ValueError as error:
        st.warning(str(error), icon=":material/warning:")
        return
    table = pd.DataFrame({"counts model": from_counts},
                         index=pd.RangeIndex(1, len(from_counts) + 1, name="sample"))  # fmt: skip
    table["counts: seen?"] = [_seen(dataset, w) for w in from_counts]
    if from_net is not None:
        table["neural net"] = from_net
        table["net: seen?"] = [_seen(dataset, w) for w in from_net]
        same = sum(a == b for a, b in zip(from_counts, from_net, strict=True))
        st.caption(f"{same} of {len(table)} names are the same from both models.")
    st.dataframe(table, width="stretch")
    st.download_button("Samples (CSV)", table.to_csv(index_label="sample"), "samples.csv",
                       "text/csv", icon=":material/download:", key="bigram:dl-samples")  # fmt: skip


def _seen(dataset: Dataset, word: str) -> str:
    return "in training data" if word in dataset.train_set else "new"


def score_word(dataset: Dataset, n: int, fit: CountsFit, run: NeuralRun | None) -> None:
    st.subheader("Score a word", anchor=False)
    word = clean_word(SETTINGS.widget("score"))
    problem = word_problem(word, dataset.vocab)
    if problem:
        st.warning(problem, icon=":material/spellcheck:")
        return
    models = {"counts": fit.model} | ({"net": run.model} if run else {})
    table = pd.DataFrame({_ngram_word(n)[:-1]: ngrams_of(word, n)})
    totals = {}
    for name, model in models.items():
        log_probs = np.array(model.log_probs(word))
        table[f"P {name}"] = [f"{p:.4f}" for p in np.exp(log_probs)]
        table[f"NLL {name}"] = [format_nll(x) for x in -log_probs]
        totals[name] = float(-log_probs.sum())
    st.dataframe(table, hide_index=True, width="stretch")
    columns = st.columns(len(totals))
    for column, (name, total) in zip(columns, totals.items(), strict=True):
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


# ---------------------------------------------------------------------------- 5. inside


def inside_network(dataset: Dataset, n: int, run: NeuralRun | None) -> None:
    st.header("Inside the network", anchor=False)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.graphviz_chart(network_diagram(n, len(dataset.vocab)), width="stretch")
    with right:
        which = SETTINGS.widget("weights")
        word = clean_word(SETTINGS["word"])
        problem = word_problem(word, dataset.vocab)
        if problem:
            st.warning(f"Choose another word in the panel at the top: {problem}")
            return
        if which == "trained" and run is None:
            st.info("Train the net first; showing the initial weights.")
            which = "initial"
        model = run.model if which == "trained" else NeuralNGram(n, SETTINGS["seed"], dataset.vocab)
        rows = []
        for example in model.examples_for_word(word):
            probs = model.probs_for_context(example.context)
            top = probs.topk(3)
            likely = ", ".join(
                f"{model.itos[i]} {float(p):.3f}"
                for p, i in zip(top.values, top.indices, strict=True)
            )
            rows.append({"input": example.context,
                         "index": " ".join(str(model.stoi[ch]) for ch in example.context),
                         "most likely next": likely, "label": example.target,
                         "P(label)": f"{example.prob:.4f}", "NLL": format_nll(example.nll)})  # fmt: skip
        st.markdown(f"The examples of **{word}** as the net sees them "
                    f"({'seed ' + str(SETTINGS['seed']) if which == 'initial' else 'trained'}):")  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        mean = float(np.mean([e.nll for e in model.examples_for_word(word)]))
        st.metric("mean NLL of these examples", format_nll(mean))
        if n == 2:
            st.caption("The lecture walks 'emma' at its initial W (seed 2147483647): "
                       "mean 3.7693.")  # fmt: skip


# ---------------------------------------------------------------------------- 6. sampling walk


def walk_through(dataset: Dataset, fit: CountsFit, run: NeuralRun | None) -> None:
    st.header("Sampling, one character at a time", anchor=False)
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
    ident = run.ident if source == "neural" else (dataset.key, fit.model.n, fit.model.smoothing)
    temperature, top_k = SETTINGS["temperature"], SETTINGS["top_k"] or None
    key = (source, ident, seed, temperature, top_k)
    try:
        steps = memo("walk", key, lambda: model.sample_walk(seed, temperature, top_k,
                                                             max_length=MAX_SAMPLE_LENGTH))  # fmt: skip
    except ValueError as error:
        st.warning(str(error))
        return
    state = st.session_state.setdefault(WALK_KEY, {"key": None, "shown": 1})
    if state["key"] != key:
        state.update(key=key, shown=1)

    def show(count: int) -> None:
        state["shown"] = max(1, min(count, len(steps)))

    controls[2].button("Next", icon=":material/skip_next:", key="bigram:walk-next",
                       on_click=show, args=(state["shown"] + 1,),
                       disabled=state["shown"] >= len(steps))  # fmt: skip
    controls[3].button("Whole name", key="bigram:walk-all", on_click=show, args=(len(steps),))
    controls[4].button("Another", icon=":material/casino:", key="bigram:walk-another",
                       on_click=SETTINGS.set, args=("walk_seed", (seed + 1) % 2**31))  # fmt: skip
    shown = steps[: state["shown"]]
    step = shown[-1]
    word = "".join(s.char for s in shown)
    st.markdown(f"Step {len(shown)} of {len(steps)}: after `{step.context}` the draw is "
                f"u = **{step.u:.4f}**, which selects **{step.char}** (P = {step.prob:.4f}). "
                f"So far: `{word}`" + (" (the name is complete)" if step.is_end else ""))  # fmt: skip
    itos = dataset.vocab.itos
    bars, running = st.columns(2)
    # Every step is in the two charts' data; showing another step changes one parameter.
    probabilities, running_totals = memo("walk-charts", key, lambda: (
        altair_spec(walk_probabilities(itos, [s.probs.tolist() for s in steps],
                                       [s.char for s in steps])),
        altair_spec(walk_running_totals(itos, [s.cumulative.tolist() for s in steps],
                                        [s.u for s in steps], [s.char for s in steps])),
    ))  # fmt: skip
    title = f"P(next | '{step.context}')"
    bars.vega_lite_chart(spec={**with_param(probabilities, WALK_STEP, len(shown)), "title": title},
                         width="stretch")  # fmt: skip
    running.vega_lite_chart(spec=with_param(running_totals, WALK_STEP, len(shown)),
                            width="stretch")  # fmt: skip
    walked = pd.DataFrame({"step": range(1, len(shown) + 1),
                           "context": [s.context for s in shown],
                           "u": [f"{s.u:.4f}" for s in shown],
                           "character": [s.char for s in shown],
                           "P(character)": [f"{s.prob:.4f}" for s in shown]})  # fmt: skip
    st.dataframe(walked, hide_index=True, width="stretch")
