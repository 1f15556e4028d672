"""The Neuron page in a real Chromium: the graph is an SVG, and it is redrawn when a student
types a number, moves a slider, steps backward or types a formula."""

from __future__ import annotations

import os
import shutil

from playwright.sync_api import expect

from tests.browser.harness import REPO_ROOT, exceptions_on_page, screenshot, wait_for_streamlit

README_SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "neuron.png"
GRAPH = '[data-testid="stGraphVizChart"] svg'
TIMEOUT = 30_000


def open_neuron(page, server) -> None:
    # Open the home page first. Until some session in the server process has run
    # dashboard.py (st.navigation), Streamlit treats the pages/ folder as a legacy multipage
    # app and runs a direct link to /neuron without the dashboard (narrow layout, file-name
    # navigation). The page works either way; this test checks it as the dashboard shows it.
    page.goto(server.url)
    wait_for_streamlit(page)
    page.goto(server.url + "/neuron")
    wait_for_streamlit(page)
    expect(page.locator(GRAPH).first).to_be_visible(timeout=TIMEOUT)


def main_graph(page):
    return page.locator(GRAPH).first


def test_the_graph_renders_and_follows_the_controls(page, server):
    open_neuron(page, server)
    assert not exceptions_on_page(page)
    graph = main_graph(page)
    # The lecture's neuron: o = 0.7071, x1's gradient -1.5.
    expect(graph).to_contain_text("data 0.7071")
    expect(graph).to_contain_text("grad -1.5000")
    shot = screenshot(page, "neuron")
    if os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
        shutil.copyfile(shot, README_SCREENSHOT)

    # Typing an exact number redraws: w1 = 1.25.
    entry = page.get_by_label("w1 (exact)")
    entry.fill("1.25")
    entry.press("Enter")
    expect(graph).to_contain_text("data 1.2500", timeout=TIMEOUT)
    wait_for_streamlit(page)

    # Moving the slider with the keyboard redraws too: one step of 0.01 up.
    slider = page.get_by_role("slider").nth(2)  # x1, x2, then w1
    slider.focus()
    slider.press("ArrowRight")
    expect(graph).to_contain_text("data 1.2600", timeout=TIMEOUT)
    wait_for_streamlit(page)
    assert not exceptions_on_page(page)


def test_stepping_backward_highlights_and_fills_in_gradients(page, server):
    open_neuron(page, server)
    page.get_by_role("tab", name="Step through backward").click()
    page.get_by_role("button", name="Next").click()
    walk_graph = page.locator(GRAPH).nth(1)
    expect(page.get_by_text("Step 1 of 10")).to_be_visible(timeout=TIMEOUT)
    expect(walk_graph).to_contain_text("grad ?")
    expect(walk_graph).to_contain_text("grad +0.5000")  # n, filled in by o's step
    wait_for_streamlit(page)
    assert not exceptions_on_page(page)


def test_a_bad_formula_shows_a_message_and_keeps_the_graph(page, server):
    open_neuron(page, server)
    page.locator('[data-testid="stButtonGroup"]').get_by_text("Your formula").click()
    graph = main_graph(page)
    expect(graph).to_contain_text("data -8.0000", timeout=TIMEOUT)  # L = (a*b + c) * f
    box = page.get_by_role("textbox", name="Formula")
    box.fill("__import__('os')")
    box.press("Enter")
    expect(page.get_by_text("This formula cannot be read")).to_be_visible(timeout=TIMEOUT)
    wait_for_streamlit(page)
    expect(graph).to_contain_text("data -8.0000")
    assert not exceptions_on_page(page)
    screenshot(page, "neuron-bad-formula")
