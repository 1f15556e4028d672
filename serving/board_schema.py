"""The class board's tables and the records read from them (serving/board_store.py has
every query). Times are Unix seconds (floats), so SQLite and PostgreSQL compare them alike."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from serving.board_rules import NICKNAME_MAX, ROOM_CODE_LENGTH

SCHEMA_VERSION = 1

metadata = MetaData()
schema_table = Table("board_schema", metadata, Column("version", Integer, nullable=False))
rooms_table = Table(
    "board_rooms",
    metadata,
    Column("code", String(ROOM_CODE_LENGTH), primary_key=True),
    Column("teacher_digest", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("closed", Boolean, nullable=False, default=False),
    Column("post_count", Integer, nullable=False, default=0),
)
posts_table = Table(
    "board_posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "room_code", ForeignKey("board_rooms.code", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("post_key", String(64), nullable=False),
    Column("page", String(16), nullable=False),
    Column("nickname", String(NICKNAME_MAX), nullable=False),
    Column("settings", Text, nullable=False),  # the page's link parameters, as JSON
    Column("details", Text, nullable=False),  # what the board shows of the run, as JSON
    Column("score", Float, nullable=False),
    Column("tiebreak", Float, nullable=False),
    Column("posted_at", Float, nullable=False),
    Column("hidden", Boolean, nullable=False, default=False),
    UniqueConstraint("room_code", "post_key"),
)
clocks_table = Table(
    "board_clocks",
    metadata,
    Column("room_code", ForeignKey("board_rooms.code", ondelete="CASCADE"), primary_key=True),
    Column("author", String(80), primary_key=True),  # "session:..." or "nickname:..."
    Column("last_post_at", Float, nullable=False),
)

# Which way is better, per page: Bigram ranks by dev NLL (lower), then n (smaller); the MLP
# by test accuracy (higher), then parameters (fewer).
LOWER_SCORE_IS_BETTER = {"bigram": True, "mlp": False}


@dataclass(frozen=True)
class Room:
    code: str
    created_at: float
    expires_at: float
    closed: bool
    post_count: int


@dataclass(frozen=True)
class NewPost:
    """A post as the page makes it: the score is the server's own, never a client's."""

    page: str
    nickname: str
    settings: dict[str, str]  # the page's link parameters that reproduce the run
    details: dict[str, object]  # what the board shows of the run
    score: float
    tiebreak: float


@dataclass(frozen=True)
class Post(NewPost):
    """A post as the board reads it back."""

    id: int
    posted_at: float
    hidden: bool


def best_over_time(posts: list[Post], page: str) -> list[tuple[float, float]]:
    """(time, the best score posted so far), at every post that improved it."""
    lower = LOWER_SCORE_IS_BETTER[page]
    best: float | None = None
    points = []
    for post in sorted(posts, key=lambda p: (p.posted_at, p.id)):
        if best is None or (post.score < best if lower else post.score > best):
            best = post.score
            points.append((post.posted_at, best))
    return points
