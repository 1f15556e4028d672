"""The Bigram page in AppTest, checked against plain-torch references and the lecture's figures."""

from __future__ import annotations

import json
import math
import re
from collections import Counter

import pandas as pd
import pyarrow as pa
import pytest
import torch

from data.names import ssa_names
from data.splits import shuffled_split
from tests.apptest_helpers import exception_messages, open_page, page_state, set_session
from tests.lecture_reference import lecture_nll
from ui.bigram import BigramState
from ui.cache import mutated_resources

PAGE = "pages/bigram.py"


def plain_counts_nll(train: list[str], eval_words: list[str], k: float = 1.0) -> float:
    """The lecture's counts model: N by a Counter, P = (N + k) / row sums, mean -log P."""
    chars = sorted(set("".join(train + eval_words)))
    stoi = {ch: i for i, ch in enumerate([".", *chars])}
    pairs = Counter()
    for w in train:
        chs = [".", *w, "."]
        pairs.update(zip(chs, chs[1:], strict=False))
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.float64)
    for (a, b), count in pairs.items():
        N[stoi[a], stoi[b]] = count
    P = (N + k) / (N + k).sum(1, keepdim=True)
    log_likelihood, count = 0.0, 0
    for w in eval_words:
        chs = [".", *w, "."]
        for a, b in zip(chs, chs[1:], strict=False):
            log_likelihood += math.log(P[stoi[a], stoi[b]])
            count += 1
    return -log_likelihood / count


def texts(at) -> str:
    """Everything the page wrote as text, for looking up a figure."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(parts)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def frame_with(at, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def chart(at, title: str) -> tuple[dict, list[pd.DataFrame]]:
    """The spec and the data (decoded from Arrow) of the chart with this title."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        titles = [spec.get("title")] + [layer.get("title") for layer in spec.get("layer", [])]
        if title in titles:
            frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets]
            return spec, frames
    raise AssertionError(f"no chart titled {title!r}")


def the_run(at):
    runs = page_state(at, BigramState).nets
    assert len(runs) >= 1
    return list(runs.values())[-1]


@pytest.fixture
def page():
    at = open_page(PAGE)
    assert not at.exception, exception_messages(at)
    return at


@pytest.fixture(scope="module")
def trained():
    """One session for the read-only checks of the default run: opened (which trains once
    by itself), then Train pressed with the page's defaults."""
    at = open_page(PAGE)
    assert not at.exception, exception_messages(at)
    assert len(page_state(at, BigramState).nets) == 1  # the first visit trained by itself
    at.button(key="bigram.train").click().run()
    assert not at.exception, exception_messages(at)
    return at


@pytest.fixture(scope="module")
def default_splits():
    return shuffled_split(list(ssa_names(2017, "both")), seed=42)


def upload(at, name: str, content: bytes):
    if at.radio(key="bigram.data").value != "upload":
        at.radio(key="bigram.data").set_value("upload").run()
    at.file_uploader(key="bigram.uploader").set_value((name, content, "text/plain")).run()
    assert not at.exception, exception_messages(at)
    return at


# ------------------------------------------------------------------ the default run


def test_default_training_reaches_the_counts_models_nll(trained, default_splits):
    """With the page's defaults, the net's data loss on the training split ends within 0.01
    of the counts model's NLL, both computed here with plain torch."""
    run = the_run(trained)
    train = list(default_splits.train)
    counts_nll = plain_counts_nll(train, train, k=1.0)
    net_nll = lecture_nll(run.model.W, train, run.model.itos)
    assert abs(net_nll - counts_nll) < 0.01, (net_nll, counts_nll)
    # The page shows the same figures as the plain computations.
    assert f"**{net_nll:.4f}**" in texts(trained)
    nll_row = frame_with(trained, "split", "counts model", "neural net").iloc[0]
    assert float(nll_row["counts model"]) == pytest.approx(counts_nll, abs=1e-4)
    headings = {h.value for h in trained.header}
    assert {"Counting", "Counts vs neural net", "Inside the network"} <= headings
    assert not trained.error
    assert not mutated_resources()


def test_the_loss_curves_show_train_dev_and_the_counts_lines(trained, default_splits):
    _spec, frames = chart(trained, "Neural net: data loss per step")
    curves = next(f for f in frames if "split" in f.columns)
    lines = next(f for f in frames if "line" in f.columns)
    assert set(curves["split"]) == {"train", "dev"}
    assert len(curves) == 2 * 500
    dev = list(default_splits.dev)
    expected = {
        "counts model NLL, train": plain_counts_nll(
            list(default_splits.train), list(default_splits.train)
        ),
        "counts model NLL, dev": plain_counts_nll(list(default_splits.train), dev),
    }
    shown = dict(zip(lines["line"], lines["value"], strict=True))
    assert shown == pytest.approx(expected, abs=1e-4)
    # The dev curve starts at the NLL on dev of the initial weights (the lecture's W).
    assert curves[curves["split"] == "dev"]["loss"].iloc[0] == pytest.approx(
        lecture_nll(
            torch.randn((27, 27), generator=torch.Generator().manual_seed(2147483647)),
            dev,
            the_run(trained).model.itos,
        ),
        abs=1e-4,
    )


def test_the_samples_table_has_both_models_with_the_same_seed(trained, default_splits):
    table = frame_with(trained, "counts model", "neural net", "counts: seen?")
    assert len(table) == 10
    assert set(table["counts: seen?"]) <= {"in training data", "new"}
    # Marked honestly: a name is "in training data" exactly when it is in the train split.
    train = set(default_splits.train)
    for column, marks in (("counts model", "counts: seen?"), ("neural net", "net: seen?")):
        for name, mark in zip(table[column], table[marks], strict=True):
            assert (mark == "in training data") == (name in train)
    labels = {b.label for b in trained.download_button}
    assert {"Samples (CSV)", "Loss history (CSV)"} <= labels


def test_the_heatmap_is_the_lectures_count_table(trained, default_splits):
    """Every cell of the 27 x 27 heatmap carries its bigram and its count, and the counts are
    those of a plain Counter over the training split."""
    spec, (cells,) = chart(trained, "Counts of the bigrams in the training words")
    assert len(cells) == 27 * 27
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "text", "text"]
    assert {layer["encoding"]["text"]["field"] for layer in spec["layer"][1:]} == {"ngram", "count"}
    pairs = Counter()
    for w in default_splits.train:
        chs = [".", *w, "."]
        pairs.update(a + b for a, b in zip(chs, chs[1:], strict=False))
    shown = dict(zip(cells["ngram"], cells["count"], strict=True))
    assert shown == {ngram: pairs.get(ngram, 0) for ngram in shown}
    assert sum(shown.values()) == sum(len(w) + 1 for w in default_splits.train)


# ------------------------------------------------------------------ data


def test_invalid_uploads_show_their_message_and_keep_the_data():
    at = open_page(PAGE)
    upload(at, "bad.txt", b"\xff\xfe\x00a")
    assert any("UTF-16" in e.value for e in at.error)
    assert "words: 29,910" in texts(at)  # the built-in names stay
    upload(at, "five.txt", b"emma\nolivia\nava\nisabella\nsophia\n")
    assert not at.error
    assert "words: 5" in texts(at)
    upload(at, "dotted.txt", b"emma\nem.ma\n")
    assert any("contains '.'" in e.value and "Line 2" in e.value for e in at.error)
    assert "words: 5" in texts(at)  # the previous list is still in use
    upload(at, "empty.txt", b"")
    assert any("The file is empty" in e.value for e in at.error)
    assert "words: 5" in texts(at)


def test_the_lectures_figures_with_names_txt(names_txt):
    """names.txt uploaded: at the lecture's initial W (seed 2147483647) the examples of
    'emma' have mean NLL 3.7693, and without smoothing 'andrejq' is infinitely unlikely,
    as the lecture shows."""
    at = open_page(PAGE)
    upload(at, "names.txt", names_txt.read_bytes())
    assert "words: 32,033" in texts(at)
    assert metric(at, "mean NLL of these examples") == "3.7693"
    table = frame_with(at, "input", "label", "P(label)", "NLL")
    assert list(table["input"]) == [".", "e", "m", "m", "a"]
    assert list(table["label"]) == ["e", "m", "m", "a", "."]
    assert table["NLL"].iloc[0] == "4.3993"  # the lecture's first example, '.e'

    assert metric(at, "counts: total NLL") != "∞"  # k = 1 by default
    at.number_input(key="bigram.smoothing#exact").set_value(0.0).run()
    assert not at.exception, exception_messages(at)
    assert metric(at, "counts: total NLL") == "∞"
    assert metric(at, "net: total NLL") != "∞"  # softmax never gives exactly 0
    scores = frame_with(at, "bigram", "P counts", "NLL counts")
    assert scores.set_index("bigram").loc["jq", "NLL counts"] == "∞"
    assert any("probability 0" in w.value for w in at.warning)


# ------------------------------------------------------------------ interactions


def test_rows_walk_through_and_words_the_models_cannot_read(page, default_splits):
    page.selectbox(key="bigram.row").set_value("q").run()
    assert not page.exception, exception_messages(page)
    assert page.query_params.get("row") == "q"
    _spec, (bars, ticks) = chart(page, "P(next | 'q')")
    after_q = Counter(
        c2 for w in default_splits.train for c1, c2 in zip(w, w[1:] + ".", strict=True) if c1 == "q"
    )
    total = sum(after_q.values()) + 27  # k = 1 on each of the 27 characters
    expected = (after_q["u"] + 1) / total
    row_q = bars[bars["context"] == "q"].set_index("next")
    assert row_q.loc["u", "probability"] == pytest.approx(expected, rel=1e-5)
    assert "neural net" in ticks.columns  # the net's row drawn on top
    shown_row = {p["name"]: p.get("value") for p in _spec["params"]}["shown_row"]
    assert shown_row == "q"

    generator = torch.Generator().manual_seed(0)  # the walk-through's default seed
    first, second = (float(torch.rand(1, generator=generator, dtype=torch.float64)) for _ in "12")
    # The walk is built only once its panel is open: until then none of it is sent.
    assert "u = **" not in texts(page)
    assert "bigram.walk-next" not in [button.key for button in page.button]
    set_session(page, "bigram.walk-open", True).run()  # the student opens the panel
    assert f"u = **{first:.4f}**" in texts(page)
    page.button(key="bigram.walk-next").click().run()
    shown = texts(page)
    assert re.search(r"Step 2 of \d+", shown) and f"u = **{second:.4f}**" in shown
    walked = frame_with(page, "step", "u", "character")
    assert list(walked["u"]) == [f"{first:.4f}", f"{second:.4f}"]
    # Both walk charts now show step 2.
    walk_steps = [
        param.get("value")
        for element in page.get("vega_lite_chart")
        for param in json.loads(element.proto.spec).get("params", [])
        if param.get("name") == "walk_step"
    ]
    assert walk_steps == [2, 2]

    page.text_input(key="bigram.score").set_value("zoë").run()
    assert not page.exception
    assert any("`ë`" in w.value and "not in the vocabulary" in w.value for w in page.warning)
    page.text_input(key="bigram.word").set_value("em.ma").run()
    assert not page.exception
    assert any("'.' marks the start and end" in w.value for w in page.warning)


def test_trigrams_end_to_end(page, default_splits):
    page.button_group(key="bigram.n").set_value(3).run()
    assert not page.exception, exception_messages(page)
    run = the_run(page)
    assert run.model.n == 3 and run.model.W.shape == (54, 27)
    assert math.isfinite(run.nll["train"])
    page.number_input(key="bigram.steps#exact").set_value(50).run()
    page.button(key="bigram.train").click().run()
    assert not page.exception, exception_messages(page)
    assert the_run(page).steps == 50 and the_run(page).model.n == 3
    assert "The trigrams of **emma**: `..e .em emm mma ma.`" in texts(page)
    samples = frame_with(page, "counts model", "neural net", "counts: seen?")
    assert len(samples) == 10
    scores = frame_with(page, "trigram", "P counts", "P net")
    assert list(scores["trigram"]) == ["..a", ".an", "and", "ndr", "dre", "rej", "ejq", "jq."]
    page.text_input(key="bigram.prefix").set_value("e").run()
    assert not page.exception and not page.warning
    title = "Counts of the trigrams in the training words, contexts starting with 'e'"
    _spec, (cells,) = chart(page, title)
    assert set(cells["context"]) == {"e" + ch for ch in ".abcdefghijklmnopqrstuvwxyz"}
    emm = sum((".." + w + ".").count("emm") for w in default_splits.train)
    assert cells.set_index("ngram").loc["emm", "count"] == emm


# ------------------------------------------------------------------ state


def test_a_trained_model_survives_page_switches_and_a_diverging_run(page, monkeypatch):
    page.number_input(key="bigram.steps#exact").set_value(40).run()
    page.button(key="bigram.train").click().run()
    run = the_run(page)
    assert run.steps == 40
    page.switch_page("pages/home.py").run()
    assert not page.exception
    page.switch_page(PAGE).run()
    assert not page.exception, exception_messages(page)
    assert the_run(page) is run
    assert page.slider(key="bigram.steps").value == 40

    from models.ngram import NeuralNGram, TrainingDiverged

    def diverge(self, words, steps=100, lr=50.0, reg=0.01, **kwargs):
        raise TrainingDiverged(3, [3.0, 9.0, 80.0], lr)

    monkeypatch.setattr(NeuralNGram, "fit", diverge)
    # New settings (a run with the old ones is shared, and would not train again).
    page.number_input(key="bigram.steps#exact").set_value(41).run()
    page.button(key="bigram.train").click().run()
    assert not page.exception
    assert any("Training diverged" in e.value for e in page.error)
    assert the_run(page) is run
