"""The characters a model knows: `.` (start and end of a word) at index 0, then the sorted
characters of the data, as in the lecture's `stoi` / `itos`.

The models in models/ accept a Vocabulary (anything with an `itos` sequence, in fact), so
the page can build one here and hand it to a model; models/ never imports data/.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

BOUNDARY = "."


@dataclass(frozen=True)
class Vocabulary:
    """An immutable character table; equal when the characters and their order are equal."""

    itos: tuple[str, ...]
    stoi: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        itos = tuple(self.itos)
        if not itos or itos[0] != BOUNDARY:
            raise ValueError(f"A vocabulary starts with {BOUNDARY!r} at index 0.")
        if any(not isinstance(ch, str) or len(ch) != 1 for ch in itos):
            raise ValueError("Every entry of a vocabulary is a single character.")
        if len(set(itos)) != len(itos):
            raise ValueError("A vocabulary lists each character once.")
        object.__setattr__(self, "itos", itos)
        stoi = MappingProxyType({ch: i for i, ch in enumerate(itos)})
        object.__setattr__(self, "stoi", stoi)

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
            chars.update(word)
        if not any_word:
            raise ValueError("There are no words to build a vocabulary from.")
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
                    f"(it has: {''.join(self.itos)!r})."
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
