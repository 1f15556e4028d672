"""Defects a mischievous class found (issue 20) that only a browser shows: settings lost in a
race of a page switch and Back, the Back button itself, Markdown rendered from user text, and
an upload over the limit that failed silently. The AppTest half is tests/test_class_defects.py.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.flows import key_class
from tests.browser.harness import (
    act_and_wait,
    exceptions_on_page,
    nav_link,
    screenshot,
    wait_for_streamlit,
)

DEFECT_1_LINK = "/mlp?steps=5&points=50&data_seed=1&lr=0.5&seed=42&l2=0.01"
DEFECT_1_PARAMS = {
    "steps": "5",
    "points": "50",
    "data_seed": "1",
    "lr": "0.5",
    "seed": "42",
    "l2": "0.01",
}
SHORT_MARKDOWN = "**bold**[c](https://evil.example)$x$"  # words hold 50 characters
MARKDOWN = (
    "**bold** [click](https://evil.example) ![x](https://evil.example/p.png) $x^2$ www.evil.example"
)


def address(page) -> tuple[str, dict[str, str]]:
    """The page's path and query parameters, as the address bar has them now."""
    parts = urlsplit(page.evaluate("location.href"))
    return parts.path.rstrip("/").rsplit("/", 1)[-1], {
        key: values[-1] for key, values in parse_qs(parts.query).items()
    }


def number_shown(page, key: str) -> str:
    return page.locator(f"{key_class(key)} input").first.input_value()


def slider_shown(page, key: str) -> str:
    return page.locator(f"{key_class(key)} input[type=range]").first.input_value()


def through_history(page, step) -> None:
    """Press Back or Forward (`step` is page.go_back or page.go_forward) and wait for the
    address bar to change and the page's runs to end."""
    before = page.evaluate("location.href")
    step(wait_until="commit")
    page.wait_for_function("(before) => location.href !== before", arg=before)
    page.wait_for_timeout(300)  # the run the browser's history asks for starts
    wait_for_streamlit(page)
    page.wait_for_timeout(300)


def type_into(page, key: str, text: str) -> None:
    box = page.locator(f"{key_class(key)} input").first

    def do():
        box.fill(text)
        box.press("Enter")

    act_and_wait(page, do)


def test_defect_1_a_page_switch_and_back_at_once_keep_every_setting(browser, server):
    """Train from the link, go Home, then click "Train an MLP" and press Back at the same
    moment: no widget may fall to its minimum, and the widgets agree with the address bar."""
    for attempt in range(3):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            page.goto(server.url + DEFECT_1_LINK)
            wait_for_streamlit(page, timeout_ms=120_000)
            act_and_wait(page, page.locator(key_class("mlp.train")).get_by_role("button").click)
            page.get_by_text("finished").first.wait_for(timeout=60_000)
            page.locator(nav_link("")).click()
            wait_for_streamlit(page)
            page.wait_for_timeout(1000)
            page.locator(nav_link("mlp")).click()
            page.go_back(wait_until="commit")
            wait_for_streamlit(page)
            page.wait_for_timeout(1500)
            wait_for_streamlit(page)
            where, params = address(page)
            assert not exceptions_on_page(page)
            if where == "mlp":
                assert number_shown(page, "mlp.steps") == params.get("steps", "100"), attempt
                assert slider_shown(page, "mlp.points") == params.get("points", "100"), attempt
                assert number_shown(page, "mlp.seed") == params.get("seed", "1337"), attempt
            # Wherever the race ended, the MLP page still has the link's settings.
            page.locator(nav_link("mlp")).click()
            wait_for_streamlit(page)
            page.wait_for_timeout(500)
            assert number_shown(page, "mlp.steps") == "5", attempt
            assert slider_shown(page, "mlp.points") == "50", attempt
            assert number_shown(page, "mlp.seed") == "42", attempt
            assert address(page) == ("mlp", DEFECT_1_PARAMS), attempt
        finally:
            context.close()


def test_defect_5_back_steps_back_one_setting_visibly(page, server):
    page.goto(server.url + "/mlp")
    wait_for_streamlit(page, timeout_ms=120_000)
    type_into(page, "mlp.steps", "30")
    type_into(page, "mlp.steps", "40")
    assert address(page) == ("mlp", {"steps": "40"})
    through_history(page, page.go_back)
    assert address(page) == ("mlp", {"steps": "30"})
    assert number_shown(page, "mlp.steps") == "30"  # the widget shows it: nothing invisible
    through_history(page, page.go_back)
    assert address(page) == ("mlp", {})
    assert number_shown(page, "mlp.steps") == "100"
    through_history(page, page.go_forward)
    assert number_shown(page, "mlp.steps") == "30"
    assert not exceptions_on_page(page)


def test_defect_5_back_leaves_a_page_in_one_press_and_finds_the_last_one_as_it_was(page, server):
    page.goto(server.url + "/mlp")
    wait_for_streamlit(page, timeout_ms=120_000)
    type_into(page, "mlp.steps", "30")
    act_and_wait(page, page.locator(nav_link("neuron")).click)
    page.wait_for_timeout(500)
    assert address(page) == ("neuron", {})
    through_history(page, page.go_back)  # one press
    assert address(page) == ("mlp", {"steps": "30"})
    assert number_shown(page, "mlp.steps") == "30"
    through_history(page, page.go_forward)
    assert address(page)[0] == "neuron"
    assert not exceptions_on_page(page)


def test_defect_5_one_pages_link_values_never_reach_another_page(page, server):
    # The MLP page's names in a Neuron link do nothing there and leave its link.
    page.goto(server.url + "/neuron?points=110&seed=5&data_seed=1")
    wait_for_streamlit(page, timeout_ms=120_000)
    page.wait_for_timeout(500)
    assert address(page) == ("neuron", {})
    # `seed` and `steps` belong to the MLP and the Bigram pages alike: set on one, the other
    # keeps its own.
    act_and_wait(page, page.locator(nav_link("mlp")).click)
    type_into(page, "mlp.seed", "42")
    type_into(page, "mlp.steps", "7")
    act_and_wait(page, page.locator(nav_link("bigram")).click)
    wait_for_streamlit(page, timeout_ms=120_000)
    page.wait_for_timeout(500)
    where, params = address(page)
    assert where == "bigram" and "seed" not in params and "steps" not in params
    assert number_shown(page, "bigram.seed") == "2147483647"
    through_history(page, page.go_back)
    assert address(page) == ("mlp", {"seed": "42", "steps": "7"})
    assert not exceptions_on_page(page)


@pytest.mark.parametrize(
    ("link", "where"),
    [
        (f"/bigram?word={SHORT_MARKDOWN}", "the word to take apart"),
        (f"/bigram?score={SHORT_MARKDOWN}", "the word to score"),
        ("/neuron?mode=formula&formula=a%0A%0A%23 [x](https://evil.example)", "a formula"),
        (f"/mlp?lr={MARKDOWN}", "a link value"),
    ],
)
def test_defect_4_user_text_renders_as_text(page, server, link, where):
    """Nothing a student types, links to or names a file renders as Markdown: no link to
    another site, no image fetched from one, no emphasis, math or heading made of it."""
    page.goto(server.url + link.replace(" ", "%20").replace("*", "%2A"))
    wait_for_streamlit(page, timeout_ms=120_000)
    page.wait_for_timeout(500)
    main = page.locator('[data-testid="stMain"]')
    external = main.locator('a[href*="evil.example"]')
    assert external.count() == 0, where
    assert main.locator('img[src*="evil"]').count() == 0, where
    assert main.locator("strong", has_text="bold").count() == 0, where
    assert main.locator(".katex").count() == 0, where
    assert main.locator("h1, h2, h3, h4, h5, h6").filter(has_text="x").count() == 0, where
    assert not exceptions_on_page(page)
    screenshot(page, f"defect-4-{where.replace(' ', '-')}")


def test_defect_6_an_upload_just_over_the_limit_gets_a_visible_message(page, server):
    page.goto(server.url + "/bigram?data=upload")
    wait_for_streamlit(page, timeout_ms=120_000)
    uploader = page.locator(".st-key-bigram-uploader")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "big.txt", "mimeType": "text/plain", "buffer": b"a" * 5_000_001}
    )
    reason = uploader.locator('[data-testid="stFileChip"] [role="alert"]')
    reason.wait_for(timeout=30_000)
    time.sleep(0.5)
    box = reason.bounding_box()
    # Shown under the file's name, not only to a screen reader or on hover.
    assert box and box["height"] >= 10 and box["width"] >= 100, box
    assert "5.0MB or smaller" in reason.inner_text()
    assert "at most 5 MB" in uploader.inner_text()
    screenshot(page, "defect-6-upload-over-the-limit")
