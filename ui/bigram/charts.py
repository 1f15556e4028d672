"""Chart builders of the Bigram page's tables (counts, probabilities, weights) and of the
network's diagram: plain functions from numbers to an Altair chart (or a
DOT string), testable without a browser (`chart.to_dict()`).

Tables come in as nested sequences or arrays with their row and column labels; the page's ui
module reads the models and hands the numbers over, so nothing here knows about torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import SERIES_COLORS, chart_height, configure_text, font_size
from ui.presenter import presenting

HEATMAP_SELECTION = "pick"  # name of the click selection on the count heatmap
OUTLINED_ROW = "outlined_row"  # name of the parameter holding the outlined row
CHOSEN_COLOR = "#D55E00"  # a chosen row or bar; it also gets a thick outline


def cell_frame(
    table: Sequence[Sequence[float]], row_labels: Sequence[str], col_labels: Sequence[str]
) -> pd.DataFrame:
    values = np.asarray(table, dtype=float)
    if values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(
            f"a table of shape {values.shape} does not fit {len(row_labels)} row and "
            f"{len(col_labels)} column labels"
        )
    rows = np.repeat(np.arange(len(row_labels)), len(col_labels))
    cols = np.tile(np.arange(len(col_labels)), len(row_labels))
    return pd.DataFrame(
        {
            "context": np.asarray(row_labels, dtype=object)[rows],
            "next": np.asarray(col_labels, dtype=object)[cols],
            "value": values.reshape(-1),
        }
    )


CELL_RANGE = ("#f2f7fc", "#08306b")  # the count table's colours, from 0 to the largest count


def cell_colour(fraction: float) -> tuple[float, float, float]:
    """The sRGB colour (0-255) of a cell at `fraction` of the largest count: what Vega draws
    with interpolate="rgb", a straight line between the two ends of CELL_RANGE."""
    low, high = (
        np.array([int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)
        for c in CELL_RANGE
    )
    return tuple(low + fraction * (high - low))


def label_colour(cell: tuple[float, float, float]) -> str:
    """Black or white, whichever contrasts more with the cell (WCAG's relative luminance)."""
    channels = [c / 255 for c in cell]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with black: (L + 0.05) / 0.05; with white: 1.05 / (L + 0.05).
    return "#000000" if (luminance + 0.05) ** 2 >= 0.0525 else "#ffffff"


def count_heatmap(
    counts: Sequence[Sequence[int]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    selected_row: str | None = None,
    title: str = "",
    height: int | None = None,
) -> alt.TopLevelMixin:
    """The lecture's count matrix: one blue cell per (context, next character), labelled
    with its n-gram (context + next) above its count. Clicking a cell selects its row
    (selection `HEATMAP_SELECTION`, field "context"); `selected_row` is outlined.

    The outlined row is a Vega-Lite parameter (`OUTLINED_ROW`), not part of the data, so a
    page can move the outline by changing one value in a finished spec (see with_param)."""
    data = cell_frame(counts, row_labels, col_labels).rename(columns={"value": "count"})
    data["count"] = data["count"].astype(np.int64)
    data["ngram"] = data["context"] + data["next"]
    # Each label in black or white, whichever contrasts more with its cell's blue: one of the
    # two always reaches WCAG AA's 4.5:1 (tests/browser/test_accessibility.py measures them).
    most = max(int(data["count"].max()), 1)
    data["label"] = [label_colour(cell_colour(count / most)) for count in data["count"]]

    pick = alt.selection_point(name=HEATMAP_SELECTION, fields=["context"], on="click")
    row = alt.param(name=OUTLINED_ROW, value=selected_row or "")
    outlined = f"datum.context === {OUTLINED_ROW}"
    x = alt.X(
        "next:N",
        sort=list(col_labels),
        title="next character",
        axis=alt.Axis(orient="top", labelAngle=0),
    )
    y = alt.Y("context:N", sort=list(row_labels), title="context (previous characters)")
    base = alt.Chart(data).encode(x=x, y=y)
    cells = (
        base.mark_rect()
        .encode(
            color=alt.Color(
                "count:Q",
                # The cell's colour is known here too (cell_colour), for its label's colour.
                scale=alt.Scale(domain=[0, most], range=list(CELL_RANGE), interpolate="rgb"),
                title="count",
                legend=alt.Legend(orient="bottom", gradientLength=200),
            ),
            stroke=alt.condition(outlined, alt.value(CHOSEN_COLOR), alt.value(None)),
            strokeWidth=alt.condition(outlined, alt.value(2), alt.value(0)),
            tooltip=[
                alt.Tooltip("ngram:N", title="n-gram"),
                alt.Tooltip("count:Q", format=","),
            ],
        )
        .add_params(pick, row)
    )
    text_colour = alt.Fill("label:N", scale=None)  # not "color": the cells have that scale
    # Labels large enough to read from the back of a room; each cell is made wide enough for
    # its count, and the whole table scrolls sideways in its box on a narrow screen.
    size = 13 if presenting() else 12  # a 27-letter table still fits a projector's width
    ngram_text = base.mark_text(baseline="bottom", dy=-1, fontSize=size).encode(
        text="ngram:N", fill=text_colour
    )
    count_text = base.mark_text(baseline="top", dy=1, fontSize=size).encode(
        text=alt.Text("count:Q", format="d"), fill=text_colour
    )
    chart = alt.layer(cells, ngram_text, count_text).properties(
        # Drawn as SVG rather than on a canvas: each label is text a screen reader (and a
        # test measuring its size) can find.
        usermeta={"embedOptions": {"renderer": "svg"}},
        title=title,
        height=height or (2 * size + 10) * len(row_labels),
        width=int(size * 3.2) * len(col_labels),  # "5275": four digits and a margin
    )
    return configure_text(chart)


def with_param(spec: dict, name: str, value: object) -> dict:
    """A copy of a finished Vega-Lite spec with one top-level parameter's value changed
    (the datasets and everything else are shared with the original, not copied)."""
    params = [
        {**param, "value": value} if param.get("name") == name else param
        for param in spec.get("params", [])
    ]
    return {**spec, "params": params}


def selected_context(selection_state: Mapping | None) -> str | None:
    """The row a click on count_heatmap selected, from st.altair_chart's returned state."""
    if not selection_state:
        return None
    points = selection_state.get("selection", {}).get(HEATMAP_SELECTION) or []
    if points and isinstance(points[0], Mapping) and "context" in points[0]:
        return str(points[0]["context"])
    return None


SHOWN_ROW = "shown_row"  # name of the parameter choosing the row probability_rows shows


def probability_rows(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    counts_table: Sequence[Sequence[float]],
    neural_table: Sequence[Sequence[float]] | None = None,
    *,
    shown_row: str,
    title: str = "",
    height: int | None = None,
) -> alt.TopLevelMixin:
    """One row of a probability table: the counts model's as bars and, when given, the neural
    net's as black ticks on top, so where they differ is seen at once.

    The data holds every row and the Vega-Lite parameter `SHOWN_ROW` picks the one drawn, so
    showing another row changes one value in the finished spec (see with_param) instead of
    building a new chart."""
    counts = cell_frame(counts_table, row_labels, col_labels)
    counts = counts.rename(columns={"value": "probability"})
    x = alt.X("next:N", sort=list(col_labels), title="next character", axis=alt.Axis(labelAngle=0))
    picked = f"datum.context === {SHOWN_ROW}"
    row = alt.param(name=SHOWN_ROW, value=shown_row)
    bars = (
        alt.Chart(counts)
        .mark_bar(color=SERIES_COLORS[0])
        .transform_filter(picked)
        .encode(
            x=x,
            y=alt.Y("probability:Q", title="probability"),
            tooltip=[alt.Tooltip("next:N"), alt.Tooltip("probability:Q", format=".4f")],
        )
        .add_params(row)
    )
    layers = [bars]
    if neural_table is not None:
        neural = cell_frame(neural_table, row_labels, col_labels)
        neural = neural.rename(columns={"value": "neural net"})
        layers.append(
            alt.Chart(neural)
            .mark_tick(color="black", thickness=2, size=14)
            .transform_filter(picked)
            .encode(
                x=x,
                y="neural net:Q",
                tooltip=[alt.Tooltip("next:N"), alt.Tooltip("neural net:Q", format=".4f")],
            )
        )
    chart = alt.layer(*layers).properties(title=title, height=height or chart_height(200))
    return configure_text(chart)


def value_heatmap(
    table: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str = "",
    domain: tuple[float, float] | None = None,
    height: int | None = None,
) -> alt.Chart:
    """A heatmap of real numbers (weights, log-counts) on a diverging scale centred at 0.
    Cells that are not finite (log 0 = -inf) are left blank. A shared `domain` lets two
    heatmaps be compared colour for colour."""
    data = cell_frame(table, row_labels, col_labels)
    data = data[np.isfinite(data["value"])]
    # Blue for positive, orange for negative (a pair the common colour blindnesses keep apart).
    scale = alt.Scale(scheme="blueorange", reverse=True, domainMid=0)
    if domain is not None:
        scale = alt.Scale(scheme="blueorange", reverse=True, domainMid=0, domain=list(domain))
    chart = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "next:N",
                sort=list(col_labels),
                title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=font_size(11)),
            ),
            y=alt.Y(
                "context:N",
                sort=list(row_labels),
                title=None,
                axis=alt.Axis(labelFontSize=font_size(11)),
            ),
            color=alt.Color(
                "value:Q",
                scale=scale,
                title=None,
                legend=alt.Legend(orient="bottom", gradientLength=120),
            ),
            tooltip=[
                alt.Tooltip("context:N"),
                alt.Tooltip("next:N"),
                alt.Tooltip("value:Q", format=".3f"),
            ],
        )
        .properties(title=title, height=height or chart_height(15 * len(row_labels)))
    )
    return configure_text(chart)


def network_diagram(n: int, vocab_size: int) -> str:
    """DOT for the lecture's network: one-hot inputs, one linear layer without bias or
    non-linearity, softmax. For n > 2 the one-hot vectors of the n-1 context characters are
    concatenated."""
    inputs = (n - 1) * vocab_size
    one_hot = (
        f"one-hot of the previous character\\n{vocab_size} inputs"
        if n == 2
        else f"{n - 1} one-hot vectors, concatenated\\n{inputs} inputs"
    )
    return f"""digraph network {{
  rankdir=TB;
  node [shape=box, style="rounded,filled", fillcolor="#eef4fb", color="#1f77b4",
        fontname="Helvetica", fontsize=11];
  edge [color="#555555", fontname="Helvetica", fontsize=10];
  x [label="{one_hot}"];
  logits [label="logits = x @ W\\n{vocab_size} neurons, no bias,\\nno non-linearity"];
  counts [label="counts = exp(logits)"];
  probs [label="probs = counts / row sum\\n(softmax)"];
  loss [label="loss = mean(-log probs[label])\\n+ reg * mean(W**2)", fillcolor="#fdf1e6",
        color="#ff7f0e"];
  x -> logits [label="W: {inputs} x {vocab_size}"];
  logits -> counts -> probs -> loss;
}}"""
