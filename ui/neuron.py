"""The Neuron page's settings and pieces: one neuron (or a typed formula) as a live graph, a
gradient check against finite differences and torch, a step-through of backpropagation,
nudges (gradient descent by hand) and the lecture's first derivative.

Everything the page shows is computed from a `Problem`: a parsed formula, its values, and how
to build the engine's graph for them. In neuron mode the graph is built with the lecture's
labels (models.neuron); in formula mode from the typed formula (engine.expr).

Per-user state besides the settings (session_state keys start with "neuron:"):
- "neuron:last-good": the last (formula, values) that built, drawn while the typed one fails;
- "neuron:walk": the step-through position and the problem it belongs to;
- "neuron:nudges": the nudge history and the values from before the first nudge;
- "neuron:tab": the open tab (only its content runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from engine import BackwardStep, Value, backward_steps, numeric_grad
from engine.expr import MAX_CHARACTERS, Expression, ExpressionError, parse
from engine.graph import GraphTooLargeError, to_dot, topological_order, trace
from models.neuron import (
    ACTIVATIONS,
    LECTURE_NEURON,
    NEURON_LEAVES,
    NEURON_WEIGHTS,
    build_neuron,
    central_difference,
    forward_difference,
    neuron_formula,
    nudge,
    parabola,
    parabola_slope,
)
from models.reference import TorchResult, torch_gradients
from ui.cache import shared_resource
from ui.charts import chart_height
from ui.settings import PageSettings, Setting, code_safe, is_hidden

PAGE = "neuron"
WEIGHT_LIMIT = 10.0  # sliders for x1, x2, w1, w2, b
VARIABLE_LIMIT = 20.0  # sliders for a formula's variables
MAX_VARIABLES = 12  # one slider each
GRAPH_LIMIT = 120  # Values drawn; bigger graphs take long to lay out and are unreadable
HISTORY_LENGTH = 10
H_CHOICES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12)
LECTURE_FORMULA = "L = (a*b + c) * f"
LECTURE_VALUES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
NEW_VARIABLE_VALUE = 1.0
MODES = {"neuron": "One neuron", "formula": "Your formula"}

TABS = ("Gradient check", "Step through backward", "Nudge", "What is a derivative?")
TAB_KEY = f"{PAGE}:tab"
LAST_GOOD_KEY = f"{PAGE}:last-good"
WALK_KEY = f"{PAGE}:walk"
NUDGES_KEY = f"{PAGE}:nudges"
NUDGE_NOTE_KEY = f"{PAGE}:nudge-note"

LEGEND = (
    "Each box: label | data | grad (d output / d node). Fill: "
    ":blue-background[positive gradient] :red-background[negative gradient], paler = smaller "
    "|grad|, white = 0."
)


def h_label(h: float) -> str:
    return f"1e{round(math.log10(h))}"


def _leaf_setting(name: str, role: str) -> Setting:
    return Setting(
        name,
        name,
        LECTURE_NEURON[name],
        min_value=-WEIGHT_LIMIT,
        max_value=WEIGHT_LIMIT,
        step=0.01,
        format="%.4f",
        widget="slider+number",
        help=role,
    )


SETTINGS = PageSettings(
    PAGE,
    [
        Setting(
            "mode",
            "Explore",
            "neuron",
            kind="choice",
            options=tuple(MODES),
            widget="segmented",
            option_labels=MODES.get,
        ),
        _leaf_setting("x1", "First input (data: a nudge leaves it alone)"),
        _leaf_setting("w1", "Weight of x1"),
        _leaf_setting("x2", "Second input (data: a nudge leaves it alone)"),
        _leaf_setting("w2", "Weight of x2"),
        _leaf_setting("b", "Bias. The lecture's 6.8813735870195432 makes n = 0.8814, o = 0.7071"),
        Setting(
            "activation",
            "Activation",
            "tanh",
            kind="choice",
            options=ACTIVATIONS,
            widget="segmented",
        ),
        Setting(
            "exp_form",
            "tanh as exponentials",
            False,
            kind="bool",
            help="The lecture's second version: e = exp(2n), o = (e - 1) / (e + 1). "
            "Same numbers, a bigger graph, and e gets its gradient from two places.",
        ),
        Setting(
            "formula",
            "Formula",
            LECTURE_FORMULA,
            kind="text",
            max_chars=MAX_CHARACTERS,
            help="+ - * / ** ( ), tanh exp log relu sigmoid, and `name =` for the output. "
            "Press Enter to apply.",
        ),
        Setting(
            "vars",
            "Variable values",
            "",
            kind="text",
            max_chars=600,
            help="name=value pairs, set by the sliders under the formula",
        ),
        Setting(
            "h",
            "Finite-difference step h",
            1e-6,
            kind="choice",
            options=H_CHOICES,
            widget="select_slider",
            option_labels=h_label,
        ),
        Setting(
            "nudge",
            "Step size",
            0.01,
            min_value=0.001,
            max_value=1.0,
            step=0.001,
            format="%.3f",
            widget="number",
            help="How far each value moves per unit of gradient",
        ),
        Setting(
            "tangent_x",
            "x",
            3.0,
            min_value=-4.0,
            max_value=4.0,
            step=0.01,
            format="%.4f",
            widget="slider+number",
        ),
    ],
)


# ---- the problem: what is drawn and differentiated ----------------------------------------


@dataclass(frozen=True)
class Problem:
    """One computation to explore: a formula, its values, and how the engine builds it."""

    expression: Expression  # the same computation as text: torch and finite differences use it
    values: dict[str, float]  # leaf name -> number, in the order the table lists them
    builder: Callable[[Mapping[str, float]], tuple[Value, dict[str, Value]]]
    nudged: tuple[str, ...]  # what a nudge moves
    save: Callable[[PageSettings, Mapping[str, float]], None]  # write values back to settings
    output_label: str

    @property
    def key(self) -> tuple:
        """Identifies the graph and its numbers (a walk or history belongs to one)."""
        return (self.expression.text, tuple(self.values.items()))

    def graph(self, values: Mapping[str, float] | None = None) -> tuple[Value, dict[str, Value]]:
        """A fresh engine graph for these values (or others), not yet backpropagated."""
        return self.builder(self.values if values is None else values)


@shared_resource(max_entries=64)
def parsed(text: str) -> Expression:
    """Parsed formulas, shared by every user (an Expression is never changed after parsing)."""
    return parse(text)


def neuron_problem(settings: PageSettings) -> Problem:
    """Draw the neuron's controls and return the neuron they describe."""
    inputs, weights, rest = st.columns(3, gap="medium")
    with inputs:
        st.markdown("**Inputs** (data)")
        for name in ("x1", "x2"):
            settings.widget(name)
    with weights:
        st.markdown("**Weights**")
        for name in ("w1", "w2"):
            settings.widget(name)
    with rest:
        st.markdown("**Bias and activation**")
        settings.widget("b")
        activation = settings.widget("activation")
        tanh_as_exp = settings.widget("exp_form", disabled=activation != "tanh")
    tanh_as_exp = tanh_as_exp and activation == "tanh"
    values = {name: settings[name] for name in NEURON_LEAVES}

    def builder(numbers: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        return build_neuron(numbers, activation, tanh_as_exp=tanh_as_exp)

    return Problem(
        parsed(neuron_formula(activation, tanh_as_exp=tanh_as_exp)),
        values,
        builder,
        NEURON_WEIGHTS,
        _save_neuron_values,
        "o",
    )


def _save_neuron_values(settings: PageSettings, values: Mapping[str, float]) -> None:
    settings.update({name: values[name] for name in NEURON_LEAVES if name in values})


# ---- formula mode -------------------------------------------------------------------------


def encode_values(values: Mapping[str, float]) -> str:
    """`a=2,b=-3.5`: short, and every float reads back exactly."""
    return ",".join(f"{name}={_number_text(number)}" for name, number in values.items())


def _number_text(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def decode_values(text: str) -> tuple[dict[str, float], list[str]]:
    """Read `a=2,b=-3.5` into {name: number}; the second item lists what could not be read."""
    values: dict[str, float] = {}
    problems = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip()
        shown = code_safe(part if len(part) <= 30 else part[:30] + "...")
        if not sep or not name.isidentifier() or name.startswith("__"):
            problems.append(f"`{shown}` is not name=number")
            continue
        try:
            number = float(raw.strip()) if len(raw) <= 64 else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            problems.append(f"{name}: `{code_safe(raw.strip()[:30])}` is not a number")
        elif abs(number) > VARIABLE_LIMIT:
            problems.append(
                f"{name}: {number:g} is outside -{VARIABLE_LIMIT:g}..{VARIABLE_LIMIT:g}"
            )
        else:
            values[name] = number
    return values, problems


def _default_value(name: str) -> float:
    return LECTURE_VALUES.get(name, NEW_VARIABLE_VALUE)


def _variable_key(name: str, part: str) -> str:
    return f"w:{PAGE}:var:{name}:{part}"


def _save_formula_values(settings: PageSettings, values: Mapping[str, float]) -> None:
    settings.set("vars", encode_values(values))
    for name in values:
        for part in ("slider", "number"):
            st.session_state.pop(_variable_key(name, part), None)


def _copy_variable(
    settings: PageSettings, names: tuple[str, ...], name: str, source: str, target: str
) -> None:
    """A variable's slider or exact entry changed: keep its twin and the link in step.
    The link keeps the values of the formula's variables only."""
    number = st.session_state[source]
    st.session_state[target] = number
    stored, _ = decode_values(settings["vars"])
    values = {other: stored.get(other, _default_value(other)) for other in names}
    values[name] = float(number)
    settings.set("vars", encode_values(values))


def _variable_widgets(settings: PageSettings, names: tuple[str, ...], values: dict) -> None:
    if is_hidden("vars") or not names:
        return
    columns = st.columns(3, gap="medium")
    for index, name in enumerate(names):
        slider_key, number_key = _variable_key(name, "slider"), _variable_key(name, "number")
        for key in (slider_key, number_key):
            if key not in st.session_state:
                st.session_state[key] = values[name]
        left, right = columns[index % 3].columns([3, 2], vertical_alignment="bottom")
        bounds = {"min_value": -VARIABLE_LIMIT, "max_value": VARIABLE_LIMIT, "step": 0.01}
        left.slider(
            name,
            key=slider_key,
            format="%.4f",
            on_change=_copy_variable,
            args=(settings, names, name, slider_key, number_key),
            **bounds,
        )
        right.number_input(
            f"{name} (exact)",
            key=number_key,
            label_visibility="collapsed",
            format="%.4f",
            on_change=_copy_variable,
            args=(settings, names, name, number_key, slider_key),
            **bounds,
        )


def _formula_problem_for(expression: Expression, values: dict[str, float]) -> Problem:
    return Problem(
        expression,
        values,
        expression.build,
        expression.variables,
        _save_formula_values,
        expression.output_name or "output",
    )


def formula_problem(settings: PageSettings) -> Problem:
    """Draw the formula box and one slider per variable; return what to show.

    A formula the parser refuses, or values a step cannot be computed with, get a message and
    the last formula that worked stays on screen (nothing the user typed is lost: the box
    keeps the text).
    """
    text = settings.widget("formula")
    if len(text) >= MAX_CHARACTERS:  # the box (and Streamlit) cut longer text off silently
        st.warning(
            f"The formula box holds at most {MAX_CHARACTERS:,} characters, so anything typed "
            "or pasted beyond that was cut off.",
            icon=":material/content_cut:",
        )
    last_text, last_values = st.session_state.get(LAST_GOOD_KEY, (LECTURE_FORMULA, LECTURE_VALUES))
    expression = None
    try:
        if "`" in text:  # the parser would refuse it too; refusing it here keeps messages clean
            raise ExpressionError(
                "the character '`' is not allowed; use letters, digits, spaces and + - * / ** ( ) ="
            )
        expression = parsed(text)
        if len(expression.variables) > MAX_VARIABLES:
            st.error(
                f"This formula has {len(expression.variables)} variables; the page gives "
                f"each a slider, so at most {MAX_VARIABLES}.",
                icon=":material/error:",
            )
            expression = None
    except ExpressionError as error:
        st.error(f"This formula cannot be read: {error}", icon=":material/error:")
    if expression is None:
        expression = parsed(last_text)
        st.caption(f"Still showing the last formula that worked: `{last_text}`")

    stored, problems = decode_values(settings["vars"])
    if problems:
        st.warning(
            "Some variable values in the link could not be read and use their defaults: "
            + "; ".join(problems),
            icon=":material/link_off:",
        )
        settings.set("vars", encode_values(stored))
    values = {name: stored.get(name, _default_value(name)) for name in expression.variables}
    _variable_widgets(settings, expression.variables, values)

    problem = _formula_problem_for(expression, values)
    try:
        problem.graph()
    except ValueError as error:  # ArithmeticError from a step is reported as ValueError
        st.error(f"These values cannot be computed: {error}", icon=":material/error:")
        st.caption(f"Still showing the last values that worked: `{encode_values(last_values)}`")
        return _formula_problem_for(parsed(last_text), dict(last_values))
    st.session_state[LAST_GOOD_KEY] = (expression.text, dict(values))
    return problem


# ---- the graph ----------------------------------------------------------------------------


def backpropagated(problem: Problem) -> tuple[Value, dict[str, Value]]:
    root, leaves = problem.graph()
    root.backward()
    return root, leaves


def show_graph(dot_source: Callable[[], str], size: int) -> None:
    """Draw a graph, or say why not when it is too large to lay out and read."""
    try:
        st.graphviz_chart(dot_source(), width="stretch")
    except GraphTooLargeError:
        st.info(
            f"This graph has {size} values. Drawing more than {GRAPH_LIMIT} takes the "
            "browser long and leaves every box too small to read, so only the numbers are "
            "shown; try a shorter formula to see the graph.",
            icon=":material/info:",
        )


def show_full_graph(problem: Problem, root: Value) -> None:
    metric, formula = st.columns([1, 4], vertical_alignment="center")
    metric.metric(f"Output {problem.output_label}", f"{root.data:.4f}")
    formula.markdown(f"Drawn: `{problem.expression.text}`")
    size = len(topological_order(root))
    show_graph(lambda: to_dot(root, color_by_grad=True, max_nodes=GRAPH_LIMIT), size)
    st.caption(LEGEND)


# ---- gradient check -----------------------------------------------------------------------


@dataclass
class GradientCheck:
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    largest_fd_difference: float = math.nan
    largest_torch_difference: float = math.nan


def gradient_check(problem: Problem, leaves: dict[str, Value], h: float) -> GradientCheck:
    """For every leaf: the engine's gradient, a central finite difference with step h (on the
    formula evaluated with plain floats), and torch's gradient, with the differences."""
    notes = []
    torch_result: TorchResult | None = None
    try:
        torch_result = torch_gradients(problem.expression, problem.values)
    except ValueError as error:
        notes.append(f"torch: {error}")

    def output() -> float:
        return problem.expression.evaluate({name: leaf.data for name, leaf in leaves.items()})

    rows = []
    for name in problem.values:
        leaf = leaves[name]
        try:
            estimate = numeric_grad(output, [leaf], h)[0]
        except (ValueError, ArithmeticError) as error:
            estimate = math.nan
            notes.append(f"finite difference for {name}: {error}")
        theirs = torch_result.grads[name] if torch_result else math.nan
        rows.append(
            {
                "leaf": name,
                "value": leaf.data,
                "engine grad": leaf.grad,
                "finite difference": estimate,
                "|fd - engine|": abs(estimate - leaf.grad),
                "torch grad": theirs,
                "|torch - engine|": abs(theirs - leaf.grad),
            }
        )
    columns = [
        "leaf",
        "value",
        "engine grad",
        "finite difference",
        "|fd - engine|",
        "torch grad",
        "|torch - engine|",
    ]
    table = pd.DataFrame(rows, columns=columns)
    return GradientCheck(
        table, notes, _largest(table["|fd - engine|"]), _largest(table["|torch - engine|"])
    )


def _largest(column: pd.Series) -> float:
    finite = [x for x in column if math.isfinite(x)]
    return max(finite) if finite else math.nan


def _difference_text(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.1e}"


def show_gradient_check(settings: PageSettings, problem: Problem, leaves: dict) -> None:
    h = settings.widget("h")
    check = gradient_check(problem, leaves, h)
    if check.table.empty:
        st.info("This formula has no variables, so there is nothing to differentiate.")
        return
    st.dataframe(
        check.table,
        hide_index=True,
        width="stretch",
        column_config={
            "value": st.column_config.NumberColumn(format="%.4f"),
            "engine grad": st.column_config.NumberColumn(format="%.10f"),
            "finite difference": st.column_config.NumberColumn(format="%.10f"),
            "torch grad": st.column_config.NumberColumn(format="%.10f"),
            "|fd - engine|": st.column_config.NumberColumn(format="%.1e"),
            "|torch - engine|": st.column_config.NumberColumn(format="%.1e"),
        },
    )
    left, right = st.columns(2)
    left.metric(
        f"Largest |finite difference - engine| at h = {h_label(h)}",
        _difference_text(check.largest_fd_difference),
    )
    right.metric("Largest |torch - engine|", _difference_text(check.largest_torch_difference))
    for note in check.notes:
        st.warning(note, icon=":material/warning:")
    st.caption(
        "Finite difference: (f(x + h) - f(x - h)) / 2h on the same formula with plain floats. "
        "Its error shrinks like h² as h gets smaller, until rounding (about 1e-16 / h) takes "
        "over: slide h down to 1e-10 or 1e-12 and watch the difference grow again. torch "
        "computes the same derivatives by its own autograd in float64 and agrees with the "
        "engine to about 1e-16."
    )


# ---- step-through backward ----------------------------------------------------------------

LOCAL_RULES = {
    "+": "d(a + b)/da = d(a + b)/db = 1: a sum passes its gradient on unchanged",
    "-": "d(a - b)/da = 1, d(a - b)/db = -1",
    "*": "d(a*b)/da = b, d(a*b)/db = a: each factor gets the other one",
    "/": "d(a/b)/da = 1/b, d(a/b)/db = -a/b²",
    "neg": "d(-a)/da = -1",
    "exp": "d exp(a)/da = exp(a), the node's own value",
    "log": "d log(a)/da = 1/a",
    "tanh": "d tanh(a)/da = 1 - tanh(a)², one minus the node's value squared",
    "relu": "d relu(a)/da = 1 if a > 0, else 0",
    "sigmoid": "d sigmoid(a)/da = s(1 - s), with s the node's value",
    "sum": "every term of a sum gets the sum's gradient",
    "dot": "each weight gets its input, each input its weight, the bias 1",
}


def local_rule(op: str) -> str:
    if op.startswith("**"):
        n = op[2:]
        return f"d(a**{n})/da = {n} * a**({n} - 1)"
    return LOCAL_RULES.get(op, "")


def _name(node: Value) -> str:
    return f"`{(node.label or format(node.data, 'g')).replace('`', chr(39))}`"


def _num(x: float) -> str:
    return f"{x:.6g}"


@dataclass
class Walk:
    """Backpropagation stopped after `len(steps)` of `total` steps, on a fresh graph."""

    root: Value
    leaves: dict[str, Value]
    steps: list[BackwardStep]
    total: int
    parents: dict[Value, list[Value]]

    @property
    def processed(self) -> set[Value]:
        return {step.node for step in self.steps}

    def reached(self) -> set[Value]:
        """Nodes whose gradient has been written so far (complete or still accumulating)."""
        shown = self.processed
        shown.update(child.child for step in self.steps for child in step.children)
        return shown


def walk_to(problem: Problem, position: int) -> Walk:
    root, leaves = problem.graph()
    nodes, edges = trace(root)
    parents: dict[Value, list[Value]] = {node: [] for node in nodes}
    for child, parent in edges:
        if parent not in parents[child]:
            parents[child].append(parent)
    steps = []
    position = max(0, min(position, len(nodes)))
    for step in backward_steps(root):
        if len(steps) == position:
            break
        steps.append(step)
    return Walk(root, leaves, steps, len(nodes), parents)


def chain_rule_lines(walk: Walk) -> list[str]:
    """What the latest step did, in words and numbers: one chain-rule line per child,
    local derivative × upstream gradient = what the child receives."""
    if not walk.steps:
        return []
    step = walk.steps[-1]
    node, name = step.node, _name(step.node)
    lines = []
    if node is walk.root:
        lines.append(
            f"{name} is the output, so its gradient is d{name}/d{name} = {_num(step.upstream)}."
        )
    if not node.children:
        lines.append(
            f"{name} is a leaf: its gradient {_num(step.upstream)} is complete, and "
            "there is nothing behind it to pass it to."
        )
        return lines
    rule = local_rule(node.op)
    lines.append(
        f"{name} (op `{node.op}`) has its complete gradient {_num(step.upstream)} and "
        f"passes it back to its inputs by the chain rule"
        + (f"; local derivative: {rule}." if rule else ".")
    )
    # What each child held before this step: its grad after its previous contribution.
    before: dict[Value, float] = {}
    for earlier in walk.steps[:-1]:
        for child in earlier.children:
            before[child.child] = child.grad_after
    processed = walk.processed
    for child in step.children:
        child_name = _name(child.child)
        line = (
            f"{child_name}: local {_num(child.local_grad)} × upstream "
            f"{_num(step.upstream)} = {_num(child.contribution)}"
        )
        previous = before.get(child.child)
        if previous is not None:
            line += (
                f"; added to the {_num(previous)} it already had: grad = {_num(child.grad_after)}"
            )
        before[child.child] = child.grad_after  # a child may fill two slots (a*a)
        waiting = [p for p in walk.parents[child.child] if p not in processed]
        if waiting:
            line += " (more to come from " + ", ".join(_name(p) for p in waiting) + ")"
        lines.append("- " + line)
    return lines


def _walk_state(problem: Problem) -> dict[str, Any]:
    state = st.session_state.get(WALK_KEY)
    if not state or state["key"] != problem.key:
        state = {"key": problem.key, "position": 0}
        st.session_state[WALK_KEY] = state
    return state


def _move_walk(key: tuple, position: int) -> None:
    st.session_state[WALK_KEY] = {"key": key, "position": position}


def show_step_through(problem: Problem) -> None:
    state = _walk_state(problem)
    walk = walk_to(problem, state["position"])
    position, total = len(walk.steps), walk.total
    buttons = st.columns(4)
    moves = [
        ("Reset", 0, position == 0, ":material/first_page:"),
        ("Previous", position - 1, position == 0, ":material/chevron_left:"),
        ("Next", position + 1, position == total, ":material/chevron_right:"),
        ("Run all", total, position == total, ":material/last_page:"),
    ]
    for column, (label, target, disabled, icon) in zip(buttons, moves, strict=True):
        column.button(
            label,
            key=f"{PAGE}:walk-{label.lower().replace(' ', '-')}",
            icon=icon,
            disabled=disabled,
            on_click=_move_walk,
            args=(problem.key, target),
            width="stretch",
        )
    st.progress(position / total if total else 0.0, text=f"Step {position} of {total}")
    if position == 0:
        st.markdown(
            "Press **Next**: backpropagation visits the nodes from the output back "
            "to the leaves (reverse topological order), so each node's gradient is "
            "complete before it is passed on."
        )
    else:
        st.markdown("\n".join(chain_rule_lines(walk)))
    current = walk.steps[-1].node if walk.steps else None
    show_graph(
        lambda: to_dot(
            walk.root,
            highlight=current,
            color_by_grad=True,
            grad_mask=walk.reached(),
            max_nodes=GRAPH_LIMIT,
        ),
        total,
    )
    st.caption(
        "Orange outline: the node whose turn it is. `grad ?`: not reached yet. "
        "A node that feeds several others collects a contribution from each."
    )
    reached = walk.reached()
    st.dataframe(
        pd.DataFrame(
            {
                "leaf": list(walk.leaves),
                "grad so far": [
                    repr(leaf.grad) if leaf in reached else "?" for leaf in walk.leaves.values()
                ],
            }
        ),
        hide_index=True,
        key=f"{PAGE}:walk-grads",
    )


# ---- nudges -------------------------------------------------------------------------------


def _history(problem: Problem) -> dict[str, Any]:
    history = st.session_state.get(NUDGES_KEY)
    if not history or history["formula"] != problem.expression.text:
        history = {"formula": problem.expression.text, "start": None, "rows": []}
        st.session_state[NUDGES_KEY] = history
    return history


def _apply_nudge(
    settings: PageSettings,
    problem: Problem,
    grads: dict,
    before: float,
    step: float,
    direction: int,
) -> None:
    limit = WEIGHT_LIMIT if problem.nudged == NEURON_WEIGHTS else VARIABLE_LIMIT
    result = nudge(
        problem.values, grads, problem.nudged, step, direction=direction, limits=(-limit, limit)
    )
    try:
        after = problem.graph(result.values)[0].data
    except ValueError as error:
        st.session_state[NUDGE_NOTE_KEY] = f"This nudge was not made: {error}"
        return
    history = _history(problem)
    if not history["rows"]:
        history["start"] = dict(problem.values)
    history["rows"] = [
        *history["rows"],
        {
            "nudge": "up" if direction > 0 else "down",
            "step": step,
            "before": before,
            "after": after,
            "change": after - before,
            "predicted": result.predicted_change,
        },
    ][-HISTORY_LENGTH:]
    if result.clipped:
        st.session_state[NUDGE_NOTE_KEY] = (
            f"{', '.join(result.clipped)} reached the edge of its range (±{limit:g}) and "
            "moved only that far."
        )
    problem.save(settings, result.values)


def _undo_nudges(settings: PageSettings, problem: Problem) -> None:
    history = _history(problem)
    if history["start"] is not None:
        problem.save(settings, history["start"])
    history["rows"], history["start"] = [], None


def show_nudges(settings: PageSettings, problem: Problem, root: Value, leaves: dict) -> None:
    what = (
        "the weights and the bias (w1, w2, b; the inputs x1, x2 are data and stay put)"
        if problem.nudged == NEURON_WEIGHTS
        else f"every variable ({', '.join(problem.nudged) or 'there are none'})"
    )
    st.markdown(
        f"A nudge moves {what} a small step along its gradient: "
        "value += step × grad to raise the output, -= to lower it. That is one step of "
        "gradient descent, the whole of training in one neuron. To first order the output "
        "changes by step × Σ grad²."
    )
    step = settings.widget("nudge", st.columns(3)[0])
    grads = {name: leaves[name].grad for name in problem.values}
    history = _history(problem)
    up, down, undo = st.columns(3)
    for column, label, direction, icon in (
        (up, "Nudge up", 1, ":material/arrow_upward:"),
        (down, "Nudge down", -1, ":material/arrow_downward:"),
    ):
        column.button(
            label,
            key=f"{PAGE}:nudge-{'up' if direction > 0 else 'down'}",
            icon=icon,
            disabled=not problem.nudged,
            on_click=_apply_nudge,
            width="stretch",
            args=(settings, problem, grads, root.data, step, direction),
        )
    undo.button(
        "Undo all nudges",
        key=f"{PAGE}:nudge-reset",
        icon=":material/undo:",
        disabled=not history["rows"],
        on_click=_undo_nudges,
        args=(settings, problem),
        width="stretch",
    )
    note = st.session_state.pop(NUDGE_NOTE_KEY, None)
    if note:
        st.warning(note, icon=":material/warning:")
    if history["rows"]:
        st.dataframe(
            pd.DataFrame(history["rows"]),
            hide_index=True,
            width="stretch",
            column_config={
                name: st.column_config.NumberColumn(format="%.6f")
                for name in ("before", "after", "change", "predicted")
            },
            key=f"{PAGE}:nudge-history",
        )
        st.caption(
            f"The last {HISTORY_LENGTH} nudges. 'predicted' is ± step × Σ grad²: close "
            "to the real change for small steps, further off for large ones."
        )


# ---- the derivative itself ----------------------------------------------------------------

PARABOLA_X = [i / 20 for i in range(-100, 101)]  # -5 .. 5
PARABOLA_CURVE = pd.DataFrame({"x": PARABOLA_X, "f(x)": [parabola(x) for x in PARABOLA_X]})


def derivative_chart(x: float) -> alt.LayerChart:
    """f(x) = 3x² - 4x + 5 with its tangent at x (slope 6x - 4) and the point of contact."""
    slope, y = parabola_slope(x), parabola(x)
    ends = [x - 2.0, x + 2.0]
    tangent = pd.DataFrame({"x": ends, "f(x)": [y + slope * (t - x) for t in ends]})
    x_scale = alt.Scale(domain=[-5, 5])
    y_scale = alt.Scale(domain=[-20, 110])
    encode = {"x": alt.X("x:Q", scale=x_scale), "y": alt.Y("f(x):Q", scale=y_scale)}
    curve = alt.Chart(PARABOLA_CURVE).mark_line(color="#1f77b4", clip=True).encode(**encode)
    line = alt.Chart(tangent).mark_line(color="#ff7f0e", strokeWidth=2, clip=True).encode(**encode)
    point = (
        alt.Chart(pd.DataFrame({"x": [x], "f(x)": [y]}))
        .mark_point(color="#ff7f0e", size=80, filled=True)
        .encode(
            **encode,
            tooltip=[alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("f(x):Q", format=".4f")],
        )
    )
    title = f"f(x) = 3x² - 4x + 5 and its tangent at x = {x:.4g} (slope {slope:.4g})"
    return alt.layer(curve, line, point).properties(title=title, height=chart_height(300))


def difference_table(x: float) -> pd.DataFrame:
    """The slope at x by forward and central differences for every h, beside the exact one."""
    exact = parabola_slope(x)
    rows = []
    for h in H_CHOICES:
        forward = forward_difference(parabola, x, h)
        central = central_difference(parabola, x, h)
        rows.append(
            {
                "h": h_label(h),
                "forward (f(x+h) - f(x)) / h": forward,
                "forward error": abs(forward - exact),
                "central (f(x+h) - f(x-h)) / 2h": central,
                "central error": abs(central - exact),
            }
        )
    return pd.DataFrame(rows)


def show_derivative(settings: PageSettings) -> None:
    st.markdown(
        "The lecture opens here: the derivative of f at x is how much f moves per unit "
        "nudge of x, (f(x + h) - f(x)) / h as h shrinks: the slope of the tangent."
    )
    x = settings.widget("tangent_x")
    chart_column, numbers = st.columns([3, 2])
    chart_column.altair_chart(derivative_chart(x), width="stretch")
    with numbers:
        st.metric("f(x)", f"{parabola(x):.6g}")
        st.metric("Exact slope 6x - 4", f"{parabola_slope(x):.6g}")
        st.caption("At x = 3: f = 20, slope 14; at x = 2/3 the slope is 0 (the bottom).")
    st.dataframe(
        difference_table(x),
        hide_index=True,
        width="stretch",
        column_config={
            "forward (f(x+h) - f(x)) / h": st.column_config.NumberColumn(format="%.12f"),
            "central (f(x+h) - f(x-h)) / 2h": st.column_config.NumberColumn(format="%.12f"),
            "forward error": st.column_config.NumberColumn(format="%.1e"),
            "central error": st.column_config.NumberColumn(format="%.1e"),
        },
        key=f"{PAGE}:differences",
    )
    st.caption(
        "The one-sided difference the lecture uses is off by 3h here; the central difference "
        "has no h² error for a parabola, so only rounding is left. Both go wrong for tiny h, "
        "where f(x + h) - f(x) keeps only a few significant digits."
    )
