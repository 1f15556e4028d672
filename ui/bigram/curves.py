"""Chart builders of the Bigram page's curves and bars: the loss per step, our engine
against torch, word lengths, and the sampling walk. Plain functions from numbers to an
Altair chart, testable without a browser (`chart.to_dict()`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.bigram.charts import CHOSEN_COLOR, cell_frame
from ui.charts import SERIES_COLORS, chart_height, configure_text, line_chart


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
    table = cell_frame(per_step, [str(k) for k in range(1, len(per_step) + 1)], labels)
    table = table.rename(columns={"context": "step", "next": "outcome", "value": column})
    table["step"] = table["step"].astype(int)
    table["chosen"] = table["outcome"] == np.asarray(chosen, dtype=object)[table["step"] - 1]
    return table


def _walk_bars(data: pd.DataFrame, labels: Sequence[str], column: str, y: alt.Y) -> alt.Chart:
    """The bars of the walk's step `WALK_STEP`, one per outcome, the drawn one in orange."""
    return (
        alt.Chart(data)
        .mark_bar()
        .transform_filter(f"datum.step === {WALK_STEP}")
        .encode(
            x=alt.X("outcome:N", sort=list(labels), title=None, axis=alt.Axis(labelAngle=0)),
            y=y,
            color=alt.condition(
                alt.datum.chosen, alt.value(CHOSEN_COLOR), alt.value(SERIES_COLORS[0])
            ),
            # The drawn character is outlined too: colour is never the only sign.
            stroke=alt.condition(alt.datum.chosen, alt.value("#111318"), alt.value(None)),
            strokeWidth=alt.condition(alt.datum.chosen, alt.value(3), alt.value(0)),
            tooltip=[alt.Tooltip("outcome:N"), alt.Tooltip(f"{column}:Q", format=".4f")],
        )
    )


def walk_probabilities(
    labels: Sequence[str],
    probs: Sequence[Sequence[float]],
    chosen: Sequence[str],
    *,
    shown_step: int = 1,
    height: int | None = None,
) -> alt.TopLevelMixin:
    """The distribution each step of a sampling walk drew from, the drawn character's bar in
    orange with a thick dark outline.
    Every step is in the data; the parameter `WALK_STEP` (1-based) picks the one drawn."""
    data = _walk_frame(labels, probs, "probability", chosen)
    bars = _walk_bars(data, labels, "probability", alt.Y("probability:Q", title="probability"))
    chart = bars.add_params(alt.param(name=WALK_STEP, value=shown_step)).properties(
        height=height or chart_height(220)
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
    y = alt.Y("running total:Q", scale=alt.Scale(domain=[0, 1]), title="cumulative probability")
    picked = f"datum.step === {WALK_STEP}"
    bars = _walk_bars(data, labels, "running total", y).add_params(
        alt.param(name=WALK_STEP, value=shown_step)
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
