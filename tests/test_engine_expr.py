"""engine.expr: the lecture's formulas built into graphs, checked against the lecture's figures,
hand-worked derivatives and torch; everything outside the grammar refused with what and where;
random text never escapes as anything but ExpressionError."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Value, expr
from engine.expr import ExpressionError, parse

# ---- the lecture's formulas ---------------------------------------------------------------------


def test_lecture_expression_L():
    e = parse("L = (a*b + c) * f")
    assert e.output_name == "L"
    assert e.variables == ("a", "b", "c", "f")
    root, leaves = e.build({"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0})
    root.backward()
    # Figures from the lecture: L = -8, dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4.
    assert root.data == -8.0 and root.label == "L"
    assert {name: leaf.grad for name, leaf in leaves.items()} == {
        "a": 6.0,
        "b": -4.0,
        "c": -2.0,
        "f": 4.0,
    }
    assert {leaf.label for leaf in leaves.values()} == {"a", "b", "c", "f"}
    product, _ = root.children[0].children
    assert product.label == "a*b" and root.children[0].label == "a*b + c"


@pytest.mark.parametrize(
    "formula",
    [
        "o = tanh(x1*w1 + x2*w2 + b)",
        "o = (exp(2*(x1*w1 + x2*w2 + b)) - 1) / (exp(2*(x1*w1 + x2*w2 + b)) + 1)",
    ],
)
def test_lecture_neuron_as_a_formula(formula):
    e = parse(formula)
    assert e.variables == ("x1", "w1", "x2", "w2", "b")
    root, leaves = e.build({"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432})
    root.backward()
    assert root.data == pytest.approx(0.7071, abs=5e-5)
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}  # printed in the lecture
    for name, grad in expected.items():
        assert leaves[name].grad == pytest.approx(grad, abs=5e-5), name


def test_a_variable_used_twice_is_one_leaf():
    root, leaves = parse("x*x + x").build({"x": 3.0})
    root.backward()
    assert leaves["x"].grad == 2 * 3.0 + 1  # d(x^2 + x)/dx by hand


@pytest.mark.parametrize(
    "formula, values, expected",
    [
        ("-x**2", {"x": 3.0}, -9.0),  # ** binds tighter than unary minus
        ("2**-1", {}, 0.5),
        ("a - b - c", {"a": 1.0, "b": 2.0, "c": 3.0}, -4.0),  # left to right
        ("a / b / c", {"a": 8.0, "b": 2.0, "c": 2.0}, 2.0),
        ("a + b * c", {"a": 1.0, "b": 2.0, "c": 3.0}, 7.0),
        ("x ** -0.5", {"x": 4.0}, 0.5),
        ("+x - -x", {"x": 1.5}, 3.0),
        ("relu(x) + relu(-x)", {"x": -2.0}, 2.0),
        ("sigmoid(0)", {}, 0.5),
        ("log(exp(1.5))", {}, 1.5),
        (".5 + 2e-1", {}, 0.7),
    ],
)
def test_precedence_and_numbers_follow_python_arithmetic(formula, values, expected):
    root, _ = parse(formula).build(values)
    assert root.data == pytest.approx(expected, rel=1e-15)
    assert parse(formula).evaluate(values) == pytest.approx(expected, rel=1e-15)


TORCH_FUNCTIONS = {
    "tanh": torch.tanh,
    "exp": torch.exp,
    "log": torch.log,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
}


@pytest.mark.parametrize(
    "formula",
    [
        "tanh(x1*w1 + x2*w2 + b)",
        "L = (a*b + c) * f",
        "log(a*a + 1) / (b - 3) + sigmoid(a*b) * exp(-c)",
        "relu(a - b) ** 2 + (c + 2) ** 0.5 - 1 / (a*a + 0.5)",
        "y = a * a * a - 2*a*b + b**-1 + tanh(c)**3",
    ],
)
def test_build_matches_torch_float64(formula):
    e = parse(formula)
    numbers = dict(zip(e.variables, [0.7, -1.3, 2.1, 0.4, -0.9], strict=False))
    root, leaves = e.build(numbers)
    root.backward()
    tensors = {
        name: torch.tensor(x, dtype=torch.float64, requires_grad=True)
        for name, x in numbers.items()
    }
    reference = e.evaluate(tensors, TORCH_FUNCTIONS)
    reference.backward()
    assert root.data == pytest.approx(reference.item(), rel=1e-12)
    for name, leaf in leaves.items():
        assert leaf.grad == pytest.approx(tensors[name].grad.item(), rel=1e-12, abs=1e-15), name
    assert e.evaluate(numbers) == pytest.approx(root.data, rel=1e-12)


def test_values_for_unused_names_are_ignored_and_missing_ones_reported():
    e = parse("a + b")
    root, leaves = e.build({"a": 1.0, "b": 2.0, "z": 5.0})
    assert root.data == 3.0 and set(leaves) == {"a", "b"}
    with pytest.raises(ValueError, match="no value given for: b"):
        e.build({"a": 1.0})
    with pytest.raises(ValueError, match="value of a must be a finite number"):
        e.build({"a": "1", "b": 2.0})
    with pytest.raises(TypeError, match="dict"):
        e.build([1.0, 2.0])


@pytest.mark.parametrize(
    "formula, values, fragment",
    [
        ("log(x - 3)", {"x": 1.0}, "`log(x - 3)`: log is only defined for positive"),
        ("1 / (x - 1)", {"x": 1.0}, "`1 / (x - 1)`: division by zero"),
        ("exp(x)", {"x": 1000.0}, "`exp(x)`: exp of"),
        ("x*x*x*x", {"x": 1e100}, "`x*x*x*x`: the result is too large"),
        ("x ** 0.5", {"x": -4.0}, "`x ** 0.5`: cannot raise the negative number"),
    ],
)
def test_numbers_a_step_cannot_produce_raise_value_errors_naming_the_step(
    formula, values, fragment
):
    with pytest.raises(ValueError) as info:
        parse(formula).build(values)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "formula, values, fragment",
    [
        ("x ** 0.5", {"x": -4.0}, "not a real number"),
        ("1 / x", {"x": 0.0}, "`1 / x`: float division by zero"),
        ("log(x)", {"x": -1.0}, "`log(x)`: math domain error"),
    ],
)
def test_evaluate_with_floats_reports_impossible_steps(formula, values, fragment):
    with pytest.raises(ValueError) as info:
        parse(formula).evaluate(values)
    assert fragment in str(info.value)


def test_evaluate_needs_every_function_the_formula_uses():
    with pytest.raises(ValueError, match="needs functions for: tanh"):
        parse("tanh(x)").evaluate({"x": 1.0}, {"exp": math.exp})


# ---- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("x.__class__", "attribute access `x.__class__` is not allowed (column 1)"),
        ("a + x.real", "attribute access `x.real` is not allowed (column 5)"),
        ("__import__('os')", "`__import__` is not a function you can use here"),
        ("print(x)", "`print` is not a function you can use here"),
        ("x.tanh()", "attribute access `x.tanh`"),
        ("a[0]", "indexing `a[0]` is not allowed"),
        ("lambda: 1", "a lambda function"),
        ("'text'", "text in quotes"),
        ("[x for x in y]", "a list comprehension"),
        ("(x for x in y)", "a generator expression"),
        ("{x: 1}", "a dict"),
        ("a, b", "a tuple"),
        ("a < b", "a comparison"),
        ("a and b", "`and` / `or`"),
        ("a if b else c", "a conditional expression"),
        ("f'{x}'", "an f-string"),
        ("(y := 3)", "the := operator"),
        ("x // 2", "the operator // (in `x // 2`)"),
        ("x % 2", "the operator %"),
        ("x @ y", "the operator @"),
        ("~x", "`~`"),
        ("not x", "`not`"),
        ("x ** y", "the exponent `y` must be a plain number"),
        ("x ** (1/2)", "the exponent `1/2` must be a plain number"),
        ("2 ** x", "the exponent `x` must be a plain number"),
        ("tanh(x, y)", "tanh() takes exactly one argument"),
        ("tanh()", "tanh() takes exactly one argument"),
        ("exp(x=1)", "exp() takes exactly one argument"),
        ("tanh(*x)", "tanh() takes exactly one argument"),
        ("tanh + 1", "`tanh` is a function, not a variable"),
        ("__x + 1", "names starting with __"),
        ("True + x", "`True` is not a number here"),
        ("1j * x", "a complex number"),
        ("1e400", "the number `1e400` is too large"),
        ("import os", "an import is not allowed"),
        ("x += 1", "an update like +="),
        ("del x", "a Python statement"),
        ("a; b", "only one formula is allowed"),
        ("a\nb", "the character '\\n' is not allowed (a formula is one line) (column 2)"),
        ("a*b # [link](http://x)", "the character '#' is not allowed (a formula has no comments)"),
        ("L = M = a", "write at most one name before ="),
        ("x.y = a", "write at most one name before ="),
        ("L = L * 2", "the output name `L` is also used inside the formula"),
        ("", "the formula is empty"),
        ("   \n ", "the formula is empty"),
        ("a b", "syntax error (column 3)"),
        ("(a + b", "syntax error"),
        ("a +", "syntax error"),
        ("x \u2212 y", "the character '\u2212' is not allowed (use - for minus) (column 3)"),
        ("2 \u00d7 x", "(use * to multiply)"),
        ("x\x00", "the character '\\x00' is not allowed"),
        ("a + \\\n b", "the character '\\\\' is not allowed (column 5)"),
        ("\u0078\u0308", "is not allowed"),  # x with a combining diaeresis
    ],
)
def test_refusals_say_what_and_where(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_refusal_carries_its_position():
    with pytest.raises(ExpressionError) as info:
        parse("a + b.c")
    assert (info.value.line, info.value.column, info.value.snippet) == (1, 5, "b.c")
    with pytest.raises(ExpressionError, match=r"\(column 6\)$") as info:
        parse("x ** y")
    assert (info.value.column, info.value.snippet) == (6, "y")


def test_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="string"):
        parse(42)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("x" * 2001, "too long: 2,001 characters, at most 2,000"),
        ("+".join(["a"] * 600), "too large: 1,199 terms"),
        ("(" * 900 + "x" + ")" * 900, "nested more than 50 levels deep (column 51)"),
        ("-" * 1999 + "x", "too large"),
        ("tanh(" * 60 + "x" + ")" * 60, "nested more than 50 levels"),
    ],
)
def test_limits_give_clear_messages_not_crashes(text, fragment):
    with pytest.raises(ExpressionError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_a_long_but_allowed_formula_builds_without_recursion():
    text = " + ".join(["x"] * 250)  # 499 terms, 250 levels deep
    root, leaves = parse(text).build({"x": 1.0})
    root.backward()
    assert root.data == 250.0 and leaves["x"].grad == 250.0


def test_the_parser_never_evaluates_or_compiles_text():
    source = Path(expr.__file__).read_text(encoding="utf-8")
    calls = {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not calls & {"eval", "exec", "compile", "__import__"}


# ---- random text --------------------------------------------------------------------------

ALPHABET = "abxyz_019.+-*/()= \n,[]'\"{}<>:;@%~!^&|\\é\t" + "etanhxplogrusigmd"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_random_text_either_parses_or_raises_expression_error(text):
    try:
        e = parse(text)
    except ExpressionError as error:
        assert str(error)
        return
    # Whatever was accepted can be built from any values (or fails with a ValueError).
    values = dict.fromkeys(e.variables, 0.5)
    try:
        root, leaves = e.build(values)
    except ValueError as error:
        assert "cannot compute" in str(error)
        return
    assert isinstance(root, Value) and set(leaves) == set(e.variables)
