"""Looking at a computation graph: its order, its nodes and edges, and a Graphviz drawing.

`to_dot(root)` returns DOT text (for `st.graphviz_chart` or the `dot` program) laid out left
to right like the lecture's `draw_dot`: one record per Value, `{ label | data 2.0000 |
grad -3.0000 }`, and one small node per operation between a value and its inputs. Every piece
of text that reaches the DOT output is escaped, so no label can break out of its record or
add nodes and edges.
"""

from __future__ import annotations

import colorsys
import math
import unicodedata
from collections.abc import Collection, Iterable

from engine.value import Value, by_creation, format_number, nodes_in_creation_order

MAX_DOT_NODES = 200  # Values; a drawing larger than this is unreadable anyway
LABEL_LIMIT = 40  # characters of a label shown in a drawing
RANKDIRS = ("LR", "RL", "TB", "BT")

# Gradient colours: positive gradients blue, negative orange (a pair that stays apart for the
# common colour blindnesses, tests/test_colours.py), paler the smaller |grad| is. Colour is
# never the only sign: the grad is written with its sign, and a negative one has a dashed box.
GRAD_HUE_POSITIVE = 0.60  # blue
GRAD_HUE_NEGATIVE = 0.07  # orange
GRAD_MAX_SATURATION = 0.75
HIGHLIGHT_COLOR = "#5b2a86"  # a thick purple outline: the node whose turn it is


class GraphTooLargeError(ValueError):
    """The graph has more Values than a drawing can show."""


def topological_order(root: Value) -> list[Value]:
    """Every Value `root` depends on (itself included), each after all of its inputs.

    The order is the order of creation, which is always topological because a node is made
    after its children. Works without recursion on graphs of any depth.
    """
    _check_value(root, "topological_order")
    return nodes_in_creation_order(root)


def trace(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    """The graph below `root` as (nodes, edges).

    `nodes` are in topological order; `edges` are (child, parent) pairs, one per child slot,
    so `b = a + a` has two edges from `a` to `b`.
    """
    nodes = topological_order(root)
    edges = [(child, node) for node in nodes for child in node.children]
    return nodes, edges


def grad_color(grad: float, max_abs_grad: float) -> str:
    """Fill colour (`#rrggbb`) for a gradient: blue if positive, orange if negative, white if
    0, more saturated the closer |grad| is to `max_abs_grad`."""
    if not math.isfinite(grad):
        return "#bbbbbb"
    if max_abs_grad <= 0.0 or grad == 0.0:
        return "#ffffff"
    strength = min(abs(grad) / max_abs_grad, 1.0)
    hue = GRAD_HUE_POSITIVE if grad > 0 else GRAD_HUE_NEGATIVE
    red, green, blue = colorsys.hsv_to_rgb(hue, GRAD_MAX_SATURATION * strength, 1.0)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def signed(number: float, number_format: str) -> str:
    """The number with its sign always written ("+0.5000", "-1.5000"): colour is never the
    only sign of a gradient."""
    text = format(number, number_format)
    return text if text.lstrip().startswith(("-", "+")) or not number >= 0 else "+" + text


def escape_record_text(text: str, limit: int = LABEL_LIMIT) -> str:
    """`text` made safe for one field of a Graphviz record label inside a quoted string.

    Control characters and line breaks become spaces, the text is cut to `limit`
    characters, then every character with a meaning in DOT strings or record labels
    (`{ } | < > " \\`) gets a backslash so it shows literally.
    """
    text = _printable(text, limit)
    return "".join("\\" + ch if ch in _RECORD_SPECIALS else ch for ch in text)


def escape_text(text: str, limit: int = LABEL_LIMIT) -> str:
    """`text` made safe for a plain (non-record) quoted DOT label."""
    text = _printable(text, limit)
    escaped = "".join("\\" + ch if ch in _STRING_SPECIALS else ch for ch in text)
    # Old Graphviz lexers read a backslash pair before the closing quote as an escaped quote.
    return escaped + " " if escaped.endswith("\\") else escaped


_RECORD_SPECIALS = frozenset('{}|<>"\\')
_STRING_SPECIALS = frozenset('"\\')


def _printable(text: str, limit: int) -> str:
    cleaned = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in str(text)
    )
    if len(cleaned) > limit:
        cleaned = cleaned[: max(limit - 1, 0)] + "…"
    return cleaned


def to_dot(
    root: Value,
    *,
    highlight: Value | Iterable[Value] | None = None,
    color_by_grad: bool = False,
    rankdir: str = "LR",
    show_grad: bool = True,
    grad_mask: Collection[Value] | None = None,
    number_format: str = ".4f",
    max_nodes: int = MAX_DOT_NODES,
) -> str:
    """Graphviz DOT text drawing the graph below `root`.

    - `highlight`: a Value (or several) to outline in orange, e.g. the node a step is at.
    - `color_by_grad`: fill each Value by its gradient (see `grad_color`), scaled to the
      largest |grad| shown.
    - `rankdir`: "LR" (inputs on the left, as in the lecture), "RL", "TB" or "BT".
    - `show_grad`: leave the grad field out when False (e.g. before any backward pass).
    - `grad_mask`: when given, only these Values show their grad; the others show
      `grad ?` (for a step-through where gradients are filled in one by one).
    - `number_format`: a format spec for data and grad, like ".4f" or ".3g".
    - `max_nodes`: refuse (GraphTooLargeError) graphs with more Values than this.
    """
    _check_value(root, "to_dot")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}; got {rankdir!r}")
    _check_number_format(number_format)
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive whole number, got {max_nodes!r}")
    nodes = _nodes_up_to(root, max_nodes)
    highlighted = _as_value_set(highlight, "highlight")
    shown = None if grad_mask is None else _as_value_set(grad_mask, "grad_mask")

    def grad_visible(node: Value) -> bool:
        return show_grad and (shown is None or node in shown)

    max_abs_grad = max(
        (abs(n.grad) for n in nodes if grad_visible(n) and math.isfinite(n.grad)), default=0.0
    )
    ids = {node: f"v{i}" for i, node in enumerate(nodes)}
    lines = [
        "digraph computation {",
        f"  rankdir={rankdir};",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [color="#666666"];',
    ]
    for node in nodes:
        texts = [node.label or "", f"data {format(node.data, number_format)}"]
        if show_grad:
            texts.append(
                f"grad {signed(node.grad, number_format)}" if grad_visible(node) else "grad ?"
            )
        fields = [escape_record_text(text) if text else " " for text in texts]
        # What a screen reader says for the node (Graphviz writes it as the SVG's title).
        tooltip = escape_text(", ".join(text for text in texts if text))
        attributes = [
            "shape=record",
            f'label="{{ {" | ".join(fields)} }}"',
            f'tooltip="{tooltip}"',
        ]
        if color_by_grad and grad_visible(node):
            dashed = ",dashed" if node.grad < 0 else ""
            fill = grad_color(node.grad, max_abs_grad)
            attributes += [f'style="filled{dashed}"', f'fillcolor="{fill}"']
        if node in highlighted:
            attributes += [f'color="{HIGHLIGHT_COLOR}"', "penwidth=4"]
        lines.append(f"  {ids[node]} [{', '.join(attributes)}];")
        if node.children:
            op_id = f"{ids[node]}_op"
            lines.append(
                f'  {op_id} [shape=ellipse, label="{escape_text(node.op)}", '
                'fontsize=10, margin="0.05,0.02", height=0.3];'
            )
            lines.append(f"  {op_id} -> {ids[node]};")
            lines.extend(f"  {ids[child]} -> {op_id};" for child in node.children)
    lines.append("}")
    return "\n".join(lines) + "\n"


def node_rows(root: Value) -> list[dict[str, object]]:
    """The graph below `root` as rows of a table, inputs first: each Value's label, the
    operation that made it and from what, its data and its grad. The same content as the
    drawing, for a screen reader and for anyone who reads a table better than a picture."""
    order = topological_order(root)
    names = {node: node.label or format_number(node.data) for node in order}
    return [
        {
            "node": names[node],
            "made by": f"{node.op} of {', '.join(names[child] for child in node.children)}"
            if node.children
            else "input",
            "data": node.data,
            "grad": node.grad,
            "grad sign": "+" if node.grad > 0 else "−" if node.grad < 0 else "0",
        }
        for node in order
    ]


def _nodes_up_to(root: Value, limit: int) -> list[Value]:
    """Topological order of the graph, or GraphTooLargeError as soon as it exceeds `limit`."""
    seen = {root}
    stack = [root]
    while stack:
        for child in stack.pop().children:
            if child not in seen:
                seen.add(child)
                if len(seen) > limit:
                    raise GraphTooLargeError(
                        f"this graph has more than {limit} values, too many to draw clearly; "
                        "draw a smaller expression (one neuron, say) or raise max_nodes"
                    )
                stack.append(child)
    return sorted(seen, key=by_creation)  # the reachable nodes, children before parents


def _check_value(root: object, where: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{where} needs a Value, got {type(root).__name__}")


def _as_value_set(items: Value | Iterable[Value] | None, name: str) -> set[Value]:
    if items is None:
        return set()
    if isinstance(items, Value):
        return {items}
    values = set()
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"{name} must hold Values, got {type(item).__name__}")
        values.add(item)
    return values


def _check_number_format(spec: object) -> None:
    if not isinstance(spec, str):
        raise TypeError(f"number_format must be a format spec string like '.4f', got {spec!r}")
    try:
        format(1.5, spec)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"number_format {spec!r} is not a valid format for numbers ({error}); "
            "try '.4f' or '.3g'"
        ) from None
