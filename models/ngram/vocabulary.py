"""The characters a model knows, as the lecture's `stoi` / `itos`: `.` (the start and the end of
a word) at index 0, then the characters of the data sorted by code point.

This is the project's one character table. The Bigram page builds it from its word list
(`Vocabulary.from_words`) and hands it to the models; a model given none builds the same table
from the words it is fitted on (`Vocabulary.from_padded_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

BOUNDARY = "."
# Ends each padded word in the n-gram encoder's working text (models.ngram.encoding). No
# vocabulary may contain it, so the encoder can tell the end of one word from the padding of
# the next.
WORD_END = "\n"


@dataclass(frozen=True)
class Vocabulary:
    """An immutable character table; equal when the characters and their order are equal."""

    itos: tuple[str, ...]
    stoi: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        itos = tuple(self.itos)
        if not itos or itos[0] != BOUNDARY:
            raise ValueError(f"A vocabulary must start with {BOUNDARY!r} at index 0.")
        if any(not isinstance(ch, str) or len(ch) != 1 for ch in itos):
            raise ValueError("Every entry of a vocabulary must be a single character.")
        if len(set(itos)) != len(itos):
            raise ValueError("A vocabulary must list each character once.")
        if WORD_END in itos:
            raise ValueError("A vocabulary cannot contain a line break.")
        # Frozen: the checked tuple and its read-only index are set here, once.
        object.__setattr__(self, "itos", itos)
        object.__setattr__(self, "stoi", MappingProxyType({ch: i for i, ch in enumerate(itos)}))

    @classmethod
    def from_any(cls, vocab: Any) -> Vocabulary:
        """`vocab` itself when it is a Vocabulary; else one made from its `itos` attribute or,
        without one, from `vocab` as a sequence of characters (".abc" works)."""
        if isinstance(vocab, cls):
            return vocab
        return cls(getattr(vocab, "itos", vocab))

    @classmethod
    def from_words(cls, words: Iterable[str]) -> Vocabulary:
        """`.` then every character used in the words, sorted by code point."""
        chars: set[str] = set()
        any_word = False
        for word in words:
            any_word = True
            if BOUNDARY in word:
                raise ValueError(
                    f"The word {word!r} contains '.', which is reserved for the start and end "
                    "of words."
                )
            if WORD_END in word:
                raise ValueError(f"The word {word!r} contains a line break.")
            chars.update(word)
        if not any_word:
            raise ValueError("There are no words to build a vocabulary from.")
        return cls((BOUNDARY, *sorted(chars)))

    @classmethod
    def from_padded_text(cls, text: str) -> Vocabulary:
        """The vocabulary of words already padded and joined into one text (see
        models.ngram.encoding.padded_text, which also checks them): the same table as
        from_words on the words, read with one set() over the text instead of a word loop."""
        chars = set(text)
        chars.discard(BOUNDARY)
        chars.discard(WORD_END)
        return cls((BOUNDARY, *sorted(chars)))

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, char: object) -> bool:
        return char in self.stoi

    def encode(self, text: str) -> list[int]:
        """Indices of the characters of `text` (`.` included, as index 0)."""
        ids = []
        for ch in text:
            index = self.stoi.get(ch)
            if index is None:
                raise ValueError(
                    f"The character {ch!r} in {text!r} is not in the vocabulary "
                    f"({''.join(self.itos)!r})."
                )
            ids.append(index)
        return ids

    def decode(self, ids: Iterable[int]) -> str:
        """The characters at the given indices, joined."""
        chars = []
        for index in ids:
            index = int(index)
            if not 0 <= index < len(self.itos):
                raise ValueError(
                    f"Index {index} is outside the vocabulary (0 to {len(self.itos) - 1})."
                )
            chars.append(self.itos[index])
        return "".join(chars)

    def encode_context(self, context: str, n: int) -> tuple[int, ...]:
        """The indices of an n-gram model's context: the n-1 characters before a prediction."""
        if not isinstance(context, str) or len(context) != n - 1:
            raise ValueError(
                f"A context of this model is {n - 1} character(s) long, not {context!r}."
            )
        return tuple(self.encode(context))
