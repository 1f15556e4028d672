"""engine.graph: order, tracing and DOT output.

The DOT text is read back with a small reader written here from the Graphviz language
reference (quoted strings end at an unescaped `"`; `\\"` and `\\\\` are escapes) and the
record-label rules (unescaped `{ } | < >` are structure), independent of the code that
writes it. Hostile labels must come back as the same text, in the same single field.
"""

from __future__ import annotations

import re

import pytest

from engine import Value
from engine.graph import (
    GraphTooLargeError,
    grad_color,
    to_dot,
    topological_order,
    trace,
)
from engine.value import paused_gc

# ---- an independent reader for the DOT we produce ----------------------------------------------

TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:\\\\|\\"|[^"\\]|\\(?![\\"]))*")|(?P<arrow>->)'
    r"|(?P<id>[A-Za-z0-9_.#-]+)|(?P<punct>[\[\]{}=,;]))"
)


def tokens(dot):
    position, found = 0, []
    dot = dot.rstrip()
    while position < len(dot):
        match = TOKEN.match(dot, position)
        assert match, f"unreadable DOT at {dot[position : position + 30]!r}"
        kind = match.lastgroup
        text = match.group(kind)
        if kind == "string":
            text = re.sub(r'\\"', '"', text[1:-1])  # the lexer only unescapes \"
            found.append(("string", text))
        else:
            found.append((kind, text))
        position = match.end()
    return found


def statements(dot):
    """(kind, data) per statement: ("node", (id, attrs)), ("edge", (a, b)), ("other", ...)."""
    toks = tokens(dot)
    assert toks[:3] == [("id", "digraph"), ("id", "computation"), ("punct", "{")]
    assert toks[-1] == ("punct", "}")
    body, result, i = toks[3:-1], [], 0
    while i < len(body):
        end = body.index(("punct", ";"), i)
        stmt = body[i:end]
        i = end + 1
        if len(stmt) == 3 and stmt[1] == ("arrow", "->"):
            result.append(("edge", (stmt[0][1], stmt[2][1])))
        elif len(stmt) >= 3 and stmt[1] == ("punct", "["):
            assert stmt[-1] == ("punct", "]")
            attrs, j = {}, 2
            while j < len(stmt) - 1:
                key, eq, value = stmt[j], stmt[j + 1], stmt[j + 2]
                assert eq == ("punct", "=")
                attrs[key[1]] = value[1]
                j += 3
                if stmt[j] == ("punct", ","):
                    j += 1
            result.append(
                ("node" if stmt[0][1] not in ("node", "edge") else "default", (stmt[0][1], attrs))
            )
        else:
            result.append(("other", stmt))
    return result


def record_fields(label):
    """Fields of a `{ a | b | c }` record label, unescaped; fails on any other structure."""
    assert label.startswith("{") and label.endswith("}"), label
    fields, current, i, inner = [], [], 0, label[1:-1]
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            nxt = inner[i + 1]
            current.append(nxt if nxt in "{}|<>\\" else ch + nxt)
            i += 2
            continue
        assert ch not in "{}<>", f"unescaped {ch!r} in record label {label!r}"
        if ch == "|":
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    fields.append("".join(current))
    return [field.strip() for field in fields]


def records(dot):
    """Attributes of every record node in the DOT text, keyed by the label's first field."""
    found = {}
    for kind, data in statements(dot):
        if kind == "node" and data[1].get("shape") == "record":
            found[record_fields(data[1]["label"])[0]] = data[1]
    return found


# ---- order and tracing ---------------------------------------------------------------------


def small_graph():
    # The lecture's L = (a*b + c) * f, with its labels.
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, "f")
    L = d * f
    L.label = "L"
    return [a, b, c, e, d, f, L]


def test_topological_order_puts_every_node_after_its_children():
    nodes = small_graph()
    root = nodes[-1]
    order = topological_order(root)
    assert set(order) == set(nodes) and len(order) == len(nodes)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for child in node.children:
            assert position[child] < position[node]
    assert order[-1] is root


def test_trace_lists_one_edge_per_child_slot():
    a = Value(1.5, "a")
    b = a + a
    c = b * a
    nodes, edges = trace(c)
    assert nodes == [a, b, c]
    assert edges == [(a, b), (a, b), (b, c), (a, c)]


def test_order_and_limits_work_on_deep_graphs_without_recursion():
    x = Value(1.0)
    with paused_gc():
        for _ in range(100_000):
            x = x.tanh()
    assert len(topological_order(x)) == 100_001
    with pytest.raises(GraphTooLargeError, match="more than 200 values"):
        to_dot(x)


# ---- DOT structure -------------------------------------------------------------------------


def test_dot_has_a_record_per_value_and_an_op_node_per_operation():
    nodes = small_graph()
    root = nodes[-1]
    root.backward()
    parsed = statements(to_dot(root))
    node_stmts = {name: attrs for kind, (name, attrs) in ((k, d) for k, d in parsed if k == "node")}
    records = {n: a for n, a in node_stmts.items() if a.get("shape") == "record"}
    ops = {n: a for n, a in node_stmts.items() if a.get("shape") == "ellipse"}
    edges = [data for kind, data in parsed if kind == "edge"]
    assert len(records) == 7 and len(ops) == 3
    assert sorted(a["label"] for a in ops.values()) == ["*", "*", "+"]
    assert len(edges) == 3 + 6  # op -> value, and child -> op for each of two children
    by_label = {record_fields(a["label"])[0]: record_fields(a["label"]) for a in records.values()}
    # Lecture figures for L = (a*b + c) * f.
    assert by_label["a"] == ["a", "data 2.0000", "grad +6.0000"]
    assert by_label["L"] == ["L", "data -8.0000", "grad +1.0000"]
    assert by_label["d"] == ["d", "data 4.0000", "grad -2.0000"]
    assert ("rankdir=LR" in to_dot(root)) and ("rankdir=TB" in to_dot(root, rankdir="TB"))


HOSTILE = [
    '"; evil [label="pwned"]; x -> y; "',
    "} | { injected | <port> ",
    "a|b",
    "<b>html</b>",
    "ends with a backslash \\",
    '\\" quote after backslash',
    "\\\\",
    "line\nbreak\r\nand\ttab",
    "{{{{",
    "}}}}",
    "\\N \\G \\l",
    "é ∂ ünïcode",
    "\x00\x1b[31m control",
    "a" * 100,
]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_cannot_break_or_inject_into_the_dot(label):
    a = Value(1.0, label)
    b = Value(2.0, "b")
    root = a * b
    root.label = label
    root.backward()
    text = to_dot(root, number_format=".2f", highlight=a, color_by_grad=True)
    parsed = statements(text)
    node_stmts = [data for kind, data in parsed if kind == "node"]
    edges = [data for kind, data in parsed if kind == "edge"]
    assert len(node_stmts) == 4  # three records and one op node
    assert len(edges) == 3
    assert all(kind in ("node", "edge", "default", "other") for kind, _ in parsed)
    for _name, attrs in node_stmts:
        if attrs["shape"] != "record":
            continue
        fields = record_fields(attrs["label"])
        assert len(fields) == 3, fields
        if fields[0] != "b":
            shown = fields[0]
            if len(label) > 40:
                assert shown.endswith("…") and len(shown) == 40
            else:
                # Control characters and line breaks are shown as spaces.
                cleaned = "".join(
                    " " if (ord(ch) < 32 or ch in "\x7f") else ch for ch in label
                ).strip()
                assert shown == cleaned, shown


def test_hostile_number_format_cannot_break_the_dot():
    root = Value(1.0, "a") * 2.0
    found = records(to_dot(root, number_format="|>12"))
    assert record_fields(found["a"]["label"]) == ["a", "data |||||||||1.0", "grad +|||||||||0.0"]


def test_highlight_grad_mask_and_show_grad():
    nodes = small_graph()
    a, root = nodes[0], nodes[-1]
    root.backward()
    found = records(to_dot(root, highlight=a, grad_mask={root}))
    assert found["a"].get("penwidth") == "4"
    assert "penwidth" not in found["b"]
    assert record_fields(found["L"]["label"])[2] == "grad +1.0000"
    assert record_fields(found["a"]["label"])[2] == "grad ?"
    without_grads = records(to_dot(root, show_grad=False))
    assert len(without_grads) == 7
    assert all(len(record_fields(attrs["label"])) == 2 for attrs in without_grads.values())


def hex_rgb(color):
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def test_grad_colors_show_sign_by_hue_and_size_by_saturation():
    strong_pos, weak_pos = hex_rgb(grad_color(2.0, 2.0)), hex_rgb(grad_color(0.2, 2.0))
    strong_neg = hex_rgb(grad_color(-2.0, 2.0))
    assert strong_pos[2] > strong_pos[0]  # positive: blue
    assert strong_neg[0] > strong_neg[2]  # negative: red
    assert min(weak_pos) > min(strong_pos)  # smaller |grad|: paler
    assert grad_color(0.0, 2.0) == "#ffffff"


def test_color_by_grad_fills_records():
    nodes = small_graph()
    root = nodes[-1]
    root.backward()
    fills = {
        name: attrs.get("fillcolor")
        for name, attrs in records(to_dot(root, color_by_grad=True)).items()
    }
    # grads: a 6 (the largest), b -4, f 4
    assert fills["a"] == grad_color(6.0, 6.0)
    assert fills["b"] == grad_color(-4.0, 6.0)
    assert hex_rgb(fills["b"])[0] > hex_rgb(fills["b"])[2]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"rankdir": "LR; evil"}, ValueError, "rankdir"),
        ({"number_format": "d"}, ValueError, "number_format"),
        ({"number_format": 4}, TypeError, "number_format"),
        ({"max_nodes": 0}, ValueError, "max_nodes"),
        ({"highlight": ["x"]}, TypeError, "highlight"),
    ],
)
def test_to_dot_rejects_bad_options(kwargs, error, message):
    with pytest.raises(error, match=message):
        to_dot(Value(1.0) * 2, **kwargs)


def test_to_dot_refuses_large_graphs_with_a_clear_message():
    x = Value(1.0)
    for _ in range(30):
        x = x * 1.01
    with pytest.raises(GraphTooLargeError, match="more than 20 values"):
        to_dot(x, max_nodes=20)
    assert to_dot(x, max_nodes=61).startswith("digraph")
    with pytest.raises(TypeError, match="needs a Value"):
        to_dot(3.0)
