"""Every student served (WCAG 2.1 and 2.2, level AA), checked in Chromium:

- axe-core finds no violation of a WCAG A or AA rule on any page, in the light and the dark
  theme, in presenter mode and on a phone, and after a lesson's worth of interaction (tabs,
  training, expanders open); what Streamlit draws and the app cannot change would be listed,
  with the reason, in axe_exceptions.toml (it is empty);
- every chart says what it shows (its container's aria-label) and has its data as a table;
  chart text and the count table's labels reach 4.5:1 against what is behind them;
- a keyboard reaches every control, always sees where the focus is (the picture around the
  focused element changes), never finds it under the sticky header, and can do a lesson:
  move a weight, step backward, train, take a word apart.
"""

from __future__ import annotations

import os
import re
import time

import pytest

from tests.browser.accessibility import axe_unavailable_reason, unlisted, wcag_violations
from tests.browser.harness import act_and_wait, exceptions_on_page, wait_for_streamlit
from tests.browser.keyboard import focus_ring_pixels, focused, tab_to
from tests.browser.layout import PHONE, PROJECTOR, open_settled
from tests.colour_vision import contrast

PAGES = ["", "neuron", "mlp", "bigram"]
DESKTOP = {"width": 1400, "height": 1000}
# The dark theme is checked on the phone (the same rules draw it at every width).
VIEWS = {
    "light": (DESKTOP, "light", ""),
    "presenter": (PROJECTOR, "light", "?present=1"),
    "phone-dark": (PHONE, "dark", ""),
}
SCHEMES = {"light": (DESKTOP, "light", ""), "dark": (DESKTOP, "dark", "")}
CHART = '[data-testid="stVegaLiteChart"]'
COUNT_TABLE = '[class*="st-key-wide-picture-count-table"]'
FOCUS_RING = 60  # pixels that change: a 2-px ring round the smallest control (a 13-px box)


@pytest.fixture(scope="module", autouse=True)
def _axe_installed():
    reason = axe_unavailable_reason()
    if reason and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason)  # .ci/run installs it before the README's test command
    if reason:
        pytest.skip(reason)


def open_page(browser, server, view: str):
    size, scheme, _ = VIEWS.get(view) or SCHEMES[view]
    phone = view.startswith("phone")
    context = browser.new_context(
        viewport=size, color_scheme=scheme, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    # The home page first: until a session has run dashboard.py, a direct link is served by
    # Streamlit's pages/ folder discovery (see test_mlp.py).
    open_settled(page, server.url)
    return context, page


def assert_no_violations(page, where: str) -> None:
    assert not exceptions_on_page(page), where
    found = unlisted(wcag_violations(page))
    assert not found, f"{where}:\n" + "\n".join(str(v) for v in found)


@pytest.fixture(scope="module", params=list(VIEWS))
def view(request, browser, server):
    context, page = open_page(browser, server, request.param)
    yield request.param, page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation(view, server, name):
    view_name, page = view
    open_settled(page, f"{server.url}/{name}{VIEWS[view_name][2]}")
    assert_no_violations(page, f"{name or 'home'} ({view_name})")


def open_tab(page, name: str) -> None:
    """Click a tab and wait for its content: the page reruns for the open tab only."""
    tab = page.get_by_role("tab", name=name)
    for _ in range(3):
        tab.click()
        try:
            page.wait_for_selector(
                f'[role="tab"][aria-selected="true"]:has-text("{name}")', timeout=5_000
            )
            break
        except Exception:  # the click landed during a rerun: try again
            continue
    time.sleep(0.3)
    wait_for_streamlit(page)


def press_and_settle(page, name: str, seconds: float = 2.0) -> None:
    act_and_wait(page, page.get_by_role("button", name=name).click)
    time.sleep(seconds)  # a live run reruns the page as it goes
    wait_for_streamlit(page)


def expand(page, summary: str) -> None:
    act_and_wait(page, page.locator("summary", has_text=summary).first.click)


@pytest.mark.parametrize("scheme", ["light"])  # dark: the phone view and test_colours.py
def test_axe_finds_nothing_after_a_lesson(browser, server, scheme):
    context, page = open_page(browser, server, scheme)
    try:
        open_settled(page, f"{server.url}/neuron")
        for tab in ["Step through backward", "Nudge", "What is a derivative?"]:
            open_tab(page, tab)
            assert_no_violations(page, f"neuron, tab {tab} ({scheme})")
        open_settled(page, f"{server.url}/mlp?layers=1&width1=2&steps=5")
        press_and_settle(page, "Train", 3.0)
        expand(page, "Computation graph of one point's loss")
        expand(page, "The charts' data as tables")
        assert_no_violations(page, f"mlp, trained, graph and tables open ({scheme})")
        open_settled(page, f"{server.url}/bigram")
        press_and_settle(page, "The lecture's run")
        assert_no_violations(page, f"bigram, the lecture's run ({scheme})")
    finally:
        context.close()


# Every Vega chart's text (axis labels, titles, legends) and its background; the count table's
# labels are over their cells instead, measured below.
_CHART_TEXT = """(countTable) => Array.from(document.querySelectorAll(
    '[data-testid="stVegaLiteChart"]')).filter(c => !c.closest(countTable)).flatMap(chart => {
  const svg = chart.querySelector('svg');
  if (!svg) return [];
  const behind = getComputedStyle(svg).backgroundColor;  // configure_text makes it opaque
  return Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim())
    .map(t => [t.textContent, getComputedStyle(t).fill, getComputedStyle(t).fillOpacity, behind]);
})"""

_COUNT_CELLS = """(countTable) => {
  const root = document.querySelector(countTable);
  const fills = Array.from(root.querySelectorAll('g.mark-rect.role-mark path'))
    .map(p => p.getAttribute('fill'));
  const layers = Array.from(root.querySelectorAll('g.mark-text.role-mark'))
    .map(g => Array.from(g.querySelectorAll('text')).map(t => [t.textContent, t.getAttribute('fill')]));
  return {fills, layers};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_are_described_and_their_text_is_readable(browser, server, scheme):
    context, page = open_page(browser, server, scheme)
    try:
        for name in ["neuron", "mlp", "bigram"]:
            open_settled(page, f"{server.url}/{name}")
            if name == "neuron":
                open_tab(page, "What is a derivative?")  # the Neuron page's chart
            page.locator(f"{CHART} svg").first.wait_for(state="attached", timeout=30_000)
            labels = page.eval_on_selector_all(
                CHART, "charts => charts.map(c => c.getAttribute('aria-label') || '')"
            )
            assert labels and all(len(label) > 20 for label in labels), (name, labels)
            texts = page.evaluate(_CHART_TEXT, COUNT_TABLE)
            assert texts, name
            for text, fill, opacity, behind in texts:
                assert float(opacity) == 1.0, (name, text)
                assert contrast(fill, behind) >= 4.5, (name, text, fill, behind)
        # The count table (on the Bigram page, open last): each n-gram and count on its cell.
        page.locator(COUNT_TABLE).scroll_into_view_if_needed()
        cells = page.evaluate(_COUNT_CELLS, COUNT_TABLE)
        assert len(cells["fills"]) == 27 * 27 and len(cells["layers"]) == 2
        for layer in cells["layers"]:
            assert len(layer) == len(cells["fills"])
            worst = min(
                contrast(fill, cell) for (_, fill), cell in zip(layer, cells["fills"], strict=True)
            )
            assert worst >= 4.5, worst
    finally:
        context.close()


@pytest.mark.parametrize("name", ["neuron", "mlp", "bigram"])
def test_every_picture_has_its_data_as_a_table(page, server, name):
    """A screen reader cannot read a chart or a graph: each has a table beside it, in an
    expander whose title says so, or a summary in its aria-label (checked above)."""
    open_settled(page, server.url)
    open_settled(page, f"{server.url}/{name}")
    graphs = page.locator('[data-testid="stGraphVizChart"]').count()
    tables = page.locator("summary", has_text=re.compile("as a table|as tables")).count()
    assert tables >= max(graphs, 1), (name, graphs, tables)


@pytest.mark.parametrize("name", PAGES)
def test_the_keyboard_focus_is_always_visible_and_never_under_the_header(page, server, name):
    open_settled(page, server.url)
    open_settled(page, f"{server.url}/{name}")
    stops, first, ringed = [], None, set()
    for _ in range(150):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None or now.in_grid or now.tag == "MAIN":
            continue  # the page body; a data grid's cells; the main area (scrollable)
        if first is not None and now == first:
            break  # round the page once
        first = first or now
        stops.append(now.label)
        assert not now.under_header, f"{now.label!r} is under the page's header"
        assert not now.off_screen, f"{now.label!r} has the focus off the screen"
        # Controls of one kind and size are drawn by one rule: check the ring once per kind
        # (a screenshot pair costs ~0.3 s, and the Bigram page has ~100 stops).
        kind = (now.tag, round(now.width / 8), round(now.height / 8))
        if now.width and now.height and kind not in ringed:
            ringed.add(kind)
            changed = focus_ring_pixels(page, now)
            assert changed >= FOCUS_RING, f"focus on {now.label!r} barely shows ({changed} px)"
    assert len(stops) >= 8, stops
    assert stops[0] == "Skip to main content"


def test_a_lesson_by_keyboard_alone(page, server):
    # Neuron: move w1 with the arrow keys; the output o and the exact entry follow.
    open_settled(page, server.url)
    open_settled(page, f"{server.url}/neuron")
    exact = page.get_by_label("w1 (exact)")
    assert exact.input_value() == "-3.0000"
    tab_to(page, "w1")
    act_and_wait(page, lambda: page.keyboard.press("ArrowRight"))
    assert exact.input_value() != "-3.0000"
    # Step through backward: the tabs are reached with Tab and changed with the arrow keys.
    tab_to(page, "Gradient check")
    act_and_wait(page, lambda: page.keyboard.press("ArrowRight"))
    assert focused(page).label == "Step through backward"
    tab_to(page, re.compile("^Next"))
    act_and_wait(page, lambda: page.keyboard.press("Enter"))
    assert page.get_by_text(re.compile(r"Step 1 of \d+")).count() >= 1

    # MLP: train a small net with Enter on Train.
    open_settled(page, f"{server.url}/mlp?layers=1&width1=2&steps=5")
    tab_to(page, "Train")
    act_and_wait(page, lambda: page.keyboard.press("Enter"))
    page.get_by_text(re.compile("Step 5 of 5")).first.wait_for(timeout=30_000)

    # Bigram: type a word to take apart, then the lecture's run with the space bar.
    open_settled(page, f"{server.url}/bigram")
    tab_to(page, "A word to take apart")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("andrej")
    act_and_wait(page, lambda: page.keyboard.press("Enter"))
    assert page.locator("code", has_text=".a an nd dr re ej j.").count() == 1
    tab_to(page, "The lecture's run")
    act_and_wait(page, lambda: page.keyboard.press(" "))
    page.locator("summary", has_text="The lecture's figures").wait_for(timeout=60_000)
    # The net's losses are in the table once the lecture's training has run.
    waiting = page.get_by_text("The net's losses appear after a run")
    deadline = time.monotonic() + 60
    while waiting.count() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert waiting.count() == 0
    assert not exceptions_on_page(page)
