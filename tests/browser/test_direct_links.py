"""A share link opened on a freshly started server runs inside the app's navigation.

Without ui.streamlit_private.leave_legacy_pages_mode, Streamlit's legacy pages/ mode would run the linked
page alone until some session had opened the home page: narrow layout and a sidebar that
lists "dashboard". This test starts its own server so that nothing has run before the link.
"""

from __future__ import annotations

from tests.browser.harness import (
    NAV_LINK,
    exceptions_on_page,
    streamlit_server,
    wait_for_streamlit,
)
from ui.site import LESSON_PAGES


def test_a_direct_link_on_a_fresh_server_opens_inside_the_navigation(browser):
    target = LESSON_PAGES[0]
    url_path = target.path.rsplit("/", 1)[-1].removesuffix(".py")
    with streamlit_server(log_name="server-direct-link.log") as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            page.goto(f"{fresh.url}/{url_path}")
            wait_for_streamlit(page)
            # The first run on a fresh server leaves the legacy mode and reruns the page.
            page.wait_for_selector(NAV_LINK)
            wait_for_streamlit(page)
            assert not exceptions_on_page(page)
            assert page.get_by_role("heading", name=target.title).first.is_visible()
            nav = [link.inner_text() for link in page.query_selector_all(NAV_LINK)]
            assert any("Home" in text for text in nav), nav
            assert not any("dashboard" in text.lower() for text in nav), nav
            # dashboard.py's wide layout is in force
            assert page.query_selector(
                '[data-testid="stAppViewContainer"][data-layout="wide"]'
            ) or (
                page.evaluate(
                    "document.querySelector('[data-testid=\"stMainBlockContainer\"]').offsetWidth"
                )
                > 1000
            )
            assert page.url.rstrip("/").endswith(url_path)
        finally:
            context.close()
