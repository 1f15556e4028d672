"""models.ngram.Vocabulary, the one character table, against the lecture's stoi / itos and
hand-worked examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.ngram import Vocabulary


def test_names_txt_gives_the_lectures_table(names_txt):
    words = names_txt.read_text().splitlines()
    # The lecture: chars = sorted(list(set(''.join(words)))); stoi = {s: i + 1 ...}; stoi['.'] = 0
    chars = sorted(set("".join(words)))
    lecture_stoi = {s: i + 1 for i, s in enumerate(chars)}
    lecture_stoi["."] = 0
    vocab = Vocabulary.from_words(words)
    assert len(vocab) == 27
    assert dict(vocab.stoi) == lecture_stoi
    assert vocab.itos == tuple(".abcdefghijklmnopqrstuvwxyz")


def test_hand_worked_encode_and_decode():
    vocab = Vocabulary.from_words(["emma", "ava"])
    assert vocab.itos == (".", "a", "e", "m", "v")
    assert vocab.encode("emma") == [2, 3, 3, 1]
    assert vocab.encode(".ava.") == [0, 1, 4, 1, 0]
    assert vocab.decode([2, 3, 3, 1]) == "emma"
    assert "m" in vocab and "z" not in vocab and "." in vocab


def test_unknown_character_is_named_with_its_word():
    vocab = Vocabulary.from_words(["emma", "ava"])
    with pytest.raises(ValueError, match=r"'z' in 'zoe' is not in the vocabulary \('.aemv'\)"):
        vocab.encode("zoe")


def test_out_of_range_index_is_refused():
    vocab = Vocabulary.from_words(["ab"])
    with pytest.raises(ValueError, match="Index 3 is outside the vocabulary"):
        vocab.decode([1, 3])


def test_reserved_token_and_empty_input_are_refused():
    with pytest.raises(ValueError, match="'a.b' contains '.'"):
        Vocabulary.from_words(["ab", "a.b"])
    with pytest.raises(ValueError, match="no words"):
        Vocabulary.from_words([])
    with pytest.raises(ValueError, match="must start with '.'"):
        Vocabulary(("a", "."))
    with pytest.raises(ValueError, match="once"):
        Vocabulary((".", "a", "a"))
    with pytest.raises(ValueError, match="single character"):
        Vocabulary((".", "ab"))
    with pytest.raises(ValueError, match="single character"):
        Vocabulary((".", 1))
    with pytest.raises(ValueError, match="must start with '.'"):
        Vocabulary(())


def test_equality_and_immutability():
    a = Vocabulary.from_words(["emma"])
    b = Vocabulary.from_words(("me", "am"))
    assert a == b and hash(a) == hash(b)
    assert a != Vocabulary.from_words(["emmy"])
    with pytest.raises(AttributeError):
        a.itos = (".", "z")  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.stoi["z"] = 9  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_characters=".\n"), min_size=1), min_size=1))
def test_every_word_round_trips(words):
    vocab = Vocabulary.from_words(words)
    assert vocab.itos[0] == "."
    assert list(vocab.itos[1:]) == sorted(set("".join(words)))
    for word in words:
        assert vocab.decode(vocab.encode(word)) == word


# ---------------------------------------------------------------- what the models need


def test_a_line_break_is_refused():
    # The n-gram encoder closes every padded word with a line break (see padded_text).
    with pytest.raises(ValueError, match=r"The word 'a\\nb' contains a line break"):
        Vocabulary.from_words(["ab", "a\nb"])
    with pytest.raises(ValueError, match="cannot contain a line break"):
        Vocabulary((".", "a", "\n"))


def test_from_any_takes_a_vocabulary_an_itos_or_plain_characters():
    vocab = Vocabulary.from_words(["emma", "ava"])
    assert Vocabulary.from_any(vocab) is vocab

    class HasItos:
        itos = (".", "a", "e", "m", "v")

    assert Vocabulary.from_any(HasItos()) == vocab
    assert Vocabulary.from_any(".aemv") == vocab
    assert Vocabulary.from_any([".", "a", "e", "m", "v"]) == vocab
    with pytest.raises(ValueError, match="must start with '.'"):
        Vocabulary.from_any("ab")


def test_a_padded_text_gives_the_table_of_its_words():
    # "..emma\n..ava\n" is how the models pad two words for n = 3.
    assert Vocabulary.from_padded_text("..emma\n..ava\n") == Vocabulary((".", "a", "e", "m", "v"))
    assert Vocabulary.from_padded_text(".\n") == Vocabulary((".",))  # one empty word


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(exclude_characters=".\n")), min_size=1),
    st.integers(2, 4),
)
def test_from_padded_text_agrees_with_from_words(words, n):
    pad = "." * (n - 1)
    text = "".join(pad + word + "\n" for word in words)
    assert Vocabulary.from_padded_text(text) == Vocabulary.from_words(words)


def test_context_encoding_by_hand():
    vocab = Vocabulary.from_words(["emma", "ava"])  # . a e m v
    assert vocab.encode_context(".", 2) == (0,)
    assert vocab.encode_context("em", 3) == (2, 3)
    assert vocab.encode_context("..a", 4) == (0, 0, 1)
    with pytest.raises(ValueError, match="2 character\\(s\\) long, not 'e'"):
        vocab.encode_context("e", 3)
    with pytest.raises(ValueError, match="1 character\\(s\\) long, not 0"):
        vocab.encode_context(0, 2)
    with pytest.raises(ValueError, match=r"'z' in 'ez' is not in the vocabulary"):
        vocab.encode_context("ez", 3)
