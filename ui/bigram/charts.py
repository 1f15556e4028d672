"""Chart builders of the Bigram page: plain functions from numbers to an Altair chart (or a
DOT string), testable without a browser (`chart.to_dict()`).

Tables come in as nested sequences or arrays with their row and column labels; the page's ui
module reads the models and hands the numbers over, so nothing here knows about torch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import SERIES_COLORS, chart_height, configure_text, font_size, line_chart

HEATMAP_SELECTION = "pick"  # name of the click selection on the count heatmap
OUTLINED_ROW = "outlined_row"  # name of the parameter holding the outlined row
CHOSEN_COLOR = "#d62728"


def _cell_frame(
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
    data = _cell_frame(counts, row_labels, col_labels).rename(columns={"value": "count"})
    data["count"] = data["count"].astype(np.int64)
    data["ngram"] = data["context"] + data["next"]
    # Dark cells get white text, as a label must stay readable on any shade of blue.
    data["dark"] = data["count"] > 0.55 * max(int(data["count"].max()), 1)

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
                scale=alt.Scale(scheme="blues"),
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
    text_color = alt.condition(alt.datum.dark, alt.value("white"), alt.value("#555555"))
    ngram_text = base.mark_text(baseline="bottom", dy=-1, fontSize=10).encode(
        text="ngram:N", color=text_color
    )
    count_text = base.mark_text(baseline="top", dy=1, fontSize=10).encode(
        text=alt.Text("count:Q", format="d"), color=text_color
    )
    chart = alt.layer(cells, ngram_text, count_text).properties(
        title=title, height=height or chart_height(30 * len(row_labels))
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
    counts = _cell_frame(counts_table, row_labels, col_labels)
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
        neural = _cell_frame(neural_table, row_labels, col_labels)
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
    data = _cell_frame(table, row_labels, col_labels)
    data = data[np.isfinite(data["value"])]
    scale = alt.Scale(scheme="redblue", reverse=True, domainMid=0)
    if domain is not None:
        scale = alt.Scale(scheme="redblue", reverse=True, domainMid=0, domain=list(domain))
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(
                "next:N",
                sort=list(col_labels),
                title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=font_size(9)),
            ),
            y=alt.Y(
                "context:N",
                sort=list(row_labels),
                title=None,
                axis=alt.Axis(labelFontSize=font_size(9)),
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
        .properties(title=title, height=height or chart_height(14 * len(row_labels)))
    )


def loss_curves(
    train: Sequence[float],
    dev: Sequence[float] | None,
    reference_lines: Mapping[str, float],
    *,
    zoom: bool = False,
    title: str = "",
    height: int | None = None,
) -> alt.TopLevelMixin:
    """The neural model's data loss on train (and dev) per step, with the counts model's NLL
    as dashed horizontal lines. Non-finite reference values are left out (no line at inf).

    zoom fixes the y axis to the span of the curves' last values and the lines, where the
    lecture's claim (the two models agree) is decided; the early steps fall off the top.
    """
    frames = [pd.DataFrame({"step": range(len(train)), "loss": list(train), "split": "train"})]
    if dev:
        frames.append(pd.DataFrame({"step": range(len(dev)), "loss": list(dev), "split": "dev"}))
    data = pd.concat(frames, ignore_index=True)
    finite = {label: value for label, value in reference_lines.items() if math.isfinite(value)}
    y_domain = None
    if zoom and len(train):
        ends = [
            v
            for v in (train[-1], dev[-1] if dev else math.nan, *finite.values())
            if math.isfinite(v)
        ]
        if ends:
            y_domain = (min(ends) - 0.01, max(ends) + 0.05)
    return line_chart(
        data,
        x="step",
        y="loss",
        series="split",
        title=title,
        x_title="training step",
        y_title="mean NLL",
        reference_lines=finite or None,
        height=height,
        y_domain=y_domain,
    )


def engine_torch_curves(
    engine: Sequence[float], torch_losses: Sequence[float], *, height: int | None = None
) -> alt.TopLevelMixin:
    """The loss per step of our engine and of torch, one on top of the other: torch wide and
    pale, the engine thin and dark over it, so both stay visible where they coincide."""
    if len(engine) != len(torch_losses):
        raise ValueError("the two loss histories must have the same number of steps")
    steps = range(len(engine))
    curves = pd.concat(
        [
            pd.DataFrame({"step": steps, "loss": list(torch_losses), "trained with": "torch"}),
            pd.DataFrame({"step": steps, "loss": list(engine), "trained with": "our engine"}),
        ],
        ignore_index=True,
    )
    methods = ["torch", "our engine"]
    color = alt.Color(
        "trained with:N",
        title=None,
        legend=alt.Legend(orient="bottom"),
        scale=alt.Scale(domain=methods, range=[SERIES_COLORS[1], SERIES_COLORS[0]]),
    )
    base = alt.Chart(curves).encode(
        x=alt.X("step:Q", title="training step"),
        y=alt.Y("loss:Q", title="loss (with reg)", scale=alt.Scale(zero=False)),
        color=color,
        tooltip=[
            alt.Tooltip("step:Q"),
            alt.Tooltip("trained with:N"),
            alt.Tooltip("loss:Q", format=".7f"),
        ],
    )
    wide = base.mark_line(strokeWidth=7, opacity=0.45).transform_filter(
        alt.datum["trained with"] == "torch"
    )
    thin = base.mark_line(strokeWidth=1.5).transform_filter(
        alt.datum["trained with"] == "our engine"
    )
    chart = alt.layer(wide, thin).properties(height=height or chart_height(260))
    return configure_text(chart)


def engine_torch_gaps(
    engine: Sequence[float], torch_losses: Sequence[float], *, height: int | None = None
) -> alt.TopLevelMixin:
    """|engine - torch| per step on a log scale. Steps where the two agree exactly have no
    place on a log scale and are left out."""
    if len(engine) != len(torch_losses):
        raise ValueError("the two loss histories must have the same number of steps")
    gaps = pd.DataFrame(
        {
            "step": range(len(engine)),
            "difference": np.abs(
                np.asarray(engine, dtype=float) - np.asarray(torch_losses, dtype=float)
            ),
        }
    )
    gaps = gaps[gaps["difference"] > 0]
    chart = (
        alt.Chart(gaps)
        .mark_circle(size=16, color=SERIES_COLORS[3])
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y(
                "difference:Q",
                title="|difference|",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format=".0e", tickCount=4),
            ),
            tooltip=[alt.Tooltip("step:Q"), alt.Tooltip("difference:Q", format=".2e")],
        )
        .properties(height=height or chart_height(170))
    )
    return configure_text(chart)


def length_histogram(words: Sequence[str], *, height: int | None = None) -> alt.TopLevelMixin:
    """How many words have each length."""
    lengths = pd.Series([len(w) for w in words], dtype="int64").value_counts().sort_index()
    data = pd.DataFrame({"length": lengths.index, "words": lengths.to_numpy()})
    chart = (
        alt.Chart(data)
        .mark_bar(color=SERIES_COLORS[0])
        .encode(
            x=alt.X("length:O", title="word length (characters)"),
            y=alt.Y("words:Q", title="words"),
            tooltip=[alt.Tooltip("length:O"), alt.Tooltip("words:Q", format=",")],
        )
        .properties(height=height or chart_height(180))
    )
    return configure_text(chart)


WALK_STEP = "walk_step"  # name of the parameter choosing the step the walk charts show


def _walk_frame(
    labels: Sequence[str], per_step: Sequence[Sequence[float]], column: str, chosen: Sequence[str]
) -> pd.DataFrame:
    table = _cell_frame(per_step, [str(k) for k in range(1, len(per_step) + 1)], labels)
    table = table.rename(columns={"context": "step", "next": "outcome", "value": column})
    table["step"] = table["step"].astype(int)
    table["chosen"] = table["outcome"] == np.asarray(chosen, dtype=object)[table["step"] - 1]
    return table


def walk_probabilities(
    labels: Sequence[str],
    probs: Sequence[Sequence[float]],
    chosen: Sequence[str],
    *,
    shown_step: int = 1,
    height: int | None = None,
) -> alt.TopLevelMixin:
    """The distribution each step of a sampling walk drew from, the drawn character in red.
    Every step is in the data; the parameter `WALK_STEP` (1-based) picks the one drawn."""
    data = _walk_frame(labels, probs, "probability", chosen)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .transform_filter(f"datum.step === {WALK_STEP}")
        .encode(
            x=alt.X("outcome:N", sort=list(labels), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("probability:Q", title="probability"),
            color=alt.condition(
                alt.datum.chosen, alt.value(CHOSEN_COLOR), alt.value(SERIES_COLORS[0])
            ),
            tooltip=[alt.Tooltip("outcome:N"), alt.Tooltip("probability:Q", format=".4f")],
        )
        .add_params(alt.param(name=WALK_STEP, value=shown_step))
        .properties(height=height or chart_height(220))
    )
    return configure_text(chart)


def walk_running_totals(
    labels: Sequence[str],
    cumulative: Sequence[Sequence[float]],
    us: Sequence[float],
    chosen: Sequence[str],
    *,
    shown_step: int = 1,
    height: int | None = None,
) -> alt.TopLevelMixin:
    """Inverse-CDF sampling drawn, step by step: the running total of the probabilities, a
    line at the random number u, and the chosen character, the first bar that reaches above
    the line. The parameter `WALK_STEP` (1-based) picks the step drawn."""
    data = _walk_frame(labels, cumulative, "running total", chosen)
    picked = f"datum.step === {WALK_STEP}"
    bars = (
        alt.Chart(data)
        .mark_bar()
        .transform_filter(picked)
        .encode(
            x=alt.X("outcome:N", sort=list(labels), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "running total:Q", scale=alt.Scale(domain=[0, 1]), title="cumulative probability"
            ),
            color=alt.condition(
                alt.datum.chosen, alt.value(CHOSEN_COLOR), alt.value(SERIES_COLORS[0])
            ),
            tooltip=[alt.Tooltip("outcome:N"), alt.Tooltip("running total:Q", format=".4f")],
        )
        .add_params(alt.param(name=WALK_STEP, value=shown_step))
    )
    draws = pd.DataFrame(
        {"step": range(1, len(us) + 1), "u": list(us), "label": [f"u = {u:.4f}" for u in us]}
    )
    rule = (
        alt.Chart(draws)
        .mark_rule(color="black", strokeDash=[6, 3], strokeWidth=2)
        .transform_filter(picked)
        .encode(y="u:Q", tooltip=[alt.Tooltip("u:Q", format=".4f")])
    )
    text = (
        alt.Chart(draws)
        .mark_text(align="left", dx=4, dy=-8, x=0)
        .transform_filter(picked)
        .encode(y="u:Q", text="label:N")
    )
    chart = alt.layer(bars, rule, text).properties(height=height or chart_height(220))
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
