"""A student with a keyboard and no mouse, in Chromium: move the focus with Tab, see where it
is, press what it is on. Shared by the accessibility tests."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

# What has the focus: its accessible name as a screen reader would start it (aria-label, the
# label of a form control, or its text), where it is, and whether the sticky header covers it.
_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  const name = (e.getAttribute('aria-label') || label || e.innerText || '').trim();
  const r = e.getBoundingClientRect();
  const header = document.querySelector('[data-testid="stHeader"]');
  const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  const inGrid = !!e.closest('[data-testid="stDataFrame"]') && e.tagName === 'TD';
  return {tag: e.tagName, name: name.replace(/\\s+/g, ' ').slice(0, 80),
          x: r.x, y: r.y, width: r.width, height: r.height,
          underHeader: !!(header && top && header.contains(top) && !header.contains(e)),
          offScreen: r.bottom < 0 || r.top > window.innerHeight,
          inGrid: inGrid};
}"""

# Material icon names Streamlit draws as text before a label ("play_arrow Train").
_ICON = re.compile(r"^[a-z_]+ (?=[A-Z])")


@dataclass(frozen=True)
class Focused:
    tag: str
    name: str
    x: float
    y: float
    width: float
    height: float
    under_header: bool
    off_screen: bool
    in_grid: bool  # a data grid's off-screen cell: the grid draws the focused cell on its canvas

    @property
    def label(self) -> str:
        """The name without a leading icon's ligature text."""
        return _ICON.sub("", self.name)

    def clip(self, margin: int = 6) -> dict:
        return {
            "x": max(self.x - margin, 0),
            "y": max(self.y - margin, 0),
            "width": self.width + 2 * margin,
            "height": self.height + 2 * margin,
        }


def focused(page) -> Focused | None:
    found = page.evaluate(_FOCUSED)
    if found is None:
        return None
    return Focused(
        found["tag"],
        found["name"],
        found["x"],
        found["y"],
        found["width"],
        found["height"],
        found["underHeader"],
        found["offScreen"],
        found["inGrid"],
    )


def tab_to(page, name: str | re.Pattern, *, limit: int = 200) -> Focused:
    """Press Tab until the focus is on the control called `name` (an exact label or a
    pattern); fail after `limit` presses, as a student would give up."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:
            continue
        if (isinstance(name, str) and now.label == name) or (
            isinstance(name, re.Pattern) and name.search(now.label)
        ):
            return now
    raise AssertionError(f"{name!r} cannot be reached with Tab in {limit} presses")


def focus_ring_pixels(page, where: Focused, settle: float = 0.08) -> int:
    """How many pixels around the focused element change when it loses the focus: 0 means a
    keyboard user cannot see where they are. The focus is given back afterwards, so Tab goes
    on from the same place."""
    import numpy as np
    from PIL import Image

    def picture() -> np.ndarray:
        png = page.screenshot(clip=where.clip(), animations="disabled")
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    with_focus = picture()
    page.evaluate("() => { window.__focused = document.activeElement; window.__focused.blur(); }")
    time.sleep(settle)
    without = picture()
    page.evaluate("() => window.__focused.focus()")
    time.sleep(settle)
    return int((np.abs(with_focus - without).sum(axis=2) > 30).sum())
