"""What the Neuron page draws and differentiates: the lecture's neuron, or a typed formula.

`current_problem` works out the problem from the settings without drawing anything (a press
needs it before the widgets are drawn); `draw_controls` draws the widgets and the messages.
A formula the parser refuses, or values a step cannot be computed with, get a message and
the last formula that worked stays on screen (the box keeps what was typed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import streamlit as st

from engine import Value
from engine.expr import MAX_CHARACTERS, Expression, ExpressionError, parse
from models.neuron import NEURON_LEAVES, NEURON_WEIGHTS, build_neuron, neuron_formula
from ui.cache import shared_resource
from ui.neuron.settings import (
    LECTURE_VALUES,
    MAX_VARIABLES,
    NEW_VARIABLE_VALUE,
    SETTINGS,
    VARIABLE_LIMIT,
)
from ui.neuron.state import NeuronState
from ui.presenter import is_hidden
from ui.text import in_code, literal


@dataclass(frozen=True)
class Problem:
    """One computation to explore: a formula, its values, and how the engine builds it."""

    expression: Expression  # the same computation as text: torch and finite differences use it
    values: dict[str, float]  # leaf name -> number, in the order the table lists them
    builder: Callable[[Mapping[str, float]], tuple[Value, dict[str, Value]]]
    nudged: tuple[str, ...]  # what a nudge moves
    output_label: str
    is_neuron: bool

    @property
    def key(self) -> tuple:
        """Identifies the graph and its numbers (a walk or history belongs to one)."""
        return (self.expression.text, tuple(self.values.items()))

    def graph(self, values: Mapping[str, float] | None = None) -> tuple[Value, dict[str, Value]]:
        """A fresh engine graph for these values (or others), not yet backpropagated."""
        return self.builder(self.values if values is None else values)


@dataclass
class Shown:
    """The problem to draw, and what to tell the user about the one they asked for."""

    problem: Problem
    # The formula's variables and the values the settings give them (the sliders show
    # these, even when the values cannot be computed and the last good ones are drawn).
    variables: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    link_problems: list[str] = field(default_factory=list)


@shared_resource(max_entries=64)
def parsed(text: str) -> Expression:
    """Parsed formulas, shared by every user (an Expression is never changed after parsing)."""
    return parse(text)


def neuron_problem(values: Mapping[str, float], activation: str, tanh_as_exp: bool) -> Problem:
    tanh_as_exp = tanh_as_exp and activation == "tanh"

    def builder(numbers: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        return build_neuron(numbers, activation, tanh_as_exp=tanh_as_exp)

    return Problem(
        parsed(neuron_formula(activation, tanh_as_exp=tanh_as_exp)),
        {name: values[name] for name in NEURON_LEAVES},
        builder,
        NEURON_WEIGHTS,
        "o",
        is_neuron=True,
    )


def formula_problem(expression: Expression, values: dict[str, float]) -> Problem:
    return Problem(
        expression,
        values,
        expression.build,
        expression.variables,
        expression.output_name or "output",
        is_neuron=False,
    )


# ---- variable values: `a=2,b=-3.5` in the link --------------------------------------------


def encode_values(values: Mapping[str, float]) -> str:
    """`a=2,b=-3.5`: short, and every float reads back exactly."""
    return ",".join(f"{name}={_number_text(number)}" for name, number in values.items())


def _number_text(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def decode_values(text: str) -> tuple[dict[str, float], list[str]]:
    """Read `a=2,b=-3.5` into {name: number}; the second item lists what could not be read
    (as Markdown, the link's text in code spans)."""
    values: dict[str, float] = {}
    problems = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier() or name.startswith("__"):
            problems.append(f"{in_code(part, limit=30)} is not name=number")
            continue
        try:
            number = float(raw.strip()) if len(raw) <= 64 else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            problems.append(f"{literal(name)}: {in_code(raw.strip(), limit=30)} is not a number")
        elif abs(number) > VARIABLE_LIMIT:
            problems.append(
                f"{literal(name)}: {number:g} is outside -{VARIABLE_LIMIT:g}..{VARIABLE_LIMIT:g}"
            )
        else:
            values[name] = number + 0.0
    return values, problems


def default_value(name: str) -> float:
    return LECTURE_VALUES.get(name, NEW_VARIABLE_VALUE)


# ---- from the settings to the problem shown -------------------------------------------------


def current_problem(state: NeuronState) -> Shown:
    """The problem the settings describe, or the last one that worked and why."""
    values = SETTINGS.values
    if values["mode"] == "neuron":
        return Shown(neuron_problem(values, values["activation"], values["exp_form"]))
    shown = Shown(formula_problem(parsed(state.last_good[0]), dict(state.last_good[1])))
    text = values["formula"]
    try:
        if "`" in text:  # the parser refuses it too; refusing it here keeps the message short
            raise ExpressionError(
                "the character '`' is not allowed; use letters, digits, spaces and + - * / ** ( ) ="
            )
        expression = parsed(text)
    except ExpressionError as error:
        shown.errors.append(f"This formula cannot be read: {literal(str(error))}")
        expression = None
    if expression is not None and len(expression.variables) > MAX_VARIABLES:
        shown.errors.append(
            f"This formula has {len(expression.variables)} variables; the page gives "
            f"each a slider, so at most {MAX_VARIABLES}."
        )
        expression = None
    stored, shown.link_problems = decode_values(values["vars"])
    if expression is None:
        shown.notes.append(
            f"Still showing the last formula that worked: {in_code(state.last_good[0])}"
        )
        expression = shown.problem.expression
    chosen = {name: stored.get(name, default_value(name)) for name in expression.variables}
    shown.variables = chosen
    if shown.errors:
        return shown
    problem = formula_problem(expression, chosen)
    try:
        problem.graph()
    except ValueError as error:  # ArithmeticError from a step is reported as ValueError
        shown.errors.append(f"These values cannot be computed: {literal(str(error))}")
        last_values = encode_values(state.last_good[1])
        shown.notes.append(f"Still showing the last values that worked: {in_code(last_values)}")
        return shown
    shown.problem = problem
    return shown


def save_values(problem: Problem, values: Mapping[str, float]) -> None:
    """Write changed values (a nudge, an undo) back into the settings."""
    if problem.is_neuron:
        SETTINGS.update({name: values[name] for name in NEURON_LEAVES if name in values})
    else:
        SETTINGS.set("vars", encode_values(values))
        for name in values:
            for key in (_variable_key(name), _variable_key(name) + "#exact"):
                st.session_state.pop(key, None)


# ---- drawing the controls -----------------------------------------------------------------


def draw_controls(state: NeuronState) -> Problem:
    """Draw the controls of the mode, and its messages; return the problem to show."""
    if SETTINGS.widget("mode") == "neuron":
        _neuron_controls()
        return current_problem(state).problem
    text = SETTINGS.widget("formula")
    if len(text) >= MAX_CHARACTERS:  # the box (and Streamlit) cut longer text off silently
        st.warning(
            f"The formula box holds at most {MAX_CHARACTERS:,} characters, so anything typed "
            "or pasted beyond that was cut off.",
            icon=":material/content_cut:",
        )
    shown = current_problem(state)
    for error in shown.errors:
        st.error(error, icon=":material/error:")
    for note in shown.notes:
        st.caption(note)
    if shown.link_problems:
        st.warning(
            "Some variable values in the link could not be read and use their defaults: "
            + "; ".join(shown.link_problems),
            icon=":material/link_off:",
        )
        SETTINGS.set("vars", encode_values(decode_values(SETTINGS["vars"])[0]))
    problem = shown.problem
    if not shown.errors:
        state.last_good = (problem.expression.text, dict(problem.values))
    _variable_widgets(shown.variables)
    return problem


def _neuron_controls() -> None:
    inputs, weights, rest = st.columns(3, gap="medium")
    with inputs:
        st.markdown("**Inputs** (data)")
        for name in ("x1", "x2"):
            SETTINGS.widget(name)
    with weights:
        st.markdown("**Weights**")
        for name in ("w1", "w2"):
            SETTINGS.widget(name)
    with rest:
        st.markdown("**Bias and activation**")
        SETTINGS.widget("b")
        activation = SETTINGS.widget("activation")
        SETTINGS.widget("exp_form", disabled=activation != "tanh")


def _variable_key(name: str) -> str:
    return f"{SETTINGS.page}.var.{name}"


def _copy_variable(names: tuple[str, ...], name: str, source: str, target: str) -> None:
    """A variable's slider or exact entry changed: keep its twin and the link in step.
    The link keeps the values of the formula's variables only."""
    number = st.session_state[source]
    st.session_state[target] = number
    stored, _ = decode_values(SETTINGS["vars"])
    values = {other: stored.get(other, default_value(other)) for other in names}
    values[name] = float(number)
    SETTINGS.set("vars", encode_values(values))


def _variable_widgets(values: dict[str, float]) -> None:
    names = tuple(values)
    if is_hidden("vars") or not names:
        return
    columns = st.columns(3, gap="medium")
    bounds = {"min_value": -VARIABLE_LIMIT, "max_value": VARIABLE_LIMIT, "step": 0.01}
    for index, name in enumerate(names):
        slider_key = _variable_key(name)
        exact_key = slider_key + "#exact"
        for key in (slider_key, exact_key):
            if key not in st.session_state:
                st.session_state[key] = values[name]
        left, right = columns[index % 3].columns([3, 2], vertical_alignment="bottom")
        left.slider(
            literal(name),
            value=values[name],
            key=slider_key,
            format="%.4f",
            on_change=_copy_variable,
            args=(names, name, slider_key, exact_key),
            **bounds,
        )
        right.number_input(
            f"{literal(name)} (exact)",
            value=values[name],
            key=exact_key,
            label_visibility="collapsed",
            format="%.4f",
            on_change=_copy_variable,
            args=(names, name, exact_key, slider_key),
            **bounds,
        )
