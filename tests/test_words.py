"""data.words.parse_word_list: what a student's upload becomes, and every rejection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.words import MAX_UPLOAD_BYTES, MAX_WORD_LENGTH, MAX_WORDS, parse_word_list


def test_names_txt_reads_as_the_lecture_reads_it(names_txt):
    # The lecture: words = open('names.txt', 'r').read().splitlines()
    lecture_words = names_txt.read_text().splitlines()
    words = parse_word_list(names_txt.read_bytes())
    assert len(words) == 32_033
    assert words == lecture_words
    assert words[:3] == ["emma", "olivia", "ava"]


def test_bom_crlf_blank_lines_and_spaces_are_tidied():
    raw = "\ufeff  Emma \r\n\r\nOlivia\r\n\t ava\t\r\n\r\n".encode()
    assert parse_word_list(raw) == ["emma", "olivia", "ava"]


def test_old_mac_line_ends():
    assert parse_word_list(b"emma\rava\r") == ["emma", "ava"]


def test_letters_of_any_script_apostrophes_and_hyphens_are_kept():
    raw = "Zoë\nJosé\nO'Brien\nAnne-Marie\nŁucja\nМария\n美咲\nd’Arcy\n".encode()
    assert parse_word_list(raw) == [
        "zoë",
        "josé",
        "o'brien",
        "anne-marie",
        "łucja",
        "мария",
        "美咲",
        "d’arcy",
    ]


def test_an_accent_typed_as_a_combining_mark_becomes_one_character():
    decomposed = "Jose\u0301\n".encode()  # e + COMBINING ACUTE ACCENT
    assert parse_word_list(decomposed) == ["jos\u00e9"]


def test_duplicates_are_kept_in_order():
    assert parse_word_list(b"ava\nemma\nava\n") == ["ava", "emma", "ava"]


def test_each_call_returns_a_fresh_list():
    raw = b"emma\nava\n"
    first = parse_word_list(raw)
    first.append("changed")
    assert parse_word_list(raw) == ["emma", "ava"]


def test_limits_match_the_issue_and_streamlit():
    # 5 MB of 1,000,000 bytes, the unit the uploader's browser side counts in (issue 20).
    assert MAX_UPLOAD_BYTES == 5_000_000
    assert MAX_WORDS == 200_000
    assert MAX_WORD_LENGTH == 50


@pytest.mark.parametrize(
    ("raw", "expected_phrases"),
    [
        pytest.param(b"", ["empty"], id="empty file"),
        pytest.param(b"\n \r\n\t\n", ["empty"], id="only whitespace"),
        pytest.param("\ufeff\n\n".encode(), ["no words"], id="only a byte-order mark"),
        pytest.param(
            "emma\nava\n".encode("utf-16"), ["UTF-16", "UTF-8"], id="UTF-16 with byte-order mark"
        ),
        pytest.param(
            "emma\nava\n".encode("utf-16-le"), ["Line 1", "NUL", "UTF-8"], id="UTF-16 no BOM"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", ["Line 3", "NUL"], id="binary"),
        pytest.param(
            "emma\nzoë\n".encode("latin-1"), ["Line 2", "not UTF-8", "0xEB"], id="Latin-1"
        ),
        pytest.param(b"emma\nem.ma\n", ["Line 2", "'em.ma'", "'.'"], id="reserved token"),
        pytest.param(b"emma\n.\n", ["Line 2", "'.'"], id="the token alone"),
        pytest.param(b"emma\nr2d2\n", ["Line 2", "'2'", "not a letter"], id="digit"),
        pytest.param(
            "emma\nava😀\n".encode(), ["Line 2", "'😀'", "U+1F600", "not a letter"], id="emoji"
        ),
        pytest.param("ava\u200bb\n".encode(), ["Line 1", "U+200B", "not a letter"], id="invisible"),
        pytest.param(b"emma\nmary ann\n", ["Line 2", "space", "one word per line"], id="space"),
        pytest.param(b"aaaa\naa\n", ["single character", "'a'", "at least 2"], id="one char"),
    ],
)
def test_rejections_explain_themselves(raw, expected_phrases):
    with pytest.raises(ValueError) as caught:
        parse_word_list(raw)
    for phrase in expected_phrases:
        assert phrase in str(caught.value), (phrase, str(caught.value))


def test_a_word_of_the_maximum_length_is_fine_one_more_is_not():
    ok = b"ab" * (MAX_WORD_LENGTH // 2)
    assert parse_word_list(b"emma\n" + ok + b"\n") == ["emma", ok.decode()]
    with pytest.raises(ValueError, match=r"Line 2: .* is 51 characters long; the limit is 50"):
        parse_word_list(b"emma\n" + ok + b"c\n")


def test_the_word_limit_names_the_line_of_the_first_word_too_many():
    exactly = "ab\nba\n" * (MAX_WORDS // 2)
    assert len(parse_word_list(exactly.encode())) == MAX_WORDS
    with pytest.raises(
        ValueError, match=r"more than 200,000 words \(line 200001 holds word 200,001"
    ):
        parse_word_list((exactly + "abc\n").encode())


def test_a_file_over_5_mb_is_refused_before_decoding():
    too_big = b"a\n" * (MAX_UPLOAD_BYTES // 2) + b"b"
    assert len(too_big) == MAX_UPLOAD_BYTES + 1
    with pytest.raises(ValueError, match="limit is 5 MB"):
        parse_word_list(too_big)


def test_bytes_are_required():
    with pytest.raises(TypeError):
        parse_word_list("emma\nava")  # type: ignore[arg-type]


lowercase_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé'-", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(lowercase_words, min_size=1, max_size=20),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    padding=st.sampled_from(["", " ", "\t", "  "]),
)
def test_any_tidy_word_list_round_trips(words, line_end, bom, padding):
    if len(set("".join(words))) < 2:
        words = [*words, "ab"]
    text = line_end.join(padding + w.upper() + padding for w in words) + line_end
    raw = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    assert parse_word_list(raw) == words
