"""The MLP page's charts and tables: plain functions from data to a DataFrame or an Altair
chart, testable without a browser (`chart.to_dict()`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from data.toy2d import Dataset
from models.mlp_training import predict_array
from ui.charts import chart_height, configure_text

GRID_CELLS = 40  # the boundary heatmap is GRID_CELLS x GRID_CELLS
SCORE_CLIP = 2.0  # the heatmap's colour saturates at |score| = 2
# Class -1 vermillion squares, class +1 blue circles: told apart by shape as well as colour
# (Okabe and Ito's pair, which stays apart for the common colour blindnesses).
NEGATIVE_COLOR, POSITIVE_COLOR = "#D55E00", "#0072B2"
NEGATIVE_SHAPE, POSITIVE_SHAPE = "square", "circle"


def curve_frames(history, full_batch: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-format loss and accuracy curves (the batch's loss too for minibatches); numbers
    that are not finite are left out, so a diverged run still draws."""
    loss_rows, accuracy_rows = [], []
    for r in history:
        loss_rows.append((r.step, "train", r.train_loss))
        accuracy_rows.append((r.step, "train", r.train_accuracy))
        if not full_batch:
            loss_rows.append((r.step, "batch", r.loss))
        if r.test_loss is not None:
            loss_rows.append((r.step, "test", r.test_loss))
            accuracy_rows.append((r.step, "test", r.test_accuracy))
    frames = []
    for rows in (loss_rows, accuracy_rows):
        frame = pd.DataFrame(rows, columns=["step", "curve", "value"])
        frames.append(frame[np.isfinite(frame["value"].to_numpy(dtype=float))])
    return frames[0], frames[1]


def grid_frame(model, train: Dataset, test: Dataset, cells: int = GRID_CELLS) -> pd.DataFrame:
    """The network's score on a cells x cells grid covering the points (with a margin)."""
    points = np.array([*train.X, *test.X], dtype=float)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * 0.1, 0.5)
    low, high = low - pad, high + pad
    xs = np.linspace(low[0], high[0], cells + 1)
    ys = np.linspace(low[1], high[1], cells + 1)
    x0, y0 = np.meshgrid(xs[:-1], ys[:-1])
    x1, y1 = np.meshgrid(xs[1:], ys[1:])
    centres = np.column_stack([((x0 + x1) / 2).ravel(), ((y0 + y1) / 2).ravel()])
    scores = predict_array(model, centres)
    frame = pd.DataFrame(
        {"x": x0.ravel(), "x2": x1.ravel(), "y": y0.ravel(), "y2": y1.ravel(), "score": scores}
    )
    return frame[np.isfinite(scores)]


def points_frame(train: Dataset, test: Dataset) -> pd.DataFrame:
    rows = [
        (x, y, label, split)
        for split, data in (("train", train), ("test", test))
        for (x, y), label in zip(data.X, data.y, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["x", "y", "label", "split"])
    frame["class"] = np.where(frame["label"] > 0, "+1", "-1")
    return frame


def decision_boundary_chart(grid: pd.DataFrame, points: pd.DataFrame) -> alt.LayerChart:
    """A heatmap of the score (rect marks) with the points on top: class -1 orange squares,
    +1 blue circles, the same sign convention as the loss (a positive score predicts +1, and
    its background is blue); test points hollow.

    Channels are spelled out as objects: Altair parses shorthand strings ("x:Q") through a
    slow path, and this chart is rebuilt at every live update.
    """
    if grid.empty:
        scale_x = scale_y = alt.Scale()
    else:
        scale_x = alt.Scale(domain=[float(grid["x"].min()), float(grid["x2"].max())], nice=False)
        scale_y = alt.Scale(domain=[float(grid["y"].min()), float(grid["y2"].max())], nice=False)
    heat = (
        alt.Chart(grid)
        .mark_rect(opacity=0.85)
        .encode(
            x=alt.X("x", type="quantitative", scale=scale_x, title="x1"),
            x2=alt.X2("x2"),
            y=alt.Y("y", type="quantitative", scale=scale_y, title="x2"),
            y2=alt.Y2("y2"),
            color=alt.Color(
                "score",
                type="quantitative",
                scale=alt.Scale(
                    scheme="blueorange",
                    reverse=True,  # a positive score (predicts +1) blue, a negative orange
                    domain=[-SCORE_CLIP, SCORE_CLIP],
                    clamp=True,
                ),
                legend=alt.Legend(title="score"),
            ),
            tooltip=[alt.Tooltip("score", type="quantitative", format=".3f")],
        )
    )
    class_colors = alt.Scale(domain=["-1", "+1"], range=[NEGATIVE_COLOR, POSITIVE_COLOR])
    class_shapes = alt.Scale(domain=["-1", "+1"], range=[NEGATIVE_SHAPE, POSITIVE_SHAPE])
    encoding = {
        "x": alt.X("x", type="quantitative"),
        "y": alt.Y("y", type="quantitative"),
        "color": alt.Color("class", type="nominal", scale=class_colors, title="class"),
        "shape": alt.Shape("class", type="nominal", scale=class_shapes, title="class"),
        "tooltip": [
            alt.Tooltip("x", type="quantitative", format=".3f"),
            alt.Tooltip("y", type="quantitative", format=".3f"),
            alt.Tooltip("class", type="nominal"),
            alt.Tooltip("split", type="nominal"),
        ],
    }
    train = (
        alt.Chart(points[points["split"] == "train"])
        .mark_point(size=50, filled=True, opacity=1, stroke="white", strokeWidth=0.8)
        .encode(**encoding)
    )
    # One legend (the training points'): the hollow test points are named in the caption.
    hollow = {
        **encoding,
        "color": alt.Color("class", type="nominal", scale=class_colors, legend=None),
        "shape": alt.Shape("class", type="nominal", scale=class_shapes, legend=None),
    }
    test = (
        alt.Chart(points[points["split"] == "test"])
        .mark_point(size=60, filled=False, strokeWidth=2, opacity=1)
        .encode(**hollow)
    )
    chart = alt.layer(heat, train, test).properties(
        height=chart_height(380), title="Decision boundary"
    )
    return configure_text(chart)  # axis and legend type: larger in presenter mode


def history_frame(history) -> pd.DataFrame:
    """One row per step, as the loss-history CSV: what the step saw before its update."""
    columns = {
        "step": "step",
        "learning_rate": "learning_rate",
        "batch_loss": "loss",
        "train_loss": "train_loss",
        "train_accuracy": "train_accuracy",
        "test_loss": "test_loss",
        "test_accuracy": "test_accuracy",
    }
    return pd.DataFrame(
        [[getattr(record, field) for field in columns.values()] for record in history],
        columns=list(columns),
    )


def predictions_table(model, train: Dataset, test: Dataset) -> pd.DataFrame:
    """Each point of 3-D data with its target and the network's score."""
    rows = []
    for split, data in (("train", train), ("test", test)):
        if not len(data):
            continue
        for x, label, score in zip(data.X, data.y, model.predict(data.X), strict=True):
            rows.append(
                {
                    **{f"x{i + 1}": v for i, v in enumerate(x)},
                    "target": label,
                    "prediction": score,
                    "correct sign": (score > 0) == (label > 0),
                    "split": split,
                }
            )
    return pd.DataFrame(rows)


def weights_table(model, initial_weights) -> pd.DataFrame:
    params = model.parameters()
    return pd.DataFrame(
        {
            "parameter": [p.label for p in params],
            "value": [p.data for p in params],
            "initial": list(initial_weights),
        }
    )
