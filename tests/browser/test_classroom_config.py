"""The project's Streamlit config in force on a real server: a student never sees a traceback
(the log keeps it), and an upload over the limit is refused by Streamlit with its own message
while the words in use stay."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.harness import exceptions_on_page, screenshot, script_page, wait_for_streamlit
from tests.browser.raising_app import SECRET

UPLOADER = ".st-key-bigram-uploader"


def test_an_unexpected_error_shows_no_traceback_and_the_log_keeps_it(browser):
    # Started from the repository root like the app, so the project's config applies.
    with script_page(browser, "tests/browser/raising_app.py", "server-raising.log") as (
        app,
        page,
    ):
        page.get_by_role("heading", name="A page that fails").wait_for()
        shown = exceptions_on_page(page)
        screenshot(page, "unexpected-error")
        assert len(shown) == 1  # the student is told something went wrong...
        assert "Traceback" not in shown[0] and "secret_path" not in shown[0]
        assert "7f3a" not in page.content()  # ...and nothing of the error itself
    log = app.log_path.read_text(errors="replace")
    assert "Traceback" in log and SECRET in log and "raising_app.py" in log


def test_a_file_over_the_upload_limit_is_refused_in_the_page_and_the_words_stay(page, server):
    page.goto(server.url + "/bigram")
    wait_for_streamlit(page, timeout_ms=120_000)
    # The "words" metric of the data panel: 2017's SSA names, 29,910 of them.
    words_label = page.get_by_test_id("stMetricLabel").get_by_text("words", exact=True)
    words = page.get_by_test_id("stMetric").filter(has=words_label).get_by_test_id("stMetricValue")
    expect(words).to_have_text("29,910", timeout=30_000)
    page.get_by_text("My own word list").click()
    wait_for_streamlit(page)
    big = b"ab\n" * (6 * 1024 * 1024 // 3)  # 6 MB
    page.locator(f"{UPLOADER} input[type=file]").set_input_files(
        {"name": "big.txt", "mimeType": "text/plain", "buffer": big}
    )
    page.get_by_text("or smaller").first.wait_for(timeout=30_000)
    wait_for_streamlit(page)
    assert "File must be 5.0MB or smaller" in page.locator(UPLOADER).inner_text()
    screenshot(page, "upload-over-the-limit")
    expect(words).to_have_text("29,910")  # the built-in names are still the data
    assert not exceptions_on_page(page)
