"""Measurements of a page as a class sees it, in Chromium: is anything clipped, does the page
scroll sideways, how tall is the text of a picture. Shared by the layout tests and the
screenshots in docs/running-a-class.md."""

from __future__ import annotations

import time

from tests.browser.harness import wait_for_streamlit

PROJECTOR = {"width": 1280, "height": 720}
LARGE_PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}

# Widgets whose content can be cut off by a column too narrow for them.
_CLIPPED = """() => {
  const problems = [];
  const widgets = document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stElementContainer"]');
  for (const box of widgets) {
    const rect = box.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const name = box.className.match(/st-key-[^ ]+/)?.[0] || box.innerText.slice(0, 30);
    // The element sticks out of the column it sits in.
    const column = box.closest('[data-testid="stColumn"]') || box.parentElement;
    const limit = column.getBoundingClientRect();
    for (const inner of box.querySelectorAll('input, button, [data-testid="stWidgetLabel"]')) {
      const r = inner.getBoundingClientRect();
      // A slider's range input is drawn 1 pixel wide off to the side, for screen readers.
      if (r.width < 2 || inner.type === 'range') continue;
      if (r.right > limit.right + 2 || r.left < limit.left - 2)
        problems.push(`${name}: sticks out of its column`);
      // Text that does not fit its box (a number cut to "2.000", a label with "...").
      if (inner.tagName === 'INPUT' && inner.type !== 'range' && inner.type !== 'file'
          && inner.scrollWidth > inner.clientWidth + 1)
        problems.push(`${name}: its value is cut off`);
      if (inner.tagName === 'BUTTON' && inner.scrollWidth > inner.clientWidth + 1)
        problems.push(`${name}: a button's text is cut off`);
    }
    // Text shortened with "..." or hidden by its box: a button's label, a chosen option.
    for (const text of box.querySelectorAll('button *, [data-baseweb="select"] *, label *')) {
      const style = getComputedStyle(text);
      const hides = style.textOverflow === 'ellipsis' || style.overflow === 'hidden';
      if (hides && (text.innerText || '').trim() && text.scrollWidth > text.clientWidth + 1)
        problems.push(`${name}: "${(text.innerText || "").slice(0, 30)}" is cut off`);
    }
  }
  return [...new Set(problems)];
}"""

_SIDEWAYS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth,
                  main ? main.scrollWidth - main.clientWidth : 0);
}"""

_TEXT_HEIGHTS = """(selector) => Array.from(document.querySelectorAll(selector))
  .map(t => t.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.height)"""


def open_settled(page, url: str) -> None:
    page.goto(url)
    wait_for_streamlit(page, timeout_ms=120_000)
    time.sleep(1.0)  # charts and graphs lay themselves out after the run
    wait_for_streamlit(page)


def clipped_widgets(page) -> list[str]:
    return page.evaluate(_CLIPPED)


def sideways_scroll(page) -> int:
    """How many pixels the page itself scrolls sideways (0 is right)."""
    return page.evaluate(_SIDEWAYS)


def text_heights(page, selector: str) -> list[float]:
    """Rendered heights, in CSS pixels, of the text elements `selector` finds."""
    return page.evaluate(_TEXT_HEIGHTS, selector)
