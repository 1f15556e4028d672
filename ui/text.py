"""User and file text shown literally inside Markdown: never as formatting, links or images.

Streamlit renders Markdown in st.markdown, st.caption, messages, labels and help text. Text
that came from a user, a link or a file goes through `literal` (as prose) or `in_code` (inside
a code span) before it is put into any of them, so that `**x**`, `[a](https://...)`,
`![](https://...)`, `$x$`, `:red[x]` or `# x` show as typed.
"""

from __future__ import annotations

import re
import unicodedata

# Every ASCII punctuation character may be backslash-escaped in CommonMark. These are the ones
# that start formatting as Markdown is parsed: emphasis and strikethrough, code, links and
# images (no `[`, no link), headings, tables, HTML and entities, math `$`, and directives
# (`:red[x]`). Parentheses, dots and dashes mean nothing once `[` cannot open a link, except
# at the start of a line (below).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#!|<>~$&])")
# Other markup is found in the text after parsing, where escapes are already gone: emoji and
# icon shortcodes (`:smile:`, `:material/home:`) and bare links (`https://...`, `www.x.org`,
# `a@b.org`). An invisible WORD JOINER after each `:`, `@` and `www` breaks those patterns.
_JOIN_AFTER = re.compile(r"(:|@|www(?=\.))", re.IGNORECASE)
WORD_JOINER = "\u2060"
# A list item or a numbered list at the start of the text: "- x", "+ x", "1. x", "1) x".
_BULLET = re.compile(r"^(\s*)([-+])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def one_line(text: str) -> str:
    """Line breaks and other control characters as visible marks, so text stays on one line
    (a line break could start a heading or a list in Markdown)."""
    text = _LINE_BREAKS.sub(" ⏎ ", text)
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in {"Cc", "Cf"} else ch for ch in text
    )


def literal(text: str) -> str:
    """`text` escaped for Markdown prose: it shows exactly as written, on one line."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line(text))
    escaped = _JOIN_AFTER.sub(r"\1" + WORD_JOINER, escaped)
    escaped = _BULLET.sub(r"\1\\\2", escaped, count=1)
    return _NUMBERED.sub(r"\1\\\2", escaped, count=1)


def in_code(text: str, limit: int | None = None) -> str:
    """`text` as a Markdown code span (monospace, nothing inside it formats), shortened to
    `limit` characters. A backtick would end the span, so it shows as '."""
    text = one_line(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    # Streamlit turns `:material/x:` into an icon's name even inside code: break it as above.
    return "`" + text.replace("`", "'").replace(":", ":" + WORD_JOINER) + "`"
