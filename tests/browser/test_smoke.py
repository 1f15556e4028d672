"""Open every page of the running app in a real Chromium: it renders and raises nothing."""

from __future__ import annotations

import os
import shutil

from tests.browser.harness import (
    NAV_LINK,
    REPO_ROOT,
    exceptions_on_page,
    screenshot,
    wait_for_streamlit,
)
from ui.site import ALL_PAGES

README_SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "home.png"


def sidebar_links(page) -> list[str]:
    links = page.query_selector_all(NAV_LINK)
    return [link.evaluate("a => a.href") for link in links]  # resolved against the page


def test_every_page_opens_in_chromium(page, server):
    page.goto(server.url)
    wait_for_streamlit(page)
    assert not exceptions_on_page(page)
    assert page.get_by_role("heading", name="Zero-to-Hero Explorer").is_visible()
    shot = screenshot(page, "home")
    if os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
        shutil.copyfile(shot, README_SCREENSHOT)

    links = sidebar_links(page)
    # The sidebar lists exactly the registered pages; Streamlit hides it for a one-page app.
    if len(ALL_PAGES) == 1:
        assert links == []
        links = [server.url]
    assert len(links) == len(ALL_PAGES), links
    for href in links:
        page.goto(href)
        wait_for_streamlit(page)
        errors = exceptions_on_page(page)
        name = href.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "home"
        screenshot(page, f"page-{name}")
        assert not errors, f"{href}: {errors}"
        assert page.query_selector('[data-testid="stMain"]') is not None


def test_server_logs_no_traceback(page, server):
    page.goto(server.url)
    wait_for_streamlit(page)
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log
