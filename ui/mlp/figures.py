"""What the MLP page's live view shows beside its charts: the last step's figures, micrograd's
demo figures, the graph of one point's loss, the charts' data as tables, and the words a
screen reader hears for each chart."""

from __future__ import annotations

import math

import streamlit as st

from engine.graph import node_rows, to_dot
from models.mlp_training import (
    MAX_GRAPH_NODES,
    count_parameters,
    evaluate,
    point_loss_graph,
    predict_array,
)
from ui.mlp.charts import (
    history_frame,
    points_frame,
)
from ui.mlp.settings import DEMO_PRINTED, SETTINGS, architecture, is_demo
from ui.mlp.state import TrainingRun
from ui.text import in_code


def boundary_summary(run: TrainingRun) -> str:
    """What the decision boundary shows, in words and key numbers, for a screen reader."""
    trainer = run.trainer
    shape = architecture(trainer.nin, trainer.config)
    summary = f"Decision boundary of the {shape} network after {trainer.steps_done} steps"
    if trainer.history:
        last = trainer.history[-1]
        summary += f": {last.train_accuracy:.0%} of the {len(run.train)} training points"
        summary += " on the right side"
        if last.test_accuracy is not None:
            summary += f", {last.test_accuracy:.0%} of the {len(run.test)} test points"
    return summary + ". Class +1 blue circles, class -1 orange squares."


def curves_summary(title: str, data) -> str:
    """'Loss: train fell from 0.896 to 0.011 in 100 steps; ...', for a screen reader."""
    parts = []
    for curve, rows in data.groupby("curve", sort=False):
        first, last = rows["value"].iloc[0], rows["value"].iloc[-1]
        verb = "fell" if last < first else "rose" if last > first else "stayed"
        parts.append(f"{curve} {verb} from {first:.3g} to {last:.3g} in {len(rows)} steps")
    return f"{title}: " + "; ".join(parts) + "."


def draw_chart_tables(run: TrainingRun) -> None:
    trainer = run.trainer
    if trainer.nin == 2:
        st.markdown("**The points and the network's scores**")
        points = points_frame(run.train, run.test)
        points["score"] = predict_array(trainer.model, points[["x", "y"]].to_numpy())
        points["right side"] = (points["score"] > 0) == (points["label"] > 0)
        st.dataframe(points.drop(columns="class"), hide_index=True, width="stretch")
    st.markdown("**Loss and accuracy per step**")
    st.dataframe(history_frame(trainer.history), hide_index=True, width="stretch")


def draw_metrics(run: TrainingRun) -> None:
    """The last step's figures in one line (metric tiles get cut off in narrow columns)."""
    history = run.trainer.history
    if run.imported is not None:
        draw_imported_metrics(run)
    if not history:
        return
    last = history[-1]
    parts = [
        f"loss at step {last.step} **{_fmt(last.loss, '.6g')}**",
        f"train accuracy **{_fmt(last.train_accuracy, '.1%')}**",
    ]
    if last.test_accuracy is not None:
        parts.append(f"test accuracy **{_fmt(last.test_accuracy, '.1%')}**")
    parts.append(f"learning rate **{_fmt(last.learning_rate, '.4g')}**")
    st.markdown(" · ".join(parts))
    st.caption(
        f"The loss of step {last.step}'s batch, L2 included, before its update (the figure "
        f"micrograd's demo prints), to the last digit: {in_code(repr(last.loss))}"
    )
    if is_demo(run.settings):
        draw_demo_figures(run)


def draw_demo_figures(run: TrainingRun) -> None:
    """The losses micrograd's demo notebook printed, beside this run's, step by step."""
    history = run.trainer.history
    rows = [
        f"step {step}: notebook {in_code(repr(printed))}, this run "
        + (in_code(repr(history[step].loss)) if step < len(history) else "–")
        for step, printed in DEMO_PRINTED.items()
    ]
    st.caption("Micrograd's demo notebook printed · " + " · ".join(rows))


def draw_imported_metrics(run: TrainingRun) -> None:
    """How the imported network does on the data the settings describe."""
    trainer, config = run.trainer, run.trainer.config
    loss, accuracy = evaluate(
        trainer.model, trainer.X_train, trainer.y_train, config.loss, config.l2
    )
    parts = [
        f"on this data: train loss **{_fmt(loss, '.6g')}**",
        f"train accuracy **{_fmt(accuracy, '.1%')}**",
    ]
    if trainer.X_test:
        _, test_accuracy = evaluate(
            trainer.model, trainer.X_test, trainer.y_test, config.loss, config.l2
        )
        parts.append(f"test accuracy **{_fmt(test_accuracy, '.1%')}**")
    st.markdown("Imported network " + " · ".join(parts))


def _fmt(value: float, spec: str) -> str:
    return format(value, spec) if math.isfinite(value) else str(value)


def draw_graph(run: TrainingRun) -> bool:
    """One point's loss graph, or why it is not drawn; True if it was drawn."""
    dot = graph_dot(run, SETTINGS["point"])
    if dot is None:
        config, nin = run.trainer.config, run.trainer.nin
        st.caption(
            f"Drawn for networks whose graph for one point has at most {MAX_GRAPH_NODES} "
            f"values (2-2-1, 2-3-1 or 2-4-1, say); this {architecture(nin, config)} network "
            f"has {count_parameters(nin, config)} parameters, too many to read."
        )
        return False
    index = min(SETTINGS["point"], len(run.train)) - 1
    x, label = run.train.X[index], run.train.y[index]
    where = ", ".join(f"{v:.3f}" for v in x)
    st.caption(
        f"The loss of training point {index + 1} of {len(run.train)} (x = ({where}), label "
        f"{label:+d}) with the current weights: each box shows a value and d loss / d value "
        "(blue and +: positive, orange, dashed and −: negative). While this is open, training "
        "redraws after every "
        "step; close it to train faster."
    )
    st.graphviz_chart(dot, width="stretch")
    st.caption("The same graph as a table:")
    root = point_loss_graph(
        run.trainer.model, run.train.X[index], run.train.y[index], run.trainer.config.loss
    )
    st.dataframe(node_rows(root), hide_index=True, width="stretch")
    return True


def graph_dot(run: TrainingRun, point: int) -> str | None:
    """DOT text of the chosen training point's loss, or None for a network too large."""
    index = min(point, len(run.train)) - 1
    root = point_loss_graph(
        run.trainer.model, run.train.X[index], run.train.y[index], run.trainer.config.loss
    )
    if root is None:
        return None
    return to_dot(
        root, color_by_grad=True, rankdir="TB", number_format=".3f", max_nodes=MAX_GRAPH_NODES
    )
