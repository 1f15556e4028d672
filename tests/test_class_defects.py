"""Defects a mischievous class found (issue 20), one regression test each where AppTest can
show it; tests/browser/test_class_defects.py has the ones only a browser can show. Each test
names the defect it guards and failed on the code before its fix."""

from __future__ import annotations

import re

import pytest

from data.words import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
from engine.expr import ExpressionError, parse
from tests.apptest_helpers import (
    exception_messages,
    open_with_link,
    page_state,
    setting_value,
    shown,
)
from ui.bigram import SETTINGS as BIGRAM_SETTINGS
from ui.bigram import BigramState
from ui.mlp import SETTINGS as MLP_SETTINGS
from ui.presenter import from_link
from ui.text import in_code, literal

DEFECT_1_LINK = {
    "steps": "5",
    "points": "50",
    "data_seed": "1",
    "lr": "0.5",
    "seed": "42",
    "l2": "0.01",
}
# Markdown a student can type or put in a link or a file name: emphasis, a link, an image the
# browser would fetch, math, a heading, a colour directive, an icon, HTML and an autolink.
MARKDOWN = (
    "**bold** [click](https://evil.example) ![x](https://evil.example/p.png) $x^2$ "
    "# heading :red[red] :material/home: <b>b</b> https://evil.example www.evil.example"
)
UNESCAPED_MARKUP = re.compile(
    r"(?<!\\)\*\*|(?<!\\)\[|(?<!\\)\$|(?<!\\)#|(?<!\\):[a-z]|(?<!\\)<|(?<!\\)!\[|https?://|www\.|@\w"
)


def markup_outside_code(markdown: str) -> list[str]:
    """Unescaped Markdown markup in `markdown`, code spans left out (nothing formats there)."""
    return UNESCAPED_MARKUP.findall(re.sub(r"`[^`]*`", "", markdown))


def widget_default_and_value(element) -> tuple[object, object]:
    """What a widget's proto gives the browser as its default, and the widget's value, in
    comparable form. The browser falls back to that default when it has lost the widget's
    state (a page switch and a Back press at the same moment)."""
    proto, kind = element.proto, element.type
    if kind == "slider":
        return [float(x) for x in proto.default], [float(element.value)]
    if kind == "number_input":
        return float(proto.default), float(element.value)
    if kind == "select_slider":
        return list(proto.options)[int(proto.default[0])], element.format_func(element.value)
    if kind in ("selectbox", "radio"):
        return proto.default, element.index
    if kind == "button_group":
        return list(proto.default), list(element.indices)
    return proto.default, element.value  # toggle, checkbox, text_input


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("pages/mlp.py", DEFECT_1_LINK),
        ("pages/neuron.py", {"w1": "2.5", "activation": "relu", "h": "1e-08"}),
        ("pages/bigram.py", {"smoothing": "3.5", "sex": "F", "steps": "120", "n": "3"}),
    ],
)
def test_defect_1_every_widget_tells_the_browser_its_value_not_its_minimum(page, link):
    """Widgets fell to their minimums after a page switch and Back at the same moment: the
    browser forgot the widgets' state and showed the default the server gave them, which was
    the minimum. Now every widget's default is its current value."""
    at = open_with_link(page, link)
    prefix = page.removeprefix("pages/").removesuffix(".py") + "."
    checked = 0
    for kind in ("slider", "number_input", "select_slider", "selectbox", "radio"):
        for element in at.get(kind):
            if (element.key or "").startswith(prefix):
                default, value = widget_default_and_value(element)
                assert default == value, (element.key, default, value)
                checked += 1
    for element in at.get("button_group") + at.get("toggle") + at.get("text_input"):
        if (element.key or "").startswith(prefix):
            default, value = widget_default_and_value(element)
            assert default == value, (element.key, default, value)
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("how", ["typed", "link"])
def test_defect_2_too_few_names_say_so_and_keep_the_words(how):
    """top_n=1 crashed the Bigram page ("1 words are too few to split")."""
    if how == "typed":
        at = open_with_link("pages/bigram.py", {"top_n": "500"})
        before = page_state(at, BigramState).choice.built_in
        at.number_input(key="bigram.top_n").set_value(1).run()
    else:
        at = open_with_link("pages/bigram.py", {"top_n": "1"})
        before = None
    assert not at.exception, exception_messages(at)
    [warning] = [w.value for w in at.warning if "too few" in w.value]
    assert "The 1 most popular names of 2017 are too few to split" in warning
    kept = page_state(at, BigramState).choice.built_in
    if before is not None:
        assert kept is before and len(kept.words) == 500  # the last good words stay
    else:
        assert len(kept.words) == 29_910  # a first visit keeps the default words
    assert setting_value(at, BIGRAM_SETTINGS, "top_n") == 1  # what the student typed stays
    at.number_input(key="bigram.top_n").set_value(2000).run()
    assert not any("too few" in w.value for w in at.warning)
    assert len(page_state(at, BigramState).choice.built_in.words) == 2000


def test_defect_3_a_negative_zero_in_a_link_is_the_zero_the_widget_shows():
    """`/mlp?noise=-0.0` showed 0.00 but the page said "scale < 0" and drew nothing."""
    at = open_with_link("pages/mlp.py", {"noise": "-0.0"})
    assert not at.error and not at.warning
    noise = setting_value(at, MLP_SETTINGS, "noise")
    assert noise == 0.0 and str(noise) == "0.0"  # not -0.0
    assert at.query_params.get("noise") == "0.0"  # the link says what the widget shows
    at.button(key="mlp.train").click().run()
    assert not at.error and not at.exception


@pytest.mark.parametrize("text", [MARKDOWN, "a\n\n# heading\n- item", "x` [a](http://e) `y"])
def test_defect_4_literal_and_in_code_keep_every_markup_inert(text):
    """The helpers every page uses for user text: nothing in the result opens formatting."""
    escaped = literal(text)
    assert "\n" not in escaped and not markup_outside_code(escaped), escaped
    assert shown(escaped).replace(" ⏎ ", "\n").replace("⏎", "\n") == text or "\n" in text
    code = in_code(text)
    assert code.count("`") == 2 and "\n" not in code


@pytest.mark.parametrize("text", ["a*b # [link](https://evil.example)", "a*b\n# [x](http://e)"])
def test_defect_4_a_formula_has_no_comments_and_no_line_breaks(text):
    """A formula with a line break and a `#` comment broke out of the "Drawn:" code span."""
    with pytest.raises(ExpressionError, match="is not allowed"):
        parse(text)
    at = open_with_link("pages/neuron.py", {"mode": "formula", "formula": text})
    drawn = next(m.value for m in at.markdown if m.value.startswith("Drawn:"))
    assert drawn == "Drawn: `L = (a*b + c) * f`"  # the last formula that worked
    assert any("is not allowed" in e.value for e in at.error)


def test_defect_4_a_typed_word_shows_as_typed():
    """The word to take apart (typed or `?word=`) rendered as Markdown."""
    at = open_with_link("pages/bigram.py", {"word": "**x**[a](http://e)"})
    texts = [w.value for w in at.warning] + [m.value for m in at.markdown]
    word = next(t for t in texts if "x" in t and "vocabulary" in t)
    assert not markup_outside_code(word), word
    assert "**x**[a](http://e)" in shown(word)


def test_defect_4_a_word_list_name_shows_as_named():
    """File names in a loaded word list rendered as Markdown."""
    at = open_with_link("pages/bigram.py", {"data": "upload"})
    name = "[click](https://evil.example) **x**.txt"
    at.file_uploader(key="bigram.uploader").set_value((name, b"anna\nbob\ncarl\n", "text/plain"))
    at.run()
    label = next(m.value for m in at.markdown if "words from" in m.value)
    inside = label.removeprefix("**").removesuffix("**")  # the page's own bold
    assert not markup_outside_code(inside), label
    assert shown(inside) == f"3 words from {name}"


def test_defect_6_the_uploader_and_the_parser_share_one_limit():
    """Uploads between 5,000,001 bytes and 5 MiB were refused by the browser (5 MB of
    1,000,000 bytes) but the parser's limit was 5 MiB: one number, one unit now."""
    at = open_with_link("pages/bigram.py", {"data": "upload"})
    uploader = at.file_uploader(key="bigram.uploader")
    assert uploader.proto.max_upload_size_mb == MAX_UPLOAD_MB
    assert f"at most {MAX_UPLOAD_MB} MB" in uploader.label
    assert MAX_UPLOAD_BYTES == MAX_UPLOAD_MB * 1_000_000
    at.file_uploader(key="bigram.uploader").set_value(
        ("big.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "text/plain")
    )
    at.run()
    [error] = [shown(e.value) for e in at.error]
    assert f"the limit is {MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes)" in error


def test_defect_7_a_typed_word_is_normalised_as_uploads_are():
    """After uploading accented names, "émile" typed decomposed (e + U+0301, as macOS pastes
    it) was refused with a lone combining accent; "İ" left a combining dot in the vocabulary."""
    at = open_with_link("pages/bigram.py", {"data": "upload"})
    names = "Émile\nZoë\nİlker\nAda\nBéa\n".encode()
    at.file_uploader(key="bigram.uploader").set_value(("names.txt", names, "text/plain")).run()
    vocab = page_state(at, BigramState).choice.upload.word_set("split").vocab.itos
    assert "\u0307" not in vocab and "i" in vocab
    at.text_input(key="bigram.word").set_value("E\u0301mile").run()
    at.text_input(key="bigram.score").set_value("ZOE\u0308").run()
    assert not at.exception, exception_messages(at)
    assert not [w.value for w in at.warning if "vocabulary" in w.value]
    assert any("`.é ém mi il le e.`" in m.value for m in at.markdown)


@pytest.mark.parametrize("raw", ["True", "true", "1", "on", "YES"])
def test_defect_7_present_true_is_read_like_every_other_true(raw):
    assert from_link({"present": raw}).present
    assert not from_link({"present": "banana"}).present
