"""Reading a student's own word list: a text file with one word per line, like names.txt.

The parser is strict and explains itself. Every rejection is a ValueError whose message says
what is wrong, on which line, and how to fix it, because the page shows the message as is.

Choices:
- Words are lowercased (as names.txt and the built-in SSA names are) and put in Unicode NFC
  form, so that an accented letter typed two ways ("é" as one code point, or "e" plus a
  combining accent) is one character of the vocabulary, not two.
- A word may contain letters of any script, combining marks (accents), apostrophes (' and ’)
  and hyphens. Anything else (digits, spaces inside a word, punctuation, emoji) is rejected,
  naming the line and the character.
- Duplicates are kept: a name listed twice counts twice, as it would in the lecture's loop.
- `.` is reserved: the models use it to mark where a word starts and ends.
"""

from __future__ import annotations

import re
import unicodedata

# One limit for word lists, in one unit: 5 MB = 5,000,000 bytes. The page's uploader passes
# it to Streamlit (max_upload_size=5), whose browser side counts megabytes of 1,000,000
# bytes; the server's own ceiling (server.maxUploadSize, in MiB) is above it.
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1_000_000
# COMBINING DOT ABOVE after i or j adds nothing (both already have a dot); lowercasing the
# Turkish capital İ leaves one there ("İ".lower() == "i" + U+0307).
_REDUNDANT_DOT = re.compile("(?<=[ij])\u0307")
MAX_WORDS = 200_000
MAX_WORD_LENGTH = 50
RESERVED_TOKEN = "."
MIN_DISTINCT_CHARACTERS = 2

# Letters and combining marks are allowed by Unicode category; these few are allowed by name.
ALLOWED_PUNCTUATION = frozenset("'\u2019-")

_SAVE_AS_UTF8 = (
    "Save it as UTF-8 text (in most editors: Save as, then Encoding: UTF-8) and upload it again."
)


def parse_word_list(raw: bytes) -> list[str]:
    """Words of an uploaded text file, one per line, lowercased; a fresh list on every call.

    Accepts UTF-8 with or without a byte-order mark, Windows (\\r\\n) or old Mac (\\r) line
    ends, blank lines and spaces around words. Raises ValueError with a message for students.
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_word_list expects the file's bytes, not {type(raw).__name__}")
    raw = bytes(raw)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"The file is {len(raw):,} bytes; the limit is {MAX_UPLOAD_MB} MB "
            f"({MAX_UPLOAD_BYTES:,} bytes). Upload a shorter word list."
        )
    if not raw.strip():
        raise ValueError("The file is empty. Upload a text file with one word per line.")

    text = _decode_utf8(raw)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    words: list[str] = []
    for line_number, line in enumerate(lines, start=1):
        word = normalize_word(line)
        if not word:
            continue
        _check_word(word, line_number)
        if len(words) == MAX_WORDS:
            raise ValueError(
                f"The file has more than {MAX_WORDS:,} words (line {line_number} holds word "
                f"{MAX_WORDS + 1:,}). Upload at most {MAX_WORDS:,} words."
            )
        words.append(word)

    if not words:
        raise ValueError(
            "The file has no words, only blank lines. Upload a text file with one word per line."
        )
    distinct = sorted(set("".join(words)))
    if len(distinct) < MIN_DISTINCT_CHARACTERS:
        raise ValueError(
            f"All the words use a single character ({distinct[0]!r}). A model needs at least "
            f"{MIN_DISTINCT_CHARACTERS} different characters to have anything to predict."
        )
    return words


def normalize_word(text: str) -> str:
    """A word as the models see it, typed or uploaded: trimmed, lowercased and in Unicode's
    composed form (NFC), so "émile" typed as e + U+0301 (as macOS pastes it) is the same
    word as the precomposed "émile" of a file, and "İ" lowercases to plain "i"."""
    word = unicodedata.normalize("NFC", text.strip().lower())
    return _REDUNDANT_DOT.sub("", word)


def _decode_utf8(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"The file is UTF-16 (or UTF-32) text, not UTF-8. {_SAVE_AS_UTF8}")
    if b"\x00" in raw:
        line_number = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ValueError(
            f"Line {line_number} contains a NUL byte: the file is binary, or UTF-16 text, "
            f"not UTF-8 text. {_SAVE_AS_UTF8}"
        )
    try:
        # utf-8-sig drops a leading byte-order mark, which some Windows editors write.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_number = raw[: error.start].count(b"\n") + 1
        bad_byte = raw[error.start]
        raise ValueError(
            f"Line {line_number} is not UTF-8 text (byte 0x{bad_byte:02X} cannot start or "
            f"continue a UTF-8 character; the file may be Latin-1, Windows-1252 or binary). "
            f"{_SAVE_AS_UTF8}"
        ) from None


def _check_word(word: str, line_number: int) -> None:
    if len(word) > MAX_WORD_LENGTH:
        raise ValueError(
            f"Line {line_number}: the word {_shorten(word)!r} is {len(word)} characters long; "
            f"the limit is {MAX_WORD_LENGTH}. Put one word per line."
        )
    for char in word:
        if char == RESERVED_TOKEN:
            raise ValueError(
                f"Line {line_number}: the word {word!r} contains '.', which the models reserve "
                "to mark where a word starts and ends. Remove the dots from your words."
            )
        if char.isspace():
            raise ValueError(
                f"Line {line_number}: {word!r} contains a space or tab. Put one word per line."
            )
        if not _is_allowed_character(char):
            raise ValueError(
                f"Line {line_number}: the word {word!r} contains {_describe(char)}, which is "
                "not a letter. Words may only contain letters, apostrophes and hyphens."
            )


def _is_allowed_character(char: str) -> bool:
    # Categories L* are letters of any script; M* are combining marks such as accents.
    return unicodedata.category(char)[0] in "LM" or char in ALLOWED_PUNCTUATION


def _describe(char: str) -> str:
    """A character as a student can find it: itself when visible, plus its code point."""
    name = unicodedata.name(char, "")
    label = f" {name.lower()}" if name else ""
    visible = unicodedata.category(char)[0] not in "CZ"
    shown = f"{char!r} " if visible else ""
    return f"{shown}(U+{ord(char):04X}{label})"


def _shorten(word: str, keep: int = 20) -> str:
    return word if len(word) <= keep else word[:keep] + "…"
