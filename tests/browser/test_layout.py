"""Every page where a class sees it: on a projector in presenter mode (1280x720 and
1920x1080) and on a 390-px phone. Nothing is clipped, the page never scrolls sideways, the
computation graph's node text and the count table's labels are large enough to read, and the
main buttons can be reached. Screenshots of each land in artifacts/screenshots/ (and, with
UPDATE_README_SCREENSHOTS=1, docs/running-a-class.md's pictures of presenter mode and a phone)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.harness import REPO_ROOT, exceptions_on_page, screenshot
from tests.browser.layout import (
    LARGE_PROJECTOR,
    PHONE,
    PROJECTOR,
    clipped_widgets,
    open_settled,
    sideways_scroll,
    text_heights,
)

GRAPH_TEXT = '[class*="st-key-wide-picture-neuron-graph"] svg text'
COUNT_LABELS = '[class*="st-key-wide-picture-count-table"] g.mark-text.role-mark text'
PAGES = ["", "neuron", "mlp", "bigram"]
VIEWS = {
    "projector": (PROJECTOR, "?present=1"),
    "large-projector": (LARGE_PROJECTOR, "?present=1"),
    "phone": (PHONE, ""),
}
README_SHOTS = {
    ("projector", "neuron"): "presenter-neuron.png",
    ("projector", "bigram"): "presenter-bigram.png",
    ("phone", "mlp"): "phone-mlp.png",
    ("phone", "neuron"): "phone-neuron.png",
}


@pytest.fixture(scope="module", params=list(VIEWS))
def view(request, browser):
    size, query = VIEWS[request.param]
    phone = request.param == "phone"
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
    yield request.param, context.new_page(), query
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_clipped_and_the_page_never_scrolls_sideways(view, server, name):
    view_name, page, query = view
    open_settled(page, f"{server.url}/{name}{query}")
    assert not exceptions_on_page(page)
    shot = screenshot(page, f"{view_name}-{name or 'home'}", full_page=False)
    if (view_name, name) in README_SHOTS and os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
        shutil.copyfile(shot, REPO_ROOT / "docs" / "screenshots" / README_SHOTS[view_name, name])
    assert sideways_scroll(page) == 0
    assert clipped_widgets(page) == []


def test_the_neuron_graph_reads_from_the_back_of_the_room(view, server):
    view_name, page, query = view
    open_settled(page, f"{server.url}/neuron{query}")
    heights = text_heights(page, GRAPH_TEXT)
    assert len(heights) >= 30  # every node's label, data and grad
    least = 10 if view_name == "phone" else 14
    assert min(heights) >= least, (view_name, min(heights))


def test_the_count_table_labels_are_at_least_10_px(view, server):
    view_name, page, query = view
    open_settled(page, f"{server.url}/bigram{query}")
    page.locator('[class*="st-key-wide-picture-count-table"]').scroll_into_view_if_needed()
    heights = text_heights(page, COUNT_LABELS)
    assert len(heights) >= 2 * 27 * 27  # every cell's n-gram and count
    assert min(heights) >= 10, (view_name, min(heights))
    assert sideways_scroll(page) == 0  # the table scrolls in its own box, not the page


def test_the_main_buttons_can_be_reached_on_a_phone(browser, server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for name, label in (("mlp", "Train"), ("bigram", "Train"), ("neuron", "Next")):
            open_settled(page, f"{server.url}/{name}")
            if name == "neuron":
                page.get_by_role("tab", name="Step through backward").click()
                page.wait_for_timeout(1500)
            button = page.get_by_role("button", name=label, exact=True).first
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
            assert box["height"] >= 32, name  # big enough for a thumb
    finally:
        context.close()
