"""A safe parser for formulas a student types, turned into `Value` graphs.

    expr = parse("L = (a*b + c) * f")
    root, leaves = expr.build({"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0})
    root.backward()   # leaves["a"].grad == 6.0

Grammar (spaces anywhere, at most 2,000 characters and 500 terms):

    formula    :=  [ name "=" ] expression
    expression :=  number | name | "(" expression ")"
                |  expression ("+" | "-" | "*" | "/") expression
                |  expression "**" exponent           exponent := ["-" | "+"] number
                |  "-" expression | "+" expression
                |  function "(" expression ")"        function := tanh | exp | log | relu | sigmoid
    number     :=  123 | 1.5 | .5 | 2e-3              (no True/False, no complex numbers)
    name       :=  letters, digits and _, not starting with a digit or "__", not a function

Precedence is Python's: `**` binds tightest, then unary minus, then `* /`, then `+ -`; so
`-x**2` is `-(x**2)`. Only plain ASCII (no backslash) is accepted.

How it is safe: the text goes through Python's `ast.parse` (which only reads it, never runs
it) and then through a whitelist: every node must be one of the forms above, anything else
(attribute access, calls to other names, subscripts, lambdas, strings, comprehensions,
comparisons, ...) is refused with an `ExpressionError` saying what and where. The accepted
formula is copied into this module's own small tree, which is all that `build` and
`evaluate` ever look at. Nothing is passed to `eval` or `exec`.

Labels in built graphs: each variable's leaf is labelled with its name; each intermediate
node with the text of its subexpression as typed (spaces tidied, cut to 24 characters); the
output with the name before "=" when there is one; numbers with themselves.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.value import Value

MAX_CHARACTERS = 2000
MAX_TERMS = 500  # numbers, names, operations and function calls
MAX_NESTING = 50  # levels of parentheses
FUNCTIONS = ("tanh", "exp", "log", "relu", "sigmoid")
LABEL_LIMIT = 24

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BINARY_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_OTHER_OPS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}
# What to call the Python constructs we refuse, in words a student knows.
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Slice: "slicing",
    ast.Lambda: "a lambda function",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.List: "a list",
    ast.Tuple: "a tuple (a comma)",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.Compare: "a comparison",
    ast.BoolOp: "`and` / `or`",
    ast.IfExp: "a conditional expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.NamedExpr: "the := operator",
    ast.Starred: "a starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class ExpressionError(ValueError):
    """A formula that cannot be accepted; the message says what is wrong and where.

    `column` (1-based, or None) and `line` point at the problem; `snippet` is the text there.
    """

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None, snippet: str = ""
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.snippet = snippet


# ---- the safe tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float
    source: str


@dataclass(frozen=True)
class Variable:
    name: str
    source: str


@dataclass(frozen=True)
class Binary:
    op: str  # "+", "-", "*" or "/"
    left: Term
    right: Term
    source: str


@dataclass(frozen=True)
class Power:
    base: Term
    exponent: float
    source: str


@dataclass(frozen=True)
class Negate:
    operand: Term
    source: str


@dataclass(frozen=True)
class Function:
    name: str  # one of FUNCTIONS
    argument: Term
    source: str


Term = Number | Variable | Binary | Power | Negate | Function


def _subterms(term: Term) -> tuple[Term, ...]:
    if isinstance(term, Binary):
        return (term.left, term.right)
    if isinstance(term, Power):
        return (term.base,)
    if isinstance(term, Negate):
        return (term.operand,)
    if isinstance(term, Function):
        return (term.argument,)
    return ()


def _postorder(root: Term) -> list[Term]:
    """Every term, each after its subterms, without recursion."""
    order: list[Term] = []
    stack: list[tuple[Term, bool]] = [(root, False)]
    while stack:
        term, expanded = stack.pop()
        if expanded:
            order.append(term)
            continue
        stack.append((term, True))
        stack.extend((sub, False) for sub in reversed(_subterms(term)))
    return order


# ---- evaluation -----------------------------------------------------------------------------


def _float_relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def _float_sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


FLOAT_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "tanh": math.tanh,
    "exp": math.exp,
    "log": math.log,
    "relu": _float_relu,
    "sigmoid": _float_sigmoid,
}
VALUE_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "tanh": Value.tanh,
    "exp": Value.exp,
    "log": Value.log,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}


class Expression:
    """A parsed formula. Build it into a Value graph, or evaluate it with any number type.

    Attributes: `text` (as typed), `output_name` (the name before "=", or None),
    `variables` (names in order of first appearance), `tree` (the safe tree),
    `term_count`.
    """

    def __init__(self, text: str, tree: Term, output_name: str | None) -> None:
        self.text = text
        self.tree = tree
        self.output_name = output_name
        self._order = _postorder(tree)
        self.term_count = len(self._order)
        names: dict[str, None] = {}
        for term in _preorder(tree):
            if isinstance(term, Variable):
                names.setdefault(term.name)
        self.variables: tuple[str, ...] = tuple(names)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate(
        self,
        values: Mapping[str, Any],
        functions: Mapping[str, Callable[[Any], Any]] = FLOAT_FUNCTIONS,
        constant: Callable[[float], Any] = float,
        on_term: Callable[[Term, Any], Any] | None = None,
    ) -> Any:
        """Compute the formula with any numbers that support `+ - * / **` and unary minus.

        `values` maps each variable to its number; `functions` maps each function name to a
        callable (e.g. `{"tanh": torch.tanh, ...}` to check against torch); `constant` turns
        a literal into the number type. `on_term(term, result)`, if given, sees every
        result and may return a replacement (build() labels nodes this way).
        """
        self._check_values(values)
        missing = [name for name in FUNCTIONS if name not in functions and self._uses(name)]
        if missing:
            raise ValueError(f"evaluate() needs functions for: {', '.join(missing)}")
        results: dict[int, Any] = {}
        for term in self._order:
            try:
                result = self._compute(term, results, values, functions, constant)
            except (ArithmeticError, ValueError) as error:
                raise ValueError(f"cannot compute `{_short(term.source)}`: {error}") from None
            if on_term is not None:
                result = on_term(term, result)
            results[id(term)] = result
        return results[id(self.tree)]

    @staticmethod
    def _compute(
        term: Term,
        results: dict[int, Any],
        values: Mapping[str, Any],
        functions: Mapping[str, Callable[[Any], Any]],
        constant: Callable[[float], Any],
    ) -> Any:
        """One term's result from its subterms' results (which it takes out of `results`)."""
        if isinstance(term, Number):
            return constant(term.value)
        if isinstance(term, Variable):
            return values[term.name]
        if isinstance(term, Binary):
            return _apply_binary(term.op, results.pop(id(term.left)), results.pop(id(term.right)))
        if isinstance(term, Power):
            result = results.pop(id(term.base)) ** term.exponent
            if isinstance(result, complex):  # what float ** does with a negative base
                raise ValueError("a negative number to a fractional power is not a real number")
            return result
        if isinstance(term, Negate):
            return -results.pop(id(term.operand))
        return functions[term.name](results.pop(id(term.argument)))

    def build(self, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        """A fresh Value graph for the formula: (output, {variable name: its leaf}).

        Each variable becomes one leaf (shared wherever the name appears), labelled with its
        name. A value for a name the formula does not use is ignored. A number that a step
        cannot produce (division by zero, log of a number <= 0, overflow) raises ValueError
        naming the subexpression.
        """
        self._check_values(values)
        leaves = {}
        for name in self.variables:
            number = values[name]
            try:
                leaves[name] = Value(number, name)
            except (TypeError, ValueError):
                raise ValueError(
                    f"the value of {name} must be a finite number, got {number!r}"
                ) from None

        def label(term: Term, result: Any) -> Any:
            if not math.isfinite(result.data):
                raise ValueError(
                    f"cannot compute `{_short(term.source)}`: the result is too large "
                    "(it overflows to infinity)"
                )
            if not result.label:
                result.label = _short(term.source)
            return result

        root = self.evaluate(leaves, VALUE_FUNCTIONS, _labelled_constant, label)
        if self.output_name is not None and root.children:
            root.label = self.output_name
        return root, leaves

    def _check_values(self, values: Mapping[str, Any]) -> None:
        if not isinstance(values, Mapping):
            raise TypeError(f"values must be a dict of name -> number, got {type(values).__name__}")
        missing = [name for name in self.variables if name not in values]
        if missing:
            raise ValueError(f"no value given for: {', '.join(missing)}")

    def _uses(self, function_name: str) -> bool:
        return any(isinstance(t, Function) and t.name == function_name for t in self._order)


def _apply_binary(op: str, left: Any, right: Any) -> Any:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return left / right


def _labelled_constant(number: float) -> Value:
    return Value(number, f"{number:g}")


def _preorder(root: Term) -> list[Term]:
    order, stack = [], [root]
    while stack:
        term = stack.pop()
        order.append(term)
        stack.extend(reversed(_subterms(term)))
    return order


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


# ---- parsing --------------------------------------------------------------------------------


def parse(text: str) -> Expression:
    """Check and parse a formula such as `tanh(x1*w1 + x2*w2 + b)` or `L = (a*b + c) * f`.

    Raises ExpressionError (a ValueError) with what is wrong and where, TypeError if `text`
    is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"the formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_CHARACTERS:
        raise ExpressionError(
            f"the formula is too long: {len(text):,} characters, at most {MAX_CHARACTERS:,}"
        )
    if not text.strip():
        raise ExpressionError("the formula is empty: type something like tanh(x*w + b)")
    _check_characters(text)
    _check_nesting(text)
    try:
        module = ast.parse(text, mode="exec")
    except SyntaxError as error:
        raise _syntax_error(text, error) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the formula is too deeply nested to read") from None
    return _Converter(text).module(module)


def _position(text: str, line: int | None, column: int | None) -> str:
    """Where in the formula, for a message: a formula is one line, so its column."""
    return "" if column is None else f" (column {column})"


def _check_characters(text: str) -> None:
    for index, ch in enumerate(text):
        # A formula is one line of printable ASCII. Backslashes have no use in it (inside
        # quotes Python's parser would warn), and a formula has no comments: Python's parser
        # would drop a `# ...` silently, and the text after it would still be shown.
        if not (" " <= ch <= "~" or ch == "\t") or ch in "\\#":
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 1
            hint = " (use - for minus)" if ch in "\u2212\u2013\u2014" else ""
            hint = " (use * to multiply)" if ch in "\u00d7\u22c5\u00b7" else hint
            hint = " (a formula has no comments)" if ch == "#" else hint
            hint = " (a formula is one line)" if ch in "\r\n\u2028\u2029" else hint
            raise ExpressionError(
                f"the character {ch!r} is not allowed{hint}{_position(text, line, column)}; "
                "use letters, digits, spaces and + - * / ** ( ) =",
                line=line,
                column=column,
                snippet=ch,
            )


def _check_nesting(text: str) -> None:
    depth = 0
    line, column = 1, 0
    for ch in text:
        column += 1
        if ch == "\n":
            line, column = line + 1, 0
        elif ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(
                    f"parentheses are nested more than {MAX_NESTING} levels deep"
                    f"{_position(text, line, column)}",
                    line=line,
                    column=column,
                    snippet=ch,
                )
        elif ch in ")]}":
            depth = max(depth - 1, 0)


def _syntax_error(text: str, error: SyntaxError) -> ExpressionError:
    reason = error.msg or "invalid syntax"
    if reason == "invalid syntax":
        reason = "this is not a formula the parser can read"
    column = error.offset if error.offset else None
    line = error.lineno
    snippet = ""
    if column is not None and line is not None:
        lines = text.splitlines() or [""]
        if 1 <= line <= len(lines):
            snippet = lines[line - 1][max(column - 1, 0) : column + 9]
    near = f" near `{snippet.strip()}`" if snippet.strip() else ""
    return ExpressionError(
        f"syntax error{_position(text, line, column)}{near}: {reason}",
        line=line,
        column=column,
        snippet=snippet,
    )


class _Converter:
    """Checks a parsed Python module against the whitelist and copies it into Terms."""

    def __init__(self, text: str) -> None:
        self.text = text

    def fail(self, node: ast.AST, what: str) -> ExpressionError:
        line = getattr(node, "lineno", None)
        column = getattr(node, "col_offset", None)
        column = None if column is None else column + 1  # ASCII only, so bytes == characters
        snippet = ast.get_source_segment(self.text, node) or ""
        shown = " ".join(snippet.split())
        shown = shown if len(shown) <= 30 else shown[:29] + "…"
        where = _position(self.text, line, column)
        message = what.replace("{snippet}", shown) + where
        return ExpressionError(message, line=line, column=column, snippet=snippet)

    def module(self, module: ast.Module) -> Expression:
        if len(module.body) != 1:
            if not module.body:
                raise ExpressionError("the formula is empty: type something like tanh(x*w + b)")
            raise self.fail(
                module.body[1],
                "only one formula is allowed, but a second one starts at `{snippet}`",
            )
        statement = module.body[0]
        output_name = None
        if isinstance(statement, ast.Expr):
            body = statement.value
        elif isinstance(statement, ast.Assign):
            if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
                raise self.fail(
                    statement,
                    "write at most one name before = (like `L = a*b`); `{snippet}` is not allowed",
                )
            target = statement.targets[0]
            output_name = self.name(target)
            body = statement.value
        else:
            kind = type(statement).__name__
            described = {
                "Import": "an import",
                "ImportFrom": "an import",
                "AugAssign": "an update like +=",
                "AnnAssign": "an annotated assignment",
            }.get(kind, f"a Python statement ({kind})")
            raise self.fail(statement, f"{described} is not allowed, only a formula: `{{snippet}}`")
        terms = sum(1 for node in ast.walk(body) if isinstance(node, ast.expr))
        if terms > MAX_TERMS:
            raise ExpressionError(
                f"the formula is too large: {terms:,} terms (numbers, names and operations), "
                f"at most {MAX_TERMS}"
            )
        tree = self.expression(body)
        if output_name is not None and any(
            isinstance(t, Variable) and t.name == output_name for t in _preorder(tree)
        ):
            raise self.fail(
                statement.targets[0],
                f"the output name `{output_name}` is also used inside the formula; "
                "pick another name for the output",
            )
        return Expression(self.text, tree, output_name)

    def name(self, node: ast.Name) -> str:
        name = node.id
        if not _NAME.match(name):
            raise self.fail(node, "the name `{snippet}` may use only letters, digits and _")
        if name.startswith("__"):
            raise self.fail(node, "names starting with __ (like `{snippet}`) are not allowed")
        if name in FUNCTIONS:
            raise self.fail(node, f"`{name}` is a function, not a variable: call it like {name}(x)")
        return name

    def expression(self, root: ast.expr) -> Term:
        """Convert bottom-up with an explicit stack: deep formulas must not hit recursion."""
        converted: dict[int, Term] = {}
        stack: list[tuple[ast.expr, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(self.operands(node)))
                continue
            converted[id(node)] = self.convert(node, converted)
        return converted[id(root)]

    def operands(self, node: ast.expr) -> list[ast.expr]:
        """The subexpressions to convert first; refuses anything outside the whitelist."""
        if isinstance(node, ast.BinOp):
            op = type(node.op)
            if op not in _BINARY_OPS:
                raise self.fail(
                    node,
                    f"the operator {_OTHER_OPS.get(op, op.__name__)} (in `{{snippet}}`) is not "
                    "allowed; use + - * / **",
                )
            if op is ast.Pow:
                self.exponent(node)
                return [node.left]
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                symbol = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "this operator")
                raise self.fail(node, f"`{symbol}` (in `{{snippet}}`) is not allowed")
            return [node.operand]
        if isinstance(node, ast.Call):
            return [self.call_argument(node)]
        if isinstance(node, (ast.Constant, ast.Name)):
            return []
        described = _REFUSED.get(type(node), f"this kind of expression ({type(node).__name__})")
        raise self.fail(node, f"{described} `{{snippet}}` is not allowed")

    def convert(self, node: ast.expr, done: dict[int, Term]) -> Term:
        source = ast.get_source_segment(self.text, node) or ""
        if isinstance(node, ast.Constant):
            return Number(self.number(node), source)
        if isinstance(node, ast.Name):
            return Variable(self.name(node), source)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return Power(done[id(node.left)], self.exponent(node), source)
            op = _BINARY_OPS[type(node.op)]
            return Binary(op, done[id(node.left)], done[id(node.right)], source)
        if isinstance(node, ast.UnaryOp):
            operand = done[id(node.operand)]
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(operand, Number):  # -2 is the number -2, not an operation on 2
                return Number(-operand.value, source)
            return Negate(operand, source)
        assert isinstance(node, ast.Call)  # operands() let nothing else through
        return Function(node.func.id, done[id(node.args[0])], source)

    def number(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool):
            raise self.fail(node, "`{snippet}` is not a number here; use 1 or 0")
        if not isinstance(value, (int, float)):
            kind = {str: "text in quotes", bytes: "bytes", complex: "a complex number"}.get(
                type(value), f"`{value!r}`"
            )
            raise self.fail(node, f"{kind} (`{{snippet}}`) is not allowed; use a number")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.fail(node, "the number `{snippet}` is too large")
        return number

    def exponent(self, node: ast.BinOp) -> float:
        exponent, sign = node.right, 1.0
        while isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, (ast.USub, ast.UAdd)):
            sign = -sign if isinstance(exponent.op, ast.USub) else sign
            exponent = exponent.operand
        if not isinstance(exponent, ast.Constant):
            raise self.fail(
                node.right,
                "the exponent `{snippet}` must be a plain number (like x**2 or x**-0.5); "
                "the engine cannot differentiate with respect to an exponent",
            )
        return sign * self.number(exponent)

    def call_argument(self, node: ast.Call) -> ast.expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.fail(
                    node.func,
                    "attribute access `{snippet}` is not allowed; "
                    "write functions in front, like tanh(x)",
                )
            raise self.fail(
                node,
                "only the functions tanh, exp, log, relu and sigmoid can be called; "
                "`{snippet}` is not one of them",
            )
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.fail(
                node.func,
                f"`{name}` is not a function you can use here; the functions are "
                f"{', '.join(FUNCTIONS)}",
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.fail(
                node, f"{name}() takes exactly one argument, as in {name}(x): `{{snippet}}`"
            )
        return node.args[0]
