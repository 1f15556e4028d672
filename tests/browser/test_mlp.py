"""The MLP page in Chromium: the boundary chart renders, the demo trains live to the notebook's
loss, and a small network's computation graph is drawn."""

from __future__ import annotations

import re
import time

from tests.browser.harness import exceptions_on_page, readme_screenshot, wait_for_streamlit

PROGRESS = '[data-testid="stProgress"]'


def progress_text(page) -> str:
    bar = page.locator(PROGRESS)
    return bar.first.inner_text() if bar.count() else ""


def test_the_boundary_renders_and_the_demo_trains_live(page, server):
    # The home page first: on a fresh server, a direct link is served by Streamlit's pages/
    # folder discovery until some session has run dashboard.py (its navigation, wide layout).
    page.goto(server.url)
    wait_for_streamlit(page)
    page.goto(server.url + "/mlp")
    wait_for_streamlit(page)
    assert not exceptions_on_page(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for(timeout=30_000)
    assert "Step 0 of 100" in progress_text(page)

    page.get_by_role("button", name="Micrograd's demo").click()
    steps_seen = set()
    deadline = time.monotonic() + 90
    while "finished" not in (text := progress_text(page)):
        found = re.search(r"Step (\d+) of 100", text)
        if found:
            steps_seen.add(int(found.group(1)))
        assert time.monotonic() < deadline, f"training did not finish: {text!r}"
        time.sleep(0.05)
    assert "Step 100 of 100" in text
    # Live: the page showed the run part-way, not only before and after.
    assert {k for k in steps_seen if 0 < k < 100}, steps_seen
    page.get_by_text("0.010978370135492717").first.wait_for(timeout=10_000)
    assert page.get_by_text("train accuracy 100.0%").count() == 1
    chart.locator("canvas, svg").first.wait_for(timeout=10_000)
    assert not exceptions_on_page(page)
    # No tooltip in the picture: move the pointer off the button and take its focus away.
    page.mouse.move(700, 5)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(500)
    readme_screenshot(page, "mlp")


def test_a_small_networks_graph_is_drawn_and_follows_training(page, server):
    page.goto(server.url + "/mlp?layers=1&width1=2&steps=5")
    wait_for_streamlit(page)
    page.get_by_text("Computation graph of one point's loss").click()
    graph = page.locator('[data-testid="stGraphVizChart"] svg').first
    graph.wait_for(timeout=30_000)
    assert graph.locator("g.node").count() > 20  # values and operations of one point's loss
    page.get_by_role("button", name="Train").click()
    page.get_by_text("Step 5 of 5 · finished").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stGraphVizChart"] svg').first.wait_for(timeout=30_000)
    assert not exceptions_on_page(page)
