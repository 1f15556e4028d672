"""The class board in a real Chromium, as a class uses it:

- a teacher opens a board with the button and gets `room=CODE&teacher=TOKEN` in the link; two
  students (browsers of their own) post from the Bigram page, one with a nickname written as
  HTML and Markdown, which the board shows literally (the data grid's accessible table);
- axe-core finds no WCAG A or AA violation on the board as the teacher sees it (tools open),
  on a projector in presenter mode (where the teacher's key is nowhere in the page), on a
  phone in the dark theme, and with no room (the join and open forms);
- the chart of two posts (the second no better) is a line to the last post, each post a circle
  with 3:1 contrast, with readable axes (a lone dot with a millisecond axis, once);
- the projector's board shows a new post within 15 s, with nobody touching it;
- a keyboard reaches the "Room code" field and the "Open a new board" button, which opens one;
- screenshots in artifacts/screenshots/board-*.png for a person to look at.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import axe_unavailable_reason, unlisted, wcag_violations
from tests.browser.harness import act_and_wait, exceptions_on_page, screenshot, wait_for_streamlit
from tests.browser.keyboard import tab_to
from tests.browser.layout import PHONE, PROJECTOR, open_settled
from tests.colour_vision import contrast

DESKTOP = {"width": 1400, "height": 1000}
NICKNAME = "<b>Ann</b> **x**"  # markup a student may type: shown as typed, never rendered
CELL = '[data-testid="stDataFrame"] td[role="gridcell"]'  # the grid's accessible table
CHART = '[data-testid="stVegaLiteChart"]'
OPEN_ROOM = "Open a new board for my class"
POST = "Post to the class board"
TIMEOUT = 60_000
# view: (viewport, colour scheme, the board's query string)
VIEWS = {
    "teacher": (DESKTOP, "light", "?room={code}&teacher={token}"),
    "presenter": (PROJECTOR, "light", "?room={code}&present=1"),
    "phone-dark": (PHONE, "dark", "?room={code}"),
    "join": (DESKTOP, "light", ""),
}


@dataclass
class Room:
    code: str
    token: str
    messages: list[str]  # what each student saw after pressing Post


def new_page(browser, size: dict = DESKTOP, scheme: str = "light"):
    phone = size is PHONE
    context = browser.new_context(
        viewport=size, color_scheme=scheme, is_mobile=phone, has_touch=phone
    )
    return context.new_page()


def open_app(page, server, path: str) -> None:
    """The home page first (a direct link before any session ran dashboard.py is served by the
    pages/ folder; see test_mlp.py), then `path`."""
    open_settled(page, server.url)
    open_settled(page, server.url + path)


def post(browser, server, query: str, nickname: str, size: dict = DESKTOP):
    """A student posts the Bigram page's run of `query`; returns the page and its message."""
    page = new_page(browser, size)
    open_app(page, server, f"/bigram?{query}")
    panel = page.locator("details", has=page.locator("summary", has_text=POST))
    if not panel.evaluate("d => d.open"):  # a room in the link opens it already
        act_and_wait(page, panel.locator("summary").click)
    box = panel.get_by_role("textbox", name="Your nickname on the board")
    box.fill(nickname)
    act_and_wait(page, lambda: box.press("Enter"))
    act_and_wait(page, panel.get_by_role("button", name=POST).click)
    success = panel.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for(timeout=TIMEOUT)
    assert not exceptions_on_page(page)
    return page, success.inner_text()


def whole_page(page, name: str) -> None:
    """A screenshot of the whole page: harness.screenshot's full_page stops at the window's
    height, as Streamlit scrolls its main area rather than the document."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    time.sleep(0.5)
    screenshot(page, name, full_page=False)
    page.set_viewport_size(size)
    time.sleep(0.3)


@pytest.fixture(scope="module", autouse=True)
def _axe_installed():
    reason = axe_unavailable_reason()
    if reason and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def room(browser, server) -> Room:
    teacher = new_page(browser)
    open_app(teacher, server, "/board")
    act_and_wait(teacher, teacher.get_by_role("button", name=OPEN_ROOM).click)
    teacher.wait_for_url(re.compile(r"teacher="), timeout=TIMEOUT)
    query = parse_qs(urlsplit(teacher.url).query)
    code, token = query["room"][0], query["teacher"][0]
    teacher.context.close()
    first, said = post(browser, server, f"room={code}", NICKNAME, PHONE)
    panel = first.locator("details", has=first.locator("summary", has_text=POST))
    panel.evaluate("d => d.scrollIntoView({block: 'start'})")
    first.mouse.wheel(0, -80)  # out from under the sticky header
    time.sleep(0.3)
    screenshot(first, "board-bigram-post-phone", full_page=False)
    first.context.close()
    second, said_too = post(browser, server, f"room={code}&smoothing=5", "Bo")
    second.context.close()
    return Room(code, token, [said, said_too])


def test_a_teacher_opens_a_board_and_two_students_post(room):
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", room.code) and len(room.token) >= 16
    for message in room.messages:
        assert re.search(rf"Posted to room {room.code}: dev NLL \d\.\d{{4}}\.$", message)


def test_the_board_shows_nicknames_literally_ranked_with_a_chart(browser, server, room):
    page = new_page(browser)
    try:
        open_app(page, server, f"/board?room={room.code}")
        page.locator(CELL).first.wait_for(state="attached", timeout=TIMEOUT)
        # Rows: Rank, Nickname, Score, n, Run, Posted, Open.
        rows = page.locator('[data-testid="stDataFrame"] tbody tr').evaluate_all(
            "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))"
        )
        assert {row[1] for row in rows} == {NICKNAME, "Bo"}
        assert [row[0] for row in rows] == ["1", "2"]
        assert float(rows[0][2]) <= float(rows[1][2])  # dev NLL: lower is better
        assert page.get_by_text(NICKNAME, exact=True).count() >= 1
        assert page.locator("b", has_text="Ann").count() == 0
        assert page.locator("strong", has_text=re.compile(r"^x$")).count() == 0
        chart = page.locator(CHART)
        expect(chart).to_have_count(1)
        assert "Best dev NLL over the lesson: 2 posts" in (chart.get_attribute("aria-label") or "")
        assert page.get_by_text("Teacher: links and tools").count() == 0
        assert not exceptions_on_page(page)
    finally:
        page.context.close()


_CHART_PARTS = """() => {
  const svg = document.querySelector('[data-testid="stVegaLiteChart"] svg');
  return {line: Array.from(svg.querySelectorAll('g.mark-line path')).map(p => p.getAttribute('d')),
          points: Array.from(svg.querySelectorAll('g.mark-symbol path')).map(p => getComputedStyle(p).stroke),
          labels: Array.from(svg.querySelectorAll('g.role-axis-label text')).map(t => t.textContent)};
}"""


@pytest.mark.parametrize("scheme", ["dark"])  # the chart's own colours on the darker page
def test_the_chart_of_two_posts_is_a_readable_line(browser, server, room, scheme):
    page = new_page(browser, DESKTOP, scheme)
    try:
        open_app(page, server, f"/board?room={room.code}")
        page.locator(f"{CHART} svg g.mark-line").first.wait_for(state="attached", timeout=TIMEOUT)
        parts = page.evaluate(_CHART_PARTS)
        assert parts["points"] and all(contrast(f, "#ffffff") >= 3 for f in parts["points"])
        assert all(re.search("[LHV]", d) for d in parts["line"]), parts["line"]
        odd = [t for t in parts["labels"] if re.fullmatch(r"\.\d+|.*\.\d{5,}", t)]
        assert not odd, parts["labels"]
    finally:
        page.context.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_axe_finds_no_wcag_violation_on_the_board(browser, server, room, view):
    size, scheme, query = VIEWS[view]
    page = new_page(browser, size, scheme)
    try:
        open_app(page, server, "/board" + query.format(code=room.code, token=room.token))
        if view != "join":
            page.locator(f"{CHART} svg, {CHART} canvas").first.wait_for(
                state="attached", timeout=TIMEOUT
            )
        if view == "teacher":
            act_and_wait(page, page.locator("summary", has_text="Teacher: links and tools").click)
            links = page.locator('[data-testid="stCode"]').all_inner_texts()
            projector = [link for link in links if "present=1" in link]
            assert len(projector) == 1 and room.token not in projector[0], links
        time.sleep(0.5)
        if view == "presenter":  # what the class sees first, then the rest
            screenshot(page, "board-presenter", full_page=False)
        whole_page(page, f"board-{view}" + ("-whole" if view == "presenter" else ""))
        assert not exceptions_on_page(page)
        if view == "presenter":
            assert room.token not in page.content()
            assert page.get_by_role("button", name=POST).count() == 0
        found = unlisted(wcag_violations(page))
        assert not found, f"board ({view}):\n" + "\n".join(str(v) for v in found)
    finally:
        page.context.close()


def test_the_projector_shows_a_new_post_without_a_click(browser, server, room):
    projector = new_page(browser, PROJECTOR)
    try:
        open_app(projector, server, f"/board?room={room.code}&present=1")
        projector.locator(CELL).first.wait_for(state="attached", timeout=TIMEOUT)
        newcomer = projector.locator(CELL, has_text=re.compile(r"^Cy$"))
        expect(newcomer).to_have_count(0)
        student, _ = post(browser, server, f"room={room.code}&smoothing=2", "Cy")
        student.context.close()
        expect(newcomer).to_have_count(1, timeout=15_000)
        assert not exceptions_on_page(projector)
    finally:
        projector.context.close()


def test_the_keyboard_reaches_the_room_code_and_opens_a_board(browser, server):
    page = new_page(browser)
    try:
        open_app(page, server, "/board")
        assert tab_to(page, "Room code").tag == "INPUT"
        assert tab_to(page, OPEN_ROOM).tag == "BUTTON"
        act_and_wait(page, lambda: page.keyboard.press("Enter"))
        page.wait_for_url(re.compile(r"room=[A-Z0-9]{6}&teacher="), timeout=TIMEOUT)
        wait_for_streamlit(page)
        expect(page.get_by_role("heading", name=re.compile(r"^Room [A-Z0-9]{6}$"))).to_be_visible()
    finally:
        page.context.close()
