"""Presenter mode in a real Chromium, on the MLP and Neuron pages: a link with `present=1` and
`hide=...` hides the chosen controls while their values still apply, the text is larger and
the charts taller; the sidebar's toggle and picker do the same and write it into the link.

Sizes are read from the browser (computed font sizes, chart boxes) and compared with the same
page opened without presenter mode. The hidden values are checked through figures on the
page, against a run made here with the training code and a neuron worked out with math.tanh.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from data.toy2d import make_dataset, train_test_split
from models.mlp_training import Trainer, TrainingConfig
from tests.browser.harness import act_and_wait, exceptions_on_page, screenshot, wait_for_streamlit

TIMEOUT = 60_000
CHART = '[data-testid="stVegaLiteChart"]'
GRAPH = '[data-testid="stGraphVizChart"] svg'
MLP_LINK = "/mlp?layers=1&width1=4&lr=0.5&schedule=constant&steps=20"
LECTURE_BIAS = 6.8813735870195432

# The page's body text: a paragraph of the main area that is not a summary, a button or a label.
BODY_TEXT = """Array.from(document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'))
    .find((p) => !p.closest('summary, button, label'))"""
MEASURE = (
    """() => {
    const bodyTextSize = () => {
        const p = """
    + BODY_TEXT
    + """;
        return p ? parseFloat(getComputedStyle(p).fontSize) : null;
    };
    const px = (selector) => {
        const element = document.querySelector(selector);
        return element ? parseFloat(getComputedStyle(element).fontSize) : null;
    };
    return {
        title: px('h1'),
        text: bodyTextSize(),
        label: px('[data-testid="stWidgetLabel"] p'),
        labels: Array.from(document.querySelectorAll('[data-testid="stWidgetLabel"]'))
            .map((e) => e.innerText.trim()).filter((t) => t),
        charts: Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
            .map((e) => e.getBoundingClientRect().height),
    };
}"""
)


def open_page(page, server, path: str, drawn: str) -> dict:
    """Open a page and measure it once `drawn` (a selector) has rendered."""
    page.goto(server.url + path)
    wait_for_streamlit(page)
    page.locator(drawn).first.wait_for(timeout=TIMEOUT)
    assert not exceptions_on_page(page)
    return page.evaluate(MEASURE)


def open_mlp(page, server, path: str) -> dict:
    return open_page(page, server, path, f"{CHART} canvas, {CHART} svg")


def open_neuron(page, server, path: str) -> dict:
    return open_page(page, server, path, GRAPH)


def wait_for_text_size(page, size: float) -> None:
    """The sidebar's controls rerun the page twice (their change, then st.rerun): wait for the
    type size the second run sets rather than reading it after the first."""
    page.wait_for_function(
        """(size) => {
            const p = """
        + BODY_TEXT
        + """;
            return p && parseFloat(getComputedStyle(p).fontSize) === size;
        }""",
        arg=size,
        timeout=TIMEOUT,
    )
    wait_for_streamlit(page)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def reference_last_loss() -> float:
    """Step 19's loss of the run MLP_LINK describes (moons, 2-4-1 relu, lr 0.5 constant)."""
    train, test = train_test_split(make_dataset("moons", 100, 0.1, 1337), 0.2, 1337)
    config = TrainingConfig(hidden=(4,), learning_rate=0.5, schedule="constant", steps=20)
    trainer = Trainer(config, train.X, train.y, test.X, test.y)
    trainer.step(20)
    return trainer.history[-1].loss


def test_a_presenter_link_hides_mlp_controls_whose_values_still_apply(page, server):
    page.goto(server.url)  # the home page first: the server then runs pages in its navigation
    wait_for_streamlit(page)
    normal = open_mlp(page, server, MLP_LINK)
    assert {"Learning rate", "Steps", "Batch size"} <= set(normal["labels"])

    presented = open_mlp(page, server, MLP_LINK + "&present=1&hide=lr,steps")
    labels = set(presented["labels"])
    assert "Learning rate" not in labels and "Steps" not in labels
    assert {"Batch size", "Hidden layers", "Seed (initial weights and batches)"} <= labels
    # Larger type: the title, body text and widget labels.
    for kind in ("title", "text", "label"):
        assert presented[kind] >= 1.4 * normal[kind], (kind, normal[kind], presented[kind])
    # The decision boundary is half as tall again (ui.charts.chart_height).
    assert presented["charts"][0] == 1.5 * normal["charts"][0]
    screenshot(page, "mlp-presenter")

    # The hidden learning rate (0.5) and steps (20) are the ones training uses.
    act_and_wait(page, lambda: page.get_by_role("button", name="Train").click())
    page.get_by_text("Step 20 of 20 · finished").first.wait_for(timeout=TIMEOUT)
    wait_for_streamlit(page)
    expect(page.get_by_text(repr(reference_last_loss()))).to_have_count(1)
    assert page.get_by_text("learning rate 0.5", exact=False).count() >= 1
    # Boundary, loss and accuracy charts: 380, 200 and 160 pixels, each 1.5 times as tall.
    assert page.evaluate(MEASURE)["charts"][:3] == [570, 300, 240]
    assert query(page)["present"] == ["1"] and query(page)["hide"] == ["lr,steps"]
    assert not exceptions_on_page(page)


def test_the_sidebar_turns_presenter_mode_on_and_picks_the_hidden_controls(page, server):
    page.goto(server.url)
    wait_for_streamlit(page)
    normal = open_mlp(page, server, "/mlp")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Presenter mode").click()
    act_and_wait(page, lambda: sidebar.get_by_text("Present to a class").click())
    wait_for_text_size(page, 22.4)  # PRESENTER_CSS: 1rem on a 22.4px root, 1.4 times 16px
    assert query(page)["present"] == ["1"]
    presented = page.evaluate(MEASURE)
    assert presented["text"] >= 1.4 * normal["text"]
    assert "Batch size" in presented["labels"]  # nothing hidden yet

    picker = sidebar.get_by_role("combobox")  # "Hide these controls from students"
    picker.click()
    picker.fill("Batch size")
    option = page.get_by_role("option", name="Batch size")
    option.wait_for(timeout=TIMEOUT)  # the list is open and filtered before the pick
    act_and_wait(page, option.click)
    page.keyboard.press("Escape")
    main = page.locator('[data-testid="stMain"]')  # the picker's chip says "Batch size" too
    expect(main.get_by_text("Batch size", exact=True)).to_have_count(0, timeout=TIMEOUT)
    wait_for_streamlit(page)
    assert query(page)["hide"] == ["batch"]
    assert "Batch size" not in page.evaluate(MEASURE)["labels"]

    # Presenter mode off: every control is back, and the link no longer hides any.
    act_and_wait(page, lambda: sidebar.get_by_text("Present to a class").click())
    wait_for_text_size(page, normal["text"])
    after = page.evaluate(MEASURE)
    assert "Batch size" in after["labels"] and after["text"] == normal["text"]
    assert "present" not in query(page) and "hide" not in query(page)
    assert not exceptions_on_page(page)


def test_a_presenter_link_on_the_neuron_page_hides_w2_and_uses_its_value(page, server):
    page.goto(server.url)
    wait_for_streamlit(page)
    normal = open_neuron(page, server, "/neuron?x2=1")
    assert page.get_by_label("w2 (exact)").count() == 1

    presented = open_neuron(page, server, "/neuron?x2=1&w2=-0.5&present=1&hide=w2")
    assert page.get_by_label("w2 (exact)").count() == 0 and "w2" not in presented["labels"]
    assert page.get_by_label("w1 (exact)").count() == 1 and "w1" in presented["labels"]
    assert presented["title"] >= 1.4 * normal["title"]
    assert presented["text"] >= 1.4 * normal["text"]
    # o = tanh(2*(-3) + 1*(-0.5) + b): the hidden w2 is in the graph and the output.
    output = math.tanh(2 * -3 + 1 * -0.5 + LECTURE_BIAS)
    graph = page.locator(GRAPH).first
    expect(graph).to_contain_text("data -0.5000", timeout=TIMEOUT)
    expect(graph).to_contain_text(f"data {output:.4f}")
    assert query(page)["present"] == ["1"] and query(page)["hide"] == ["w2"]
    screenshot(page, "neuron-presenter")
