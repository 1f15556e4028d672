"""The Neuron page's computation graph: every node's value and gradient, coloured by sign."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from engine import Value
from engine.graph import GraphTooLargeError, node_rows, to_dot, topological_order
from ui.charts import data_table
from ui.layout import wide_picture
from ui.neuron.problem import Problem
from ui.neuron.settings import GRAPH_LIMIT
from ui.text import in_code, literal

LEGEND = (
    "Each box: label, data, grad (d output / d node, with its sign). A positive gradient "
    "is filled blue, a negative one orange with a dashed border; paler = smaller |grad|, "
    "white = 0."
)


def backpropagated(problem: Problem) -> tuple[Value, dict[str, Value]]:
    root, leaves = problem.graph()
    root.backward()
    return root, leaves


def show_graph(dot_source: Callable[[], str], size: int, name: str) -> None:
    """Draw a graph at its natural size (its text as legible on a projector as on a phone,
    scrolling inside its box when wider), or say why not when it is too large to read."""
    try:
        dot = dot_source()
    except GraphTooLargeError:
        st.info(
            f"This graph has {size} values. Drawing more than {GRAPH_LIMIT} takes the "
            "browser long and leaves every box too small to read, so only the numbers are "
            "shown; try a shorter formula to see the graph.",
            icon=":material/info:",
        )
        return
    with wide_picture(name):
        st.graphviz_chart(dot, width="content")


def show_full_graph(problem: Problem, root: Value) -> None:
    metric, formula = st.columns([1, 4], vertical_alignment="center")
    metric.metric(f"Output {literal(problem.output_label)}", f"{root.data:.4f}")
    formula.markdown(f"Drawn: {in_code(problem.expression.text)}")
    size = len(topological_order(root))
    show_graph(
        lambda: to_dot(root, color_by_grad=True, rankdir="TB", max_nodes=GRAPH_LIMIT),
        size,
        "neuron-graph",
    )
    st.caption(LEGEND)
    data_table("The graph as a table", "neuron.graph-table", lambda: node_rows(root))
