"""A catalogue of bad input, one case each: what a student can upload, type, set or link to.

Where the input enters through a page, the case runs in AppTest and checks three things: a
message in words a student understands (no Python exception name, no traceback), no exception
in the page, and that what the student had is still there (the word list in use, the trained
net, the last good graph, their own values). Where it enters through an API the pages call
(data.words, engine.expr, models.*, models.export), the case checks for a ValueError whose
message says what is wrong.

Cases that do not change what they check share one session per page (opened once per module),
so each still sees the state a student built before the bad input arrived. A case that comes
through a share link needs a fresh session: a link is read on a session's first visit.
"""

from __future__ import annotations

import inspect
import json
import math
import pickle
import re
import sys

import pytest
import torch
from streamlit.testing.v1 import AppTest

from data.words import MAX_UPLOAD_BYTES, MAX_WORD_LENGTH, MAX_WORDS, parse_word_list
from engine.expr import MAX_CHARACTERS, ExpressionError, parse
from models.export import ModelFileError, export_mlp, import_mlp, import_neural_ngram
from models.mlp import MLP
from models.mlp_training import Trainer, TrainingConfig
from models.ngram import CountNGram, NeuralNGram, TrainingDiverged
from tests.apptest_helpers import (
    exception_messages,
    open_page,
    page_state,
    rerun_while_training,
    setting_value,
    shown,
    start_app,
)
from ui.bigram import SETTINGS as BIGRAM_SETTINGS
from ui.bigram import BigramState
from ui.cache import mutated_resources
from ui.mlp import SETTINGS as MLP_SETTINGS
from ui.mlp import MlpState
from ui.neuron import SETTINGS as NEURON_SETTINGS

SETTINGS_OF = {"bigram": BIGRAM_SETTINGS, "mlp": MLP_SETTINGS, "neuron": NEURON_SETTINGS}

FIVE_WORDS = b"emma\nolivia\nava\nisabella\nsophia\n"
PYTHON_WORDS = re.compile(r"Traceback|File \"|\b[A-Z]\w*(Error|Exception)\b")


def plain(message: str) -> str:
    """The message as shown, after checking it speaks to a student rather than a programmer."""
    message = shown(message)
    assert message.strip(), "an empty message"
    assert not PYTHON_WORDS.search(message), f"Python internals in a message: {message!r}"
    return message


def no_exception(at: AppTest) -> None:
    assert not at.exception, exception_messages(at)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


# ================================================================== uploads (Bigram page)


@pytest.fixture(scope="module")
def bigram():
    """A student who has uploaded five names; the page trained a net on them by itself."""
    at = open_page("pages/bigram.py")
    at.radio(key="bigram.data").set_value("upload").run()
    at.file_uploader(key="bigram.uploader").set_value(("five.txt", FIVE_WORDS, "text/plain"))
    at.run()
    no_exception(at)
    assert metric(at, "words") == "5" and not at.error
    return at


def bigram_state(at: AppTest) -> tuple:
    """What the student has: the word list in use, its count on screen, the trained nets."""
    dataset = page_state(at, BigramState).choice.upload.word_set("split")
    runs = page_state(at, BigramState).nets
    return dataset.key, dataset.words, metric(at, "words"), {k: r.ident for k, r in runs.items()}


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="bigram.uploader").set_value((name, content, "text/plain")).run()
    return at


LONGEST = ("ab" * (MAX_WORD_LENGTH // 2), "c" * MAX_WORD_LENGTH)  # the longest words allowed


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "The file is empty", id="empty file"),
        pytest.param(b"\n  \n\t\n", "The file is empty", id="only whitespace"),
        pytest.param("\ufeff\n\n".encode(), "no words, only blank lines", id="BOM and blank lines"),
        pytest.param(bytes(range(256)) * 8, "binary", id="binary bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(64), "binary", id="a PNG picture"),
        pytest.param("zoë\nrenée\n".encode("latin-1"), "Latin-1", id="Latin-1 text"),
        pytest.param("emma\nava\n".encode("utf-16"), "UTF-16", id="UTF-16 with BOM"),
        pytest.param("emma\nava\n".encode("utf-16-le"), "UTF-16", id="UTF-16 without BOM"),
        pytest.param(b"ab\n" * (6 * 1024 * 1024 // 3), "the limit is 5 MB", id="6 MB"),
        pytest.param(b"ab\n" * 300_000, f"more than {MAX_WORDS:,} words", id="300,000 lines"),
        pytest.param(b"a" * 10_000 + b"\n", "10000 characters long", id="10,000-character line"),
        pytest.param(b"emma\nem.ma\n", "contains '.'", id="a word with a dot"),
        pytest.param("emma\nav\U0001f600a\n".encode(), "grinning face", id="emoji"),
        pytest.param(b"emma\nava2\n", "not a letter", id="a digit"),
        pytest.param(b"anna maria\n", "space or tab", id="two words on a line"),
        pytest.param(b"aaa\naa\na\n", "single character", id="one distinct character"),
        pytest.param(b"emma\nolivia\x00\n", "NUL byte", id="a NUL byte"),
    ],
)
def test_a_bad_upload_says_why_and_keeps_the_words_in_use(bigram, content, expected):
    before = bigram_state(bigram)
    upload(bigram, "words.txt", content)
    no_exception(bigram)
    [error] = [plain(e.value) for e in bigram.error]
    assert error.startswith("words.txt was not loaded: ") and expected in error, error
    assert bigram_state(bigram) == before  # the same words, count and trained nets
    assert not mutated_resources()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param("\ufeffEmma\nAva\nBob\n".encode(), ("emma", "ava", "bob"), id="UTF-8 BOM"),
        pytest.param(b"emma\r\nava\r\nbob\r\n", ("emma", "ava", "bob"), id="Windows line ends"),
        pytest.param(b"emma\rava\rbob", ("emma", "ava", "bob"), id="old Mac line ends"),
        pytest.param(b"  Emma \n\n\tAVA\n", ("emma", "ava"), id="spaces and capitals"),
        pytest.param("\n".join(LONGEST).encode(), LONGEST, id="words of the longest length"),
    ],
)
def test_awkward_but_valid_uploads_load_exactly_their_words(bigram, content, words):
    upload(bigram, "ok.txt", content)
    no_exception(bigram)
    assert not bigram.error
    dataset = page_state(bigram, BigramState).choice.upload.word_set("split")
    assert dataset.words == words
    # No byte-order mark or carriage return became a character of the models.
    assert set(dataset.vocab.itos) == {".", *"".join(words)}
    assert metric(bigram, "words") == str(len(words))


def test_a_file_of_exactly_the_upload_limit_is_read_and_one_byte_more_is_not():
    line = b"a" * MAX_WORD_LENGTH + b"\n"
    exact = line * (MAX_UPLOAD_BYTES // len(line))
    exact += b"b" * (MAX_UPLOAD_BYTES - len(exact))  # one last, shorter word
    assert len(exact) == MAX_UPLOAD_BYTES
    assert len(parse_word_list(exact)) == MAX_UPLOAD_BYTES // len(line) + 1
    with pytest.raises(ValueError, match="the limit is 5 MB"):
        parse_word_list(exact + b"b")


# ================================================================== formulas (Neuron page)


@pytest.fixture(scope="module")
def neuron():
    """A student in formula mode with their own formula and a value of their own (b = 1.5):
    y = a*b + tanh(c) = 2 * 1.5 + tanh(10) = 4.0000."""
    at = open_page("pages/neuron.py")
    at.segmented_control(key="neuron.mode").set_value("formula").run()
    at.text_input(key="neuron.formula").set_value("y = a*b + tanh(c)").run()
    at.number_input(key="neuron.var.b#exact").set_value(1.5).run()
    no_exception(at)
    assert metric(at, "Output y") == "4.0000" and not at.error
    return at


def drawn_graph(at: AppTest) -> str:
    return at.get("graphviz_chart")[0].proto.spec


NESTED = "(" * 1000 + "a" + ")" * 1000  # 2,001 characters; the box keeps the first 2,000


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        pytest.param("__import__('os')", "`__import__` is not a function", id="__import__"),
        pytest.param("x.__class__", "attribute access", id="x.__class__"),
        pytest.param("open('f')", "`open` is not a function", id="open('f')"),
        pytest.param("lambda: 1", "a lambda function", id="lambda"),
        pytest.param("a+" * 1499 + "a", "holds at most 2,000 characters", id="3,000 characters"),
        pytest.param(NESTED, "nested more than 50 levels", id="1,000 nested parentheses"),
        pytest.param("1/0", "division by zero", id="1/0"),
        pytest.param("log(-1)", "only defined for positive numbers", id="log(-1)"),
        pytest.param("softmax(a)", "`softmax` is not a function", id="unknown function"),
        pytest.param("", "the formula is empty", id="empty"),
        pytest.param("exp(1000)", "too large for a float", id="exp overflow"),
        pytest.param("a ** b", "must be a plain number", id="variable exponent"),
        pytest.param("y = a; import os", "only one formula is allowed", id="a second statement"),
        pytest.param("a \u00d7 b", "is not allowed", id="a non-ASCII operator"),
        pytest.param("a == b", "a comparison", id="comparison"),
        pytest.param("'a' + 'b'", "text", id="strings"),
    ],
)
def test_a_bad_formula_says_why_and_the_last_good_graph_and_values_stay(neuron, formula, expected):
    good_graph = drawn_graph(neuron)
    neuron.text_input(key="neuron.formula").set_value(formula).run()
    no_exception(neuron)
    messages = [plain(m.value) for m in [*neuron.error, *neuron.warning]]
    assert any(expected in m for m in messages), messages
    assert drawn_graph(neuron) == good_graph  # the last formula that worked is still drawn
    assert metric(neuron, "Output y") == "4.0000"  # with the student's own b = 1.5
    assert "b=1.5" in neuron.query_params["vars"]  # and the share link keeps it
    # What was typed stays in the box, up to the 2,000 characters the box holds.
    assert neuron.text_input(key="neuron.formula").value == formula[:MAX_CHARACTERS]


def test_after_a_bad_formula_a_good_one_is_drawn_again(neuron):
    neuron.text_input(key="neuron.formula").set_value("1/0").run()
    neuron.text_input(key="neuron.formula").set_value("y = a*b + tanh(c)").run()
    no_exception(neuron)
    assert not neuron.error
    assert metric(neuron, "Output y") == "4.0000"
    assert neuron.number_input(key="neuron.var.b#exact").value == 1.5


# ================================================================== share links, every page


def open_with_link(page: str, params: dict[str, str]) -> AppTest:
    at = start_app()
    at.query_params.update(params)
    at.switch_page(page).run()
    no_exception(at)
    return at


def link_warning(at: AppTest) -> str:
    [warning] = [w.value for w in at.warning if "link" in w.value]
    return plain(warning)


@pytest.mark.parametrize(
    ("params", "expected", "setting", "default"),
    [
        pytest.param(
            {"lr": "0"},
            "Learning rate (`lr=0`): not one of the choices",
            "mlp:lr",
            1.0,
            id="mlp lr 0",
        ),
        pytest.param(
            {"lr": "1e7"},
            "Learning rate (`lr=1e7`): not one of the choices",
            "mlp:lr",
            1.0,
            id="mlp lr 1e7",
        ),
        pytest.param(
            {"steps": "0"},
            "Steps (`steps=0`): below the minimum 1",
            "mlp:steps",
            100,
            id="mlp 0 steps",
        ),
        pytest.param(
            {"steps": "12.5"}, "expected a whole number", "mlp:steps", 100, id="mlp 12.5 steps"
        ),
        pytest.param(
            {"width1": "0"}, "(`width1=0`): below the minimum 1", "mlp:width1", 16, id="mlp width 0"
        ),
        pytest.param(
            {"layers": "9"},
            "Hidden layers (`layers=9`): above the maximum 4",
            "mlp:layers",
            2,
            id="mlp 9 layers",
        ),
        pytest.param(
            {"points": "lots"},
            "Points (`points=lots`): not a number",
            "mlp:points",
            100,
            id="mlp points not a number",
        ),
        pytest.param(
            {"noise": "nan"},
            "Noise (`noise=nan`): expected a finite number",
            "mlp:noise",
            0.1,
            id="mlp noise nan",
        ),
        pytest.param(
            {"seed": "-1"}, "(`seed=-1`): below the minimum 0", "mlp:seed", 1337, id="mlp seed -1"
        ),
        pytest.param(
            {"dataset": "mnist"},
            "Dataset (`dataset=mnist`): not one of the choices",
            "mlp:dataset",
            "moons",
            id="mlp unknown dataset",
        ),
        pytest.param(
            {"w1": "99"}, "w1 (`w1=99`): above the maximum 10", "neuron:w1", -3.0, id="neuron w1 99"
        ),
        pytest.param(
            {"x1": "inf"},
            "x1 (`x1=inf`): expected a finite number",
            "neuron:x1",
            2.0,
            id="neuron x1 inf",
        ),
        pytest.param(
            {"h": "0.5"},
            "(`h=0.5`): not one of the choices",
            "neuron:h",
            1e-6,
            id="neuron h not offered",
        ),
        pytest.param(
            {"nudge": "1e300"},
            "Step size (`nudge=1e300`): above the maximum 1",
            "neuron:nudge",
            0.01,
            id="neuron nudge 1e300",
        ),
        pytest.param(
            {"formula": "a+" * 1500, "mode": "formula"},
            "Formula (`formula=a+a+a+",
            "neuron:formula",
            "L = (a*b + c) * f",
            id="neuron formula of 3,000 characters",
        ),
        pytest.param(
            {"lr": "0"},
            "Learning rate (`lr=0`): below the minimum 0.1",
            "bigram:lr",
            50.0,
            id="bigram lr 0",
        ),
        pytest.param(
            {"steps": "abc"},
            "Steps (`steps=abc`): not a number",
            "bigram:steps",
            500,
            id="bigram steps abc",
        ),
        pytest.param(
            {"year": "1700"},
            "Year (`year=1700`): below the minimum 1880",
            "bigram:year",
            2017,
            id="bigram year 1700",
        ),
        pytest.param(
            {"temperature": "-inf"},
            "expected a finite number",
            "bigram:temperature",
            1.0,
            id="bigram temperature",
        ),
        pytest.param(
            {"n": "5"},
            "Model size n (`n=5`): not one of the choices",
            "bigram:n",
            2,
            id="bigram n 5",
        ),
    ],
)
def test_a_bad_link_value_is_named_once_and_its_default_used(params, expected, setting, default):
    page, key = setting.split(":")
    at = open_with_link(f"pages/{page}.py", params)
    assert expected in link_warning(at)
    assert setting_value(at, SETTINGS_OF[page], key) == default  # what the page computes with
    bad = next(iter(params))  # and the bad value leaves the share link
    assert at.query_params.get(bad) != params[bad]


def test_the_bigram_link_warning_stays_after_the_pages_first_training_run():
    """The Bigram page trains a net on a first visit and reruns itself: the warning about
    the link must still be there when the student looks."""
    at = open_with_link("pages/bigram.py", {"top_k": "-3", "seed": "x"})
    assert page_state(at, BigramState).nets  # the first visit trained (and reran)
    warning = link_warning(at)
    assert "Top-k" in warning and "Seed of the initial weights" in warning


def test_presenter_parameters_out_of_range_do_not_break_the_page():
    at = open_with_link("pages/neuron.py", {"present": "banana", "hide": "x," * 5000})
    assert not at.warning and not at.error
    assert at.slider(key="neuron.w1").value == -3.0  # controls shown, not hidden
    home = open_with_link("pages/home.py", {"lr": "abc", "evil": "<script>"})
    assert not home.warning and not home.error


# ================================================================== hyperparameters in the pages


@pytest.fixture(scope="module")
def mlp():
    """A student who trained a short run of the default network."""
    at = open_page("pages/mlp.py")
    at.number_input(key="mlp.steps").set_value(8).run()
    at.button(key="mlp.train").click().run()
    train_to_end(at)
    assert page_state(at, MlpState).run.status == "done"
    return at


def train_to_end(at: AppTest) -> AppTest:
    no_exception(at)
    return rerun_while_training(at, lambda at: page_state(at, MlpState).run)


def test_mlp_learning_rate_1e6_stops_with_a_message_and_keeps_the_settings_and_curves(mlp):
    mlp.select_slider(key="mlp.lr").set_value(1e6).run()
    mlp.button(key="mlp.train").click().run()
    train_to_end(mlp)
    run = page_state(mlp, MlpState).run
    assert run.status == "diverged"
    [message] = [plain(e.value) for e in mlp.error]
    assert f"Training stopped at step {run.trainer.divergence.step}" in message
    assert "Lower the learning rate (try 0.1)" in message
    # Nothing the student set is lost, and the steps before the divergence are still drawn.
    assert mlp.select_slider(key="mlp.lr").value == 1e6
    assert mlp.number_input(key="mlp.steps").value == 8
    finite = [r.loss for r in run.trainer.history if math.isfinite(r.loss)]
    assert finite and len(mlp.get("vega_lite_chart")) >= 2
    mlp.select_slider(key="mlp.lr").set_value(1.0).run()  # back to the default for others


def test_mlp_at_its_smallest_settings_trains_and_says_the_batch_is_the_full_set(mlp):
    mlp.slider(key="mlp.points").set_value(10).run()
    mlp.slider(key="mlp.test").set_value(0.5).run()
    mlp.selectbox(key="mlp.batch").set_value(256).run()
    mlp.slider(key="mlp.layers").set_value(0).run()
    mlp.select_slider(key="mlp.lr").set_value(1e-4).run()
    mlp.number_input(key="mlp.steps").set_value(1).run()
    mlp.button(key="mlp.train").click().run()
    train_to_end(mlp)
    run = page_state(mlp, MlpState).run
    assert run.status == "done" and run.trainer.steps_done == 1 and len(run.train) == 5
    captions = " ".join(c.value for c in mlp.caption)
    assert "batch size (256) is at least the number of training points (5)" in captions
    assert "Network 2-1: **3 parameters**" in captions
    assert not mlp.error


def test_mlp_at_its_largest_network_shows_its_size_without_training(mlp):
    run = page_state(mlp, MlpState).run
    assert run.trainer.steps_done > 0
    mlp.slider(key="mlp.layers").set_value(4).run()
    for layer in range(1, 5):
        mlp.slider(key=f"mlp.width{layer}").set_value(32).run()
    no_exception(mlp)
    # 2-32-32-32-32-1: (2+1)*32 + 3 * (32+1)*32 + (32+1)*1 weights and biases.
    expected = 3 * 32 + 3 * 33 * 32 + 33
    assert f"**{expected} parameters**" in " ".join(c.value for c in mlp.caption)
    assert any("Settings changed since this run" in i.value for i in mlp.info)
    assert page_state(mlp, MlpState).run is run  # the trained run stays until Train


def test_bigram_at_its_extremes_keeps_working_and_shows_infinite_losses_as_such(bigram):
    """Smoothing 0, the lowest temperature, top-k beyond the vocabulary, 100 samples and the
    largest learning rate: no exception, and a loss with no finite value is shown as ∞."""
    bigram.radio(key="bigram.data").set_value("ssa").run()
    bigram.number_input(key="bigram.smoothing#exact").set_value(0.0).run()
    bigram.number_input(key="bigram.temperature#exact").set_value(0.05).run()
    bigram.number_input(key="bigram.top_k").set_value(200).run()
    bigram.number_input(key="bigram.num_samples").set_value(100).run()
    no_exception(bigram)
    nll = next(m.value for m in bigram.markdown if "negative log-likelihood" in m.value)
    assert "∞" in nll  # dev words hold bigrams the training words never had
    samples = next(d.value for d in bigram.dataframe if "counts: seen?" in d.value.columns)
    assert len(samples) == 100
    upload_key, _, _, nets = bigram_state(bigram)
    bigram.number_input(key="bigram.lr#exact").set_value(500.0).run()
    bigram.number_input(key="bigram.steps#exact").set_value(50).run()
    bigram.button(key="bigram.train").click().run()
    no_exception(bigram)
    run = list(page_state(bigram, BigramState).nets.values())[-1]
    assert (run.lr, run.steps) == (500.0, 50)
    assert all(math.isfinite(value) for value in run.nll.values())
    assert bigram_state(bigram)[3][(upload_key, 2)] == nets[(upload_key, 2)]  # still there


# ================================================================== the APIs the pages call


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a" * 3000, "too long: 3,000 characters", id="3,000 characters"),
        pytest.param("(" * 999 + "a" + ")" * 999, "nested more than 50", id="999 nested"),
        pytest.param("__import__('os').system('ls')", "__import__", id="__import__ call"),
        pytest.param("().__class__.__bases__", "attribute access", id="dunder chain"),
        pytest.param("[x for x in a]", "a list comprehension", id="comprehension"),
        pytest.param("f'{a}'", "f-string", id="f-string"),
        pytest.param("a if b else c", "a conditional expression", id="conditional"),
        pytest.param("a[0]", "indexing", id="indexing"),
        pytest.param("1e999", "too large", id="huge number"),
        pytest.param("True + a", "is not a number here", id="True"),
        pytest.param("   ", "the formula is empty", id="only spaces"),
    ],
)
def test_the_parser_refuses_with_a_message_and_never_recurses_deeply(text, expected):
    # Refused by the parser's own checks with little stack to spare: nothing here may
    # recurse once per character or per parenthesis.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 80)
    try:
        with pytest.raises(ExpressionError) as caught:
            parse(text)
    finally:
        sys.setrecursionlimit(limit)
    assert expected in plain(str(caught.value))


def test_values_a_formula_cannot_be_computed_with_are_a_value_error():
    expression = parse("q = log(a) / b")
    with pytest.raises(ValueError, match="no value given for: b"):
        expression.build({"a": 1.0})
    with pytest.raises(ValueError, match="log is only defined for positive numbers"):
        expression.build({"a": 0.0, "b": 1.0})
    with pytest.raises(ValueError, match="division by zero"):
        expression.build({"a": 2.0, "b": 0.0})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"learning_rate": 0.0}, "above 0", id="lr 0"),
        pytest.param({"learning_rate": 1e7}, "at most 1e+06", id="lr 1e7"),
        pytest.param({"learning_rate": math.nan}, "learning rate", id="lr nan"),
        pytest.param({"steps": 0}, "steps must be a whole number from 1", id="0 steps"),
        pytest.param({"hidden": (0,)}, "1 to 32 neurons, got 0", id="width 0"),
        pytest.param({"hidden": (4,) * 5}, "at most 4 hidden layers", id="5 layers"),
        pytest.param({"batch_size": 0}, "batch size", id="batch 0"),
        pytest.param({"seed": -1}, "seed", id="seed -1"),
    ],
)
def test_an_mlp_configuration_past_its_limits_is_a_value_error(change, expected):
    with pytest.raises(ValueError) as caught:
        TrainingConfig(**change)
    assert expected in plain(str(caught.value))


def test_a_diverging_mlp_run_stops_with_a_message_instead_of_raising():
    config = TrainingConfig(hidden=(4,), learning_rate=1e6, schedule="constant", steps=50)
    X = [(0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    trainer = Trainer(config, X, [1, -1, 1, -1])
    trainer.step(50)
    assert trainer.divergence is not None and trainer.finished
    assert "Lower the learning rate" in plain(trainer.divergence.message)


def test_the_neural_bigram_refuses_lr_0_and_keeps_its_weights_when_lr_1e6_diverges():
    words = ["emma", "olivia", "ava", "isabella", "sophia"]
    model = NeuralNGram(n=2, seed=1)
    model.fit(words, steps=5, lr=10.0)
    weights = model.W.clone()
    with pytest.raises(ValueError, match="The learning rate must be above 0"):
        model.fit(words, steps=5, lr=0.0)
    with pytest.raises(TrainingDiverged) as caught:
        model.fit(words, steps=50, lr=1e6, reg=0.01)
    plain(str(caught.value))
    assert torch.equal(model.W, weights)  # the previous fit is untouched
    with pytest.raises(ValueError, match="Smoothing"):
        CountNGram(smoothing=-1.0)
    with pytest.raises(ValueError, match="temperature"):
        CountNGram().fit(words).sample(3, seed=0, temperature=0.0)


_unpickled = []


def _record_unpickling() -> str:
    _unpickled.append(True)
    return "unpickled"


class _Payload:
    def __reduce__(self):
        return (_record_unpickling, ())


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(pickle.dumps(_Payload()), id="a pickle"),
        pytest.param(pickle.dumps({"format": "zero-to-hero-explorer"}, protocol=0), id="pickle 0"),
        pytest.param(b"PK\x03\x04" + bytes(100), id="a torch.save zip"),
    ],
)
def test_a_model_file_that_is_not_json_is_refused_and_never_unpickled(raw):
    for load in (import_mlp, import_neural_ngram):
        with pytest.raises(ModelFileError) as caught:
            load(raw)
        plain(str(caught.value))
    assert not _unpickled


def test_an_mlp_file_with_weights_as_text_is_refused():
    document = json.loads(export_mlp(MLP(2, [2, 1], seed=0), {}))
    document["parameters"][0][0]["w"][0] = "0.5"
    with pytest.raises(ModelFileError, match=r"parameters\[0\]\[0\].w\[0\] must be a number"):
        import_mlp(json.dumps(document))
