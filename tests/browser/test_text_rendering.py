"""User text shown through ui/text.py renders as the text itself in Streamlit's Markdown, in
Chromium: no formatting, link, image, math, heading, list, icon or emoji comes out of it."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import script_page
from tests.browser.markdown_app import MARKUP

WORD_JOINER = "\u2060"
FORMATTING = "a, img, strong, em, del, code, h1, h2, h3, ul, ol, li, blockquote, table, .katex"


@pytest.fixture(scope="module")
def rendered(browser):
    with script_page(browser, "tests/browser/markdown_app.py", "server-markdown.log") as (_, page):
        page.locator(".st-key-code-backslashes").wait_for()
        yield page


@pytest.mark.parametrize("name", list(MARKUP))
def test_prose_shows_the_text_and_nothing_else(rendered, name):
    block = rendered.locator(f".st-key-prose-{name.replace(' ', '-')}")
    markdown = block.get_by_test_id("stMarkdownContainer")
    assert markdown.locator(FORMATTING).count() == 0, markdown.inner_html()
    assert markdown.locator('[role="img"]').count() == 0  # no icon
    text = markdown.inner_text().replace(WORD_JOINER, "")
    assert text == re.sub(r"\n+", " ⏎ ", MARKUP[name])


@pytest.mark.parametrize("name", list(MARKUP))
def test_code_shows_the_text_in_one_code_span(rendered, name):
    block = rendered.locator(f".st-key-code-{name.replace(' ', '-')}")
    markdown = block.get_by_test_id("stMarkdownContainer")
    assert markdown.locator("code").count() == 1
    others = "a, img, strong, em, del, h1, h2, h3, ul, ol, li, blockquote, table, .katex"
    assert markdown.locator(others).count() == 0, markdown.inner_html()
    expected = re.sub(r"\n+", " ⏎ ", MARKUP[name].replace("`", "'"))
    assert markdown.locator("code").inner_text().replace(WORD_JOINER, "") == expected
