"""The Neuron page driven through AppTest, checked against independent references: the lecture's
printed figures, hand-worked derivatives and torch autograd written out in these tests."""

from __future__ import annotations

import math
import re

import pytest
import torch

from models.neuron import LECTURE_NEURON, build_neuron
from tests.apptest_helpers import exception_messages, open_page, set_session, shown, start_app
from ui.cache import mutated_resources

PAGE = "pages/neuron.py"
LECTURE_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}
LECTURE_BIAS = 6.8813735870195432
RECORD = re.compile(r'label="\{ (.*?) \| data (\S+) \| grad (\S+) \}"')


# ---- reading the page ---------------------------------------------------------------------


def table_with(at, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def grad_table(at) -> dict[str, dict[str, float]]:
    """leaf -> its row of the gradient check table."""
    table = table_with(at, "engine grad")
    return {row["leaf"]: row for row in table.to_dict("records")}


def engine_grads(at) -> dict[str, float]:
    return {leaf: row["engine grad"] for leaf, row in grad_table(at).items()}


def graphs(at) -> list[str]:
    return [chart.proto.spec for chart in at.get("graphviz_chart")]


def boxes(dot: str) -> dict[str, tuple[str, str]]:
    """label -> (data text, grad text) of every record in a DOT drawing."""
    return {label: (data, grad) for label, data, grad in RECORD.findall(dot)}


def output_metric(at) -> str:
    return next(m.value for m in at.metric if m.label.startswith("Output"))


def walk_position(at) -> tuple[int, int]:
    text = at.get("progress")[0].proto.text
    position, total = re.fullmatch(r"Step (\d+) of (\d+)", text).groups()
    return int(position), int(total)


def walk_grads(at) -> dict[str, str]:
    table = table_with(at, "grad so far")
    return dict(zip(table["leaf"], table["grad so far"], strict=True))


def no_exception(at) -> None:
    assert not at.exception, exception_messages(at)


def torch_neuron(values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """o = tanh(x1*w1 + x2*w2 + b) in torch float64, written independently of the app."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    o = torch.tanh(t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"])
    o.backward()
    return o.item(), {k: tensor.grad.item() for k, tensor in t.items()}


def open_tab(at, label: str):
    set_session(at, "neuron.tab", label)
    return at.run()


def switch_to_formula(at, formula: str | None = None):
    at.segmented_control(key="neuron.mode").set_value("formula").run()
    if formula is not None:
        at.text_input(key="neuron.formula").set_value(formula).run()
    return at


@pytest.fixture
def at():
    session = open_page(PAGE)
    no_exception(session)
    return session


# ---- the neuron ---------------------------------------------------------------------------


def test_defaults_give_the_lectures_figures(at):
    assert output_metric(at) == "0.7071"
    assert engine_grads(at) == pytest.approx(LECTURE_GRADS, abs=1e-12)
    rows = grad_table(at)
    for leaf, expected in LECTURE_GRADS.items():
        assert rows[leaf]["torch grad"] == pytest.approx(expected, abs=1e-12)
        assert rows[leaf]["finite difference"] == pytest.approx(expected, abs=1e-8)
    drawn = boxes(graphs(at)[0])
    assert drawn["o"] == ("0.7071", "+1.0000")
    assert drawn["n"] == ("0.8814", "+0.5000")
    assert drawn["x1"][1] == "-1.5000" and drawn["w1"][1] == "+1.0000"
    assert set(drawn) >= {"x1*w1", "x2*w2", "x1*w1 + x2*w2"}
    # The bias keeps all its digits: n = 0.8814 needs them.
    assert at.number_input(key="neuron.b#exact").value == LECTURE_BIAS


def test_changing_w1_gives_the_gradients_torch_gives(at):
    at.number_input(key="neuron.w1#exact").set_value(1.25).run()
    no_exception(at)
    assert at.slider(key="neuron.w1").value == 1.25
    values = {"x1": 2.0, "w1": 1.25, "x2": 0.0, "w2": 1.0, "b": LECTURE_BIAS}
    output, grads = torch_neuron(values)
    assert engine_grads(at) == pytest.approx(grads, rel=1e-12, abs=1e-15)
    assert output_metric(at) == f"{output:.4f}"
    at.slider(key="neuron.w1").set_value(-0.5).run()
    _, grads = torch_neuron({**values, "w1": -0.5})
    assert engine_grads(at) == pytest.approx(grads, rel=1e-12, abs=1e-15)
    assert at.query_params.get("w1") == "-0.5"  # the address bar is a share link


def test_tanh_as_exponentials_draws_the_longer_graph_with_the_same_gradients(at):
    at.toggle(key="neuron.exp_form").set_value(True).run()
    no_exception(at)
    assert engine_grads(at) == pytest.approx(LECTURE_GRADS, abs=1e-12)
    assert {"e", "e - 1", "e + 1", "2*n"} <= set(boxes(graphs(at)[0]))
    assert output_metric(at) == "0.7071"


@pytest.mark.parametrize(
    ("activation", "function"),
    [("relu", torch.relu), ("sigmoid", torch.sigmoid), ("linear", lambda n: n)],
)
def test_other_activations_match_torch(at, activation, function):
    at.number_input(key="neuron.x2#exact").set_value(-1.5).run()
    at.segmented_control(key="neuron.activation").set_value(activation).run()
    no_exception(at)
    values = {"x1": 2.0, "w1": -3.0, "x2": -1.5, "w2": 1.0, "b": LECTURE_BIAS}
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    function(t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"]).backward()
    expected = {k: tensor.grad.item() for k, tensor in t.items()}
    assert engine_grads(at) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # The exponential form only applies to tanh.
    assert at.toggle(key="neuron.exp_form").disabled


def test_smaller_h_helps_until_rounding_takes_over(at):
    def largest_fd_error(h):
        at.select_slider(key="neuron.h").set_value(h).run()
        no_exception(at)
        return max(row["|fd - engine|"] for row in grad_table(at).values())

    coarse, fine, tiny = largest_fd_error(1e-1), largest_fd_error(1e-5), largest_fd_error(1e-12)
    assert coarse > 1e-4  # truncation error ~ h^2 (tanh''' is about 1 here)
    assert fine < 1e-8
    assert tiny > 10 * fine  # rounding ~ 1e-16 / h
    metric = next(m for m in at.metric if m.label.startswith("Largest |finite"))
    assert "1e-12" in metric.label


# ---- step-through backward ----------------------------------------------------------------


def test_stepping_backward_through_all_nodes_ends_with_the_full_gradients(at):
    assert not at.get("progress")  # only the open tab runs
    open_tab(at, "Step through backward")
    position, total = walk_position(at)
    assert (position, total) == (0, 10)  # 5 leaves, 2 products, 2 sums, tanh
    assert set(walk_grads(at).values()) == {"?"}
    at.button(key="neuron.walk-next").click().run()
    dot = graphs(at)[1]
    assert boxes(dot)["o"][1] == "+1.0000" and boxes(dot)["n"][1] == "+0.5000"
    assert boxes(dot)["x1"][1] == "?"
    assert "penwidth=4" in next(line for line in dot.splitlines() if "{ o |" in line)
    chain = " ".join(m.value for m in at.markdown)
    assert "local 0.5 × upstream 1 = 0.5" in chain  # d tanh(n)/dn = 1 - o^2 = 0.5
    for step in range(2, total + 1):
        at.button(key="neuron.walk-next").click().run()
        no_exception(at)
        assert walk_position(at) == (step, total)
    assert at.button(key="neuron.walk-next").disabled
    walked = {leaf: float(grad) for leaf, grad in walk_grads(at).items()}
    root, leaves = build_neuron(LECTURE_NEURON)
    root.backward()
    assert walked == {name: leaf.grad for name, leaf in leaves.items()}  # bit for bit
    assert walked == pytest.approx(LECTURE_GRADS, abs=1e-12)
    drawn = boxes(graphs(at)[1])
    assert "?" not in {grad for _, grad in drawn.values()}
    assert drawn == boxes(graphs(at)[0])
    at.button(key="neuron.walk-previous").click().run()
    assert walk_position(at) == (total - 1, total)
    at.button(key="neuron.walk-reset").click().run()
    assert walk_position(at) == (0, total)


def test_a_node_with_two_parents_collects_both_contributions(at):
    open_tab(at, "Step through backward")
    at.toggle(key="neuron.exp_form").set_value(True).run()
    at.button(key="neuron.walk-run-all").click().run()
    position, total = walk_position(at)
    # 10 values of the plain neuron minus o, plus 2, 2*n, e, 1, e - 1, 1, e + 1 and o.
    assert position == total == 17
    at.button(key="neuron.walk-reset").click().run()
    # o = (e - 1) / (e + 1). Latest made first: o, e + 1, its constant 1, e - 1, ...
    for _ in range(2):
        at.button(key="neuron.walk-next").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "more to come from `e - 1`" in text
    for _ in range(2):
        at.button(key="neuron.walk-next").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "added to the" in text
    # Hand-worked: with e = exp(2n) = 1 + sqrt(2)... o = (e-1)/(e+1), do/de = 2/(e+1)^2.
    e = math.exp(2 * 0.8813735870195432)
    assert boxes(graphs(at)[1])["e"][1] == f"{2 / (e + 1) ** 2:+.4f}"


def test_changing_a_value_restarts_the_walk(at):
    open_tab(at, "Step through backward")
    at.button(key="neuron.walk-run-all").click().run()
    assert walk_position(at) == (10, 10)
    at.number_input(key="neuron.x1#exact").set_value(1.0).run()
    assert walk_position(at) == (0, 10)


# ---- nudges -------------------------------------------------------------------------------


def test_nudges_move_the_output_the_way_asked_by_about_step_times_grad_squared(at):
    step = 0.01
    predicted = step * sum(LECTURE_GRADS[name] ** 2 for name in ("w1", "w2", "b"))
    start, _ = torch_neuron({"x1": 2.0, "w1": -3.0, "x2": 0.0, "w2": 1.0, "b": LECTURE_BIAS})
    open_tab(at, "Nudge")
    at.button(key="neuron.nudge-up").click().run()
    no_exception(at)
    # The weights' widgets follow: w1 += step * 1.0, b += step * 0.5; inputs stay.
    w1 = at.number_input(key="neuron.w1#exact").value
    b = at.number_input(key="neuron.b#exact").value
    assert w1 == pytest.approx(-3.0 + step) and b == pytest.approx(LECTURE_BIAS + step * 0.5)
    assert at.number_input(key="neuron.x1#exact").value == 2.0
    after, _ = torch_neuron({"x1": 2.0, "w1": w1, "x2": 0.0, "w2": 1.0, "b": b})
    assert after > start
    assert after - start == pytest.approx(predicted, abs=5 * step**2)
    history = table_with(at, "predicted")
    assert list(history["nudge"]) == ["up"]
    assert history["after"][0] == pytest.approx(after, abs=1e-12)
    assert history["predicted"][0] == pytest.approx(predicted, rel=1e-9)

    at.button(key="neuron.nudge-down").click().run()
    at.button(key="neuron.nudge-down").click().run()
    history = table_with(at, "predicted")
    assert list(history["nudge"]) == ["up", "down", "down"]
    assert history["change"][1] < 0 and history["change"][2] < 0
    at.button(key="neuron.nudge-reset").click().run()
    assert at.number_input(key="neuron.w1#exact").value == -3.0
    assert at.number_input(key="neuron.b#exact").value == LECTURE_BIAS
    assert output_metric(at) == "0.7071"
    assert not mutated_resources()


# ---- formula mode -------------------------------------------------------------------------


def test_formula_mode_opens_on_the_lectures_expression(at):
    switch_to_formula(at)
    no_exception(at)
    # Lecture: L = (a*b + c) * f = -8 with a=2, b=-3, c=10, f=-2; grads 6, -4, -2, 4.
    assert output_metric(at) == "-8.0000"
    assert engine_grads(at) == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    assert {row["torch grad"] for row in grad_table(at).values()} == {6.0, -4.0, -2.0, 4.0}
    assert set(boxes(graphs(at)[0])) >= {"a*b", "a*b + c", "L"}
    assert at.slider(key="neuron.var.c").value == 10.0


def test_a_new_formula_gets_a_slider_per_variable_and_torch_agrees(at):
    switch_to_formula(at)
    at.slider(key="neuron.var.c").set_value(5.0).run()
    assert at.query_params.get("vars") == "a=2,b=-3,c=5,f=-2"
    at.text_input(key="neuron.formula").set_value("y = log(a)*b + sigmoid(a**2 - b)").run()
    assert at.slider(key="neuron.var.b").value == -3.0  # b keeps its value
    no_exception(at)
    at.number_input(key="neuron.var.a#exact").set_value(1.5).run()
    at.slider(key="neuron.var.b").set_value(-0.75).run()
    no_exception(at)
    t = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
        for k, v in {"a": 1.5, "b": -0.75}.items()
    }
    y = torch.log(t["a"]) * t["b"] + torch.sigmoid(t["a"] ** 2 - t["b"])
    y.backward()
    assert engine_grads(at) == pytest.approx({k: v.grad.item() for k, v in t.items()}, rel=1e-12)
    assert output_metric(at) == f"{y.item():.4f}"
    assert at.query_params.get("vars") == "a=1.5,b=-0.75"  # only this formula's variables


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("x.__class__", "attribute access"),
        ("__import__('os')", "__import__"),
        ("", "empty"),
        ("a*b +", "syntax error"),
        ("1/0", "division by zero"),
        ("log(-1)", "log"),
        ("L = (a*b + c) / (c - 10)", "division by zero"),  # fine formula, but c = 10
        ("x ** y", "exponent"),
        ("a ` [x](http://e) `", "'`' is not allowed"),  # no markdown from a shared link
    ],
)
def test_a_bad_formula_gets_a_message_and_the_last_good_graph_stays(at, formula, message):
    switch_to_formula(at)
    good = graphs(at)[0]
    at.text_input(key="neuron.formula").set_value(formula).run()
    no_exception(at)
    assert at.error, "no message shown"
    assert message in shown(at.error[0].value)
    assert graphs(at)[0] == good  # the last good graph is still drawn
    assert at.text_input(key="neuron.formula").value == formula  # what was typed stays
    assert engine_grads(at) == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def test_values_that_break_a_formula_are_reported_and_can_be_fixed(at):
    switch_to_formula(at, "q = a / b")
    at.number_input(key="neuron.var.b#exact").set_value(0.0).run()
    no_exception(at)
    assert "division by zero" in at.error[0].value
    assert output_metric(at) == "-0.6667"  # the last values that worked: a=2, b=-3
    at.number_input(key="neuron.var.b#exact").set_value(4.0).run()
    assert not at.error
    assert engine_grads(at) == {"a": 0.25, "b": -2 / 16}  # 1/b and -a/b^2


def test_a_graph_too_large_to_draw_is_explained_and_the_table_stays(at):
    formula = " + ".join(f"a*{i}" for i in range(1, 60))  # about 180 values
    switch_to_formula(at, formula)
    no_exception(at)
    assert not graphs(at)
    assert any("too small to read" in info.value for info in at.info)
    assert engine_grads(at) == {"a": float(sum(range(1, 60)))}


# ---- links --------------------------------------------------------------------------------


def open_with_link(params: dict[str, str]):
    session = start_app()
    session.query_params.update(params)
    session.switch_page(PAGE).run()
    no_exception(session)
    return session


def test_a_share_link_restores_w1():
    session = open_with_link({"w1": "1.5"})
    assert session.slider(key="neuron.w1").value == 1.5
    _, grads = torch_neuron({"x1": 2.0, "w1": 1.5, "x2": 0.0, "w2": 1.0, "b": LECTURE_BIAS})
    assert engine_grads(session) == pytest.approx(grads, rel=1e-12, abs=1e-15)


def test_a_share_link_restores_the_formula_and_its_values():
    session = open_with_link({"mode": "formula", "formula": "y = a*a + b", "vars": "a=3,b=1"})
    assert session.text_input(key="neuron.formula").value == "y = a*a + b"
    assert engine_grads(session) == {"a": 6.0, "b": 1.0}  # 2a and 1
    assert output_metric(session) == "10.0000"


def test_bad_values_in_a_link_fall_back_with_a_warning_naming_them():
    session = open_with_link({"mode": "formula", "vars": "a=abc,b=-3,c=1e9", "w1": "99"})
    warnings = " ".join(w.value for w in session.warning)
    assert "a: `abc` is not a number" in warnings and "c: 1e+09 is outside" in warnings
    assert "w1" in warnings  # from the page's settings: above the maximum
    assert engine_grads(session) == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


# ---- the derivative panel -----------------------------------------------------------------


def test_derivative_panel_at_the_lectures_points(at):
    open_tab(at, "What is a derivative?")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["f(x)"] == "20" and metrics["Exact slope 6x - 4"] == "14"
    table = table_with(at, "forward error")
    row = table[table["h"] == "1e-4"].iloc[0]
    assert row["forward (f(x+h) - f(x)) / h"] == pytest.approx(14.0003, abs=1e-9)  # 14 + 3h
    at.number_input(key="neuron.tangent_x#exact").set_value(2 / 3).run()
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Exact slope 6x - 4"]) == pytest.approx(0.0, abs=1e-12)


def test_presenter_link_hides_chosen_controls_and_their_values_still_apply():
    session = open_with_link({"present": "1", "hide": "w1,vars", "w1": "1.5", "x2": "0.5"})
    keys = {slider.key for slider in session.slider}
    assert "neuron.w1" not in keys and "neuron.w2" in keys
    _, grads = torch_neuron({"x1": 2.0, "w1": 1.5, "x2": 0.5, "w2": 1.0, "b": LECTURE_BIAS})
    assert engine_grads(session) == pytest.approx(grads, rel=1e-12, abs=1e-15)
    switch_to_formula(session)
    no_exception(session)
    assert not [s for s in session.slider if s.key.startswith("neuron.var.")]
    assert engine_grads(session) == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
