"""Fixtures for the real-browser tests: one server and one Chromium for the whole run.

Without Chromium or Playwright the tests skip with the reason, unless REQUIRE_BROWSER=1
(set by .ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.harness import browser_unavailable_reason, chromium, streamlit_server


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    reason = browser_unavailable_reason()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but the browser cannot run: {reason}")
        pytest.skip(reason)
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="session")
def server(browser):
    with streamlit_server() as running:
        yield running


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
