"""The class board's rules, without a database: room codes, teacher tokens, nicknames, limits.

Everything a student or a link can type goes through one of the `clean_*` functions, which
return the value to store or raise BoardError with a sentence for the page. Stored text is
shown literally (never as Markdown or HTML) by the page; these rules keep out what cannot be
shown at all (control and invisible formatting characters) and what is too long.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata

# Room codes avoid characters a class misreads from a projector: 0/O, 1/I/L.
ROOM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ROOM_CODE_LENGTH = 6
_ROOM_CODE = re.compile(f"[{ROOM_ALPHABET}]{{{ROOM_CODE_LENGTH}}}")

NICKNAME_MAX = 24
POST_INTERVAL_SECONDS = 10.0  # one post per student (and per nickname) this often
MAX_POSTS_PER_ROOM = 200
MAX_ROOMS_PER_HOUR = 60  # rooms one server (all its processes) opens an hour, at most
DEFAULT_ROOM_DAYS = 7.0
ROOM_DAYS_ENV = "EXPLORER_BOARD_ROOM_DAYS"
MAX_ROOM_DAYS = 90.0
BOARD_PAGES = ("bigram", "mlp")


class BoardError(Exception):
    """Something a student or teacher asked for that the board cannot do; str() says why."""


class BoardUnavailable(BoardError):
    """The board's database did not answer."""


def room_days() -> float:
    """How long a room lasts (EXPLORER_BOARD_ROOM_DAYS, default 7); a bad value means 7."""
    try:
        days = float(os.environ.get(ROOM_DAYS_ENV, DEFAULT_ROOM_DAYS))
    except ValueError:
        return DEFAULT_ROOM_DAYS
    return min(days, MAX_ROOM_DAYS) if days > 0 else DEFAULT_ROOM_DAYS


def new_room_code() -> str:
    return "".join(secrets.choice(ROOM_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def new_teacher_token() -> str:
    return secrets.token_urlsafe(18)


def token_digest(token: str) -> str:
    """What the database keeps of a teacher token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def token_matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def clean_room_code(raw: object) -> str:
    """A room code as typed or linked (case and spaces forgiven), or BoardError."""
    if not isinstance(raw, str) or not raw.strip():
        raise BoardError("Type the room code your teacher gave you.")
    code = raw.strip().upper().replace(" ", "").replace("-", "")
    if len(code) > 40 or not _ROOM_CODE.fullmatch(code):
        raise BoardError(
            f"A room code is {ROOM_CODE_LENGTH} letters and digits (no 0, O, 1, I or L); "
            "check the code or the link."
        )
    return code


def clean_nickname(raw: object) -> str:
    """A nickname to show on the board: 1-24 printable characters, or BoardError."""
    if not isinstance(raw, str):
        raise BoardError("Type a nickname.")
    name = unicodedata.normalize("NFC", raw.strip())
    if not name:
        raise BoardError("Type a nickname (1 to 24 characters).")
    if len(name) > NICKNAME_MAX:
        raise BoardError(
            f"A nickname has at most {NICKNAME_MAX} characters; this one has {len(name):,}."
        )
    if not name.isprintable():
        # Control characters, line breaks, and invisible formatting (right-to-left
        # overrides) would make one name look like another, or like the page's own text.
        raise BoardError("A nickname can only hold printable characters (no line breaks).")
    return name
