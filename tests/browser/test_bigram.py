"""The Bigram page in a real Chromium: the heatmaps render, a click on the count table picks
its row, Train trains (with torch or our engine), a presenter link hides the controls it
names, and nothing raises."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.harness import (
    NAV_LINK,
    act_and_wait,
    exceptions_on_page,
    readme_screenshot,
    screenshot,
    wait_for_streamlit,
)

CHART = '[data-testid="stVegaLiteChart"]'
ROW_SELECT = ".st-key-bigram-row"  # the fallback selectbox of the same setting
HEATMAP = ".st-key-bigram-heatmap"  # st.vega_lite_chart(key="bigram.heatmap")


def row_shown(page) -> str:
    """The value the row selectbox displays."""
    return page.locator(f"{ROW_SELECT} input").input_value().strip()


def test_heatmaps_render_a_click_picks_a_row_and_train_works(page, server):
    page.goto(server.url + "/bigram")
    wait_for_streamlit(page, timeout_ms=120_000)
    assert not exceptions_on_page(page)

    heatmap = page.locator(HEATMAP)
    heatmap.locator("canvas, svg").first.wait_for(timeout=30_000)
    box = heatmap.bounding_box()
    assert box and box["height"] > 500, box  # 27 rows of labelled cells
    # The count table, the row distribution, the word lengths, the loss curves (W beside
    # log(counts) and the walk are in panels built when opened).
    assert page.locator(CHART).count() >= 4

    assert row_shown(page).startswith(".")
    # A click in the middle of the table lands on a cell of some row other than '.'.
    act_and_wait(
        page, lambda: heatmap.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    )
    page.wait_for_function(
        f"""() => !document.querySelector("{ROW_SELECT} input").value.includes('(start of')""",
        timeout=30_000,
    )
    picked = row_shown(page)
    assert len(picked) == 1 and picked.isalpha(), picked

    act_and_wait(page, page.get_by_role("button", name="Train").click, timeout_ms=120_000)
    assert page.get_by_text("After 500 steps").count() == 1
    assert not exceptions_on_page(page)


def test_reached_from_the_navigation_in_wide_layout(page, server):
    page.goto(server.url)
    wait_for_streamlit(page)
    page.locator(NAV_LINK).filter(has_text="Bigram").click()
    wait_for_streamlit(page, timeout_ms=120_000)
    page.locator(HEATMAP).locator("canvas, svg").first.wait_for(timeout=30_000)
    assert not exceptions_on_page(page)
    # A tall window, so the screenshot shows the data panel and the whole count table.
    page.set_viewport_size({"width": 1400, "height": 2300})
    page.wait_for_timeout(1000)
    readme_screenshot(page, "bigram")


def test_a_presenter_link_hides_the_chosen_controls_and_their_values_apply(page, server):
    page.goto(server.url + "/bigram?present=1&hide=lr,steps,method&steps=60&method=engine")
    wait_for_streamlit(page, timeout_ms=120_000)
    assert not exceptions_on_page(page)
    expect(page.get_by_text("After 60 steps with our engine")).to_be_visible(timeout=30_000)
    for hidden in ("lr", "lr-exact", "steps", "method"):
        assert page.locator(f".st-key-bigram-{hidden}").count() == 0, hidden
    for shown in ("reg", "seed", "smoothing"):
        expect(page.locator(f".st-key-bigram-{shown}")).to_be_visible()
    # Type for a projector: the page title is larger than the normal 2.75rem (44px). The
    # style arrives with the page's elements; wait for it rather than read a half-drawn page.
    title_size = "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
    page.wait_for_function(f"() => {title_size} >= 48", timeout=15_000)
    screenshot(page, "bigram-presenter")


def test_training_with_our_engine_shows_both_curves(page, server):
    page.goto(server.url + "/bigram?steps=80")
    wait_for_streamlit(page, timeout_ms=120_000)
    # The first visit trains with torch, then reruns: wait for the rerun's result.
    expect(page.get_by_text("After 80 steps with torch")).to_be_visible(timeout=60_000)
    wait_for_streamlit(page)
    method = page.locator(".st-key-bigram-method")
    act_and_wait(page, method.get_by_text("our engine").click)
    expect(page.get_by_text("per step (an estimate)", exact=False)).to_be_visible()
    act_and_wait(
        page, page.get_by_role("button", name="Train", exact=True).click, timeout_ms=120_000
    )
    expect(page.get_by_text("After 80 steps with our engine")).to_be_visible()
    expect(page.get_by_text("Largest |engine − torch|", exact=False)).to_be_visible()
    # The trained net downloads as JSON, written by the server when the button is clicked.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="The net (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["kind"] == "neural-ngram" and len(document["W"]) == 27
    assert document["settings"]["method"] == "engine" and document["settings"]["steps"] == 80
    assert not exceptions_on_page(page)
