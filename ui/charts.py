"""Chart basics shared by the pages: sizes for presenter mode, the common chart builders,
and drawing a chart whose spec is built only when its inputs change.

Builders are plain functions from data to an Altair chart: nothing draws, so each one is
testable without a browser (`chart.to_dict()`). Page-specific charts live in the page's
package (ui/<page>/charts.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ui.presenter import presenting
from ui.streamlit_private import vega_lite_spec

# Okabe and Ito's palette, made to stay apart for the common colour blindnesses (deuteranopia,
# protanopia; tests/test_colours.py simulates them): blue, vermillion, bluish green, near
# black, reddish purple, dark orange. Each has 3:1 or more against a white page.
SERIES_COLORS = ["#0072B2", "#D55E00", "#009E73", "#222222", "#CC79A7", "#B07800"]
# Curves are told apart by their dash as well as their colour: colour is never the only sign.
SERIES_DASHES = [[1, 0], [8, 4], [2, 3], [12, 3, 2, 3], [5, 5], [1, 4]]
REFERENCE_COLORS = ["#444444", "#222222"]
CHART_TEXT = "#1f2430"
REFERENCE_DASHES = [[6, 4], [2, 3]]
HIGHLIGHT_COLOR = "#D55E00"  # a chosen bar; it also gets a thick dark outline


def chart_height(base: int = 300) -> int:
    """Taller charts in presenter mode, so the back row can read them."""
    return int(base * 1.5) if presenting() else base


def font_size(base: int = 12) -> int:
    return int(base * 1.5) if presenting() else base


def configure_text(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Axis and legend text sized for the mode (larger in presenter mode), and the chart drawn
    as SVG rather than on a canvas: its text is then text a screen reader can find, and its
    description (see `described`) the chart's accessible name."""
    size = font_size()
    chart = chart.properties(usermeta={"embedOptions": {"renderer": "svg"}})
    # A white card with dark text, in light and dark mode alike: the theme's grey axis text
    # (#808495) has less than the 4.5:1 contrast WCAG AA asks of text.
    text = {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT}
    return (
        chart.configure(background="#ffffff")
        .configure_axis(labelFontSize=size, titleFontSize=size + 1, **text)
        .configure_legend(labelFontSize=size, titleFontSize=size, **text)
        .configure_title(color=CHART_TEXT)
    )


def described(chart: Any, summary: str) -> Any:
    """The chart (an Altair chart or a finished spec) with `summary` as its description, the
    short text a screen reader reads for it: what it shows and its key numbers."""
    if isinstance(chart, dict):
        return {**chart, "description": summary}
    return chart.properties(description=summary)


def data_table(label: str, key: str, build: Callable[[], pd.DataFrame]) -> None:
    """A chart's data as a table, in an expander under it: built only while it is open."""
    box = st.expander(label, key=key, on_change="rerun", icon=":material/table:")
    if box.open:
        with box:
            st.dataframe(build(), hide_index=True, width="stretch")


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None = None,
    title: str = "",
    x_title: str | None = None,
    y_title: str | None = None,
    reference_lines: Mapping[str, float] | None = None,
    log_y: bool = False,
    height: int | None = None,
    y_domain: tuple[float, float] | None = None,
) -> alt.TopLevelMixin:
    """Curves of `y` against `x`, one per value of `series`, with optional horizontal lines.

    `reference_lines` maps a label to a y value, e.g. {"counts model NLL": 2.4544}; each is
    drawn dashed and named in the legend, so a claim such as "the two models agree" is seen.
    `y_domain` fixes the y range (to zoom in on where curves meet); what falls outside is cut.
    """
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    if y_domain is not None:
        scale = alt.Scale(type="log" if log_y else "linear", domain=list(y_domain))
    encoding = {
        "x": alt.X(f"{x}:Q", title=x_title or x),
        "y": alt.Y(f"{y}:Q", title=y_title or y, scale=scale),
        "tooltip": [alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=".4f")],
    }
    if series:
        encoding["color"] = alt.Color(
            f"{series}:N", title=None, scale=alt.Scale(range=SERIES_COLORS)
        )
        encoding["strokeDash"] = alt.StrokeDash(
            f"{series}:N", title=None, scale=alt.Scale(range=SERIES_DASHES)
        )
        encoding["tooltip"].append(alt.Tooltip(f"{series}:N"))
    layers = [alt.Chart(data).mark_line(clip=True).encode(**encoding)]
    if reference_lines:
        lines = pd.DataFrame(
            {"line": list(reference_lines), "value": list(reference_lines.values())}
        )
        layers.append(
            alt.Chart(lines)
            .mark_rule(strokeWidth=2)
            .encode(
                y="value:Q",
                color=alt.Color("line:N", title=None, scale=alt.Scale(range=REFERENCE_COLORS)),
                strokeDash=alt.StrokeDash(
                    "line:N", title=None, scale=alt.Scale(range=REFERENCE_DASHES)
                ),
                tooltip=[alt.Tooltip("line:N"), alt.Tooltip("value:Q", format=".4f")],
            )
        )
    chart = alt.layer(*layers).resolve_scale(color="independent")
    chart = chart.properties(title=title, height=height or chart_height())
    return configure_text(chart)


class SpecStore:
    """Built chart specs (and what they are built from) shared by every session of the
    process: the least recently used go first once `max_entries` are kept.

    A chart's key says everything it is drawn from (a run's ident, a word list's key, the
    settings), so two students who look at the same thing get the same spec, built once;
    what one student computes from their own model has a key of its own. Entries are never
    changed after they are stored (the isolation tests fingerprint them).
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Any, threading.Lock] = {}  # key -> held while it is built

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The stored value for `key`, built by `compute` once: a class that asks for the
        same chart at the same moment (thirty students at step 10 of one shared run) waits
        for the one student who builds it, instead of building it thirty times."""
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
                building = self._building.get(key)
                if building is None:
                    building = self._building[key] = threading.Lock()
                    building.acquire()
                    break
            with building:  # someone else builds it: wait, then look again
                pass
        try:
            value = compute()
            with self._lock:
                self._entries[key] = value
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._building[key]
            building.release()

    def values(self) -> list[Any]:
        with self._lock:
            return list(self._entries.values())


@st.cache_resource(max_entries=1, show_spinner=False)
def shared_specs() -> SpecStore:
    """One store per process (cleared with Streamlit's caches). Like the line of trainings,
    a coordinator that changes by design; the specs in it do not."""
    return SpecStore(max_entries=256)


class SpecCache:
    """A page's chart specs by chart name, from the process's shared store: rebuilt only when
    their key changes, and built once for every student who asks for the same key."""

    def get(self, name: str, key: Any, compute: Callable[[], Any]) -> Any:
        """The value of `compute` for `name` and `key` (and presenter mode, which sizes charts
        and their text), computed once per process while it is kept."""
        return shared_specs().get((name, key, presenting()), compute)

    def spec(self, name: str, key: Any, build: Callable[[], alt.TopLevelMixin]) -> dict:
        """The Vega-Lite spec of the chart `build()` makes, converted once per key."""
        return self.get(name, key, lambda: vega_lite_spec(build()))

    def draw(
        self,
        name: str,
        key: Any,
        build: Callable[[], alt.TopLevelMixin],
        summary: str,
        where: Any = None,
        **options: Any,
    ) -> Any:
        """Draw the chart `build()` makes, with `summary` as what a screen reader reads for it
        (options go to st.vega_lite_chart)."""
        spec = self.spec(name, key, build)
        # Streamlit moves the datasets out of the spec it is given: hand it a shallow copy.
        return (where or st).vega_lite_chart(spec=described(spec, summary), **options)
