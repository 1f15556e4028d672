"""Chart basics shared by the pages: sizes for presenter mode, the common chart builders,
and drawing a chart whose spec is built only when its inputs change.

Builders are plain functions from data to an Altair chart: nothing draws, so each one is
testable without a browser (`chart.to_dict()`). Page-specific charts live in the page's
package (ui/<page>/charts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ui.presenter import presenting
from ui.streamlit_private import vega_lite_spec

# Colours that stay distinguishable on a projector and for common colour blindness.
SERIES_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def chart_height(base: int = 300) -> int:
    """Taller charts in presenter mode, so the back row can read them."""
    return int(base * 1.5) if presenting() else base


def font_size(base: int = 12) -> int:
    return int(base * 1.5) if presenting() else base


def configure_text(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Axis and legend text sized for the mode (larger in presenter mode)."""
    size = font_size()
    return chart.configure_axis(labelFontSize=size, titleFontSize=size + 1).configure_legend(
        labelFontSize=size, titleFontSize=size
    )


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
        encoding["tooltip"].append(alt.Tooltip(f"{series}:N"))
    layers = [alt.Chart(data).mark_line(clip=True).encode(**encoding)]
    if reference_lines:
        lines = pd.DataFrame(
            {"line": list(reference_lines), "value": list(reference_lines.values())}
        )
        layers.append(
            alt.Chart(lines)
            .mark_rule(strokeDash=[6, 4], strokeWidth=2)
            .encode(
                y="value:Q",
                color=alt.Color(
                    "line:N", title=None, scale=alt.Scale(range=["#555555", "#999999"])
                ),
                tooltip=[alt.Tooltip("line:N"), alt.Tooltip("value:Q", format=".4f")],
            )
        )
    chart = alt.layer(*layers).resolve_scale(color="independent")
    chart = chart.properties(title=title, height=height or chart_height())
    return configure_text(chart)


def distribution_bars(
    labels: Sequence[str],
    probabilities: Sequence[float],
    *,
    highlight: str | None = None,
    title: str = "",
    height: int | None = None,
) -> alt.TopLevelMixin:
    """One bar per outcome (e.g. next character), the chosen one highlighted."""
    data = pd.DataFrame({"outcome": list(labels), "probability": list(probabilities)})
    data["chosen"] = data["outcome"] == highlight if highlight is not None else False
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("outcome:N", sort=None, title=None),
            y=alt.Y("probability:Q", title="probability"),
            color=alt.condition(
                alt.datum.chosen, alt.value("#d62728"), alt.value(SERIES_COLORS[0])
            ),
            tooltip=[alt.Tooltip("outcome:N"), alt.Tooltip("probability:Q", format=".4f")],
        )
        .properties(title=title, height=height or chart_height(220))
    )
    return configure_text(chart)


class SpecCache:
    """A page's built chart specs, one per chart name, rebuilt only when their key changes.

    Kept in the page's per-user state, so it stays as small as the page, and nothing a user
    computes from their own model is shared.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Any, Any]] = {}

    def get(self, name: str, key: Any, compute: Callable[[], Any]) -> Any:
        """The last value of `compute` for `name`, computed again only when `key` changes
        (or presenter mode, which sizes charts and their text)."""
        key = (key, presenting())
        hit = self._entries.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = compute()
        self._entries[name] = (key, value)
        return value

    def spec(self, name: str, key: Any, build: Callable[[], alt.TopLevelMixin]) -> dict:
        """The Vega-Lite spec of the chart `build()` makes, converted once per key."""
        return self.get(name, key, lambda: vega_lite_spec(build()))

    def draw(
        self,
        name: str,
        key: Any,
        build: Callable[[], alt.TopLevelMixin],
        where: Any = None,
        **options: Any,
    ) -> Any:
        """Draw the chart `build()` makes (options go to st.vega_lite_chart)."""
        spec = self.spec(name, key, build)
        # Streamlit moves the datasets out of the spec it is given: hand it a shallow copy.
        return (where or st).vega_lite_chart(spec=dict(spec), **options)
