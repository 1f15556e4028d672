"""The Bigram page reproduces the lecture: makemore's names.txt (shipped in data/makemore/),
fitted on all words, with the lecture's settings, shows each figure the lecture prints, as it
prints it. Lesson 1's pages show theirs too (the neuron, micrograd's demo)."""

from __future__ import annotations

import hashlib

import pytest

from data.names import MAKEMORE_NAMES, makemore_names
from tests.apptest_helpers import exception_messages, open_page, page_state, start_app
from ui.bigram import BigramState

# The lecture's printed figures (names.txt, all words; the net: W from seed 2147483647, lr
# 50, reg 0.01). The samples are what the lecture's code draws under torch 2.x.
LECTURE_LINK = {
    "data": "makemore",
    "split": "all",
    "steps": "100",
    "reg": "0.01",
    "num_samples": "5",
}  # the word to take apart (emma) and to score (andrejq) are the page's defaults
PRINTED = {
    "counts model NLL, k = 1": "2.4544",
    "counts model NLL, k = 0": "2.4541",
    "'andrejq' mean NLL, k = 1": "3.4834",
    "'andrejq' mean NLL, k = 0": "inf",
    "'emma' mean NLL at the initial W": "3.7693",
    "the net's loss at step 0": "3.7686",
    "the net's loss at step 99": "2.4901",
}
SAMPLES = ["cexze", "momasurailezitynn", "konimittain", "llayn", "ka"]


def test_the_shipped_names_txt_is_makemores(names_txt):
    shipped = MAKEMORE_NAMES.read_bytes()
    assert hashlib.md5(shipped).hexdigest() == "401b3c4cac9e28a586ed15e81256680d"
    assert shipped == names_txt.read_bytes()
    assert len(makemore_names()) == 32_033 and makemore_names()[:3] == ("emma", "olivia", "ava")


def lecture_table(at) -> dict[str, tuple[str, str]]:
    frame = next(d.value for d in at.dataframe if "the lecture prints" in d.value.columns)
    return {
        row["figure"]: (row["the lecture prints"], row["this page"]) for _, row in frame.iterrows()
    }


def check_the_lectures_figures(at) -> None:
    assert not at.exception, exception_messages(at)
    table = lecture_table(at)
    for figure, printed in PRINTED.items():
        assert table[figure] == (printed, printed), figure
    [samples] = [shown for name, (_, shown) in table.items() if name.startswith("five names")]
    assert samples.split() == [name + "." for name in SAMPLES]
    # Elsewhere on the page too, as the page shows them.
    texts = " ".join(m.value for m in at.markdown)
    # The counts panel's one NLL is the exact mean; the table explains the lecture's float32 sum.
    assert "on all words: **2.4546**" in texts
    assert any("2.4546 (k = 1) and 2.4540 (k = 0)" in c.value for c in at.caption)
    assert "Loaded" not in texts
    samples_frame = next(d.value for d in at.dataframe if "counts: seen?" in d.value.columns)
    assert samples_frame["counts model"].tolist() == SAMPLES
    assert any(c.value == "mean NLL 3.4834" for c in at.caption)  # andrejq, scored
    assert any(m.value == "3.7693" for m in at.metric if m.label == "mean NLL of these examples")


def test_the_lectures_run_button_shows_every_figure_the_lecture_prints():
    at = open_page("pages/bigram.py")
    at.button(key="bigram.lecture").click().run()
    check_the_lectures_figures(at)
    run = list(page_state(at, BigramState).nets.values())[-1]
    assert (run.lr, run.steps, run.reg, run.seed) == (50.0, 100, 0.01, 2147483647)
    # The button is the link: the address bar now opens the same run.
    assert dict(at.query_params) == {**LECTURE_LINK}


def test_the_lectures_link_shows_every_figure_after_train():
    at = start_app()
    at.query_params.update(LECTURE_LINK)
    at.switch_page("pages/bigram.py").run()
    at.button(key="bigram.train").click().run()
    check_the_lectures_figures(at)


@pytest.mark.parametrize("bad", [{"split": "half"}, {"data": "names.txt"}])
def test_unknown_split_or_data_in_a_link_fall_back_with_the_usual_warning(bad):
    at = start_app()
    at.query_params.update(bad)
    at.switch_page("pages/bigram.py").run()
    assert not at.exception, exception_messages(at)
    [warning] = [w.value for w in at.warning if "link" in w.value]
    assert "not one of the choices" in warning and next(iter(bad)) in warning
    assert page_state(at, BigramState).choice.built_in.key == "ssa:2017:both:0:split"


def test_the_neuron_page_shows_the_lectures_neuron():
    """o = 0.7071; grads x1 -1.5, w1 1, x2 0.5, w2 0, b 0.5 (the lecture's printed values)."""
    at = open_page("pages/neuron.py")
    assert any(m.value == "0.7071" for m in at.metric if m.label == "Output o")
    [table] = [d.value for d in at.dataframe if "engine grad" in d.value.columns]
    grads = dict(zip(table["leaf"], table["engine grad"], strict=True))
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5})


def test_the_mlp_page_shows_the_losses_micrograds_demo_printed():
    at = open_page("pages/mlp.py")
    at.button(key="mlp.demo").click().run()
    for _ in range(60):
        if not page_state_training(at):
            break
        at.run()
    texts = " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])
    for printed in ("0.8958441028683222", "1.7235905336972022", "0.010978370135492717"):
        assert printed in texts, printed


def page_state_training(at) -> bool:
    from ui.mlp import MlpState

    return page_state(at, MlpState).training
