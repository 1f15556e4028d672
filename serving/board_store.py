"""The class board's database: every query the app makes of it, and nothing else does.

SQLAlchemy Core on any engine (SQLite by default, PostgreSQL on a hosted app); every value
travels as a bound parameter. Times are Unix seconds (floats) so both databases compare
them the same way. The limits hold under concurrent posts because each is one conditional
UPDATE, atomic in both databases:

- a room takes a post only while `post_count < MAX_POSTS_PER_ROOM`, it is open and unexpired;
- a student (and a nickname) posts only if their clock row is older than the interval;
- a post's key is unique in its room, so one key submitted twice adds one post.

A post, its count and its clocks change in one transaction: a refused post leaves no trace.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Engine,
    and_,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from serving.board_rules import (
    BOARD_PAGES,
    MAX_POSTS_PER_ROOM,
    MAX_ROOMS_PER_HOUR,
    POST_INTERVAL_SECONDS,
    BoardError,
    BoardUnavailable,
    clean_nickname,
    clean_room_code,
    new_room_code,
    new_teacher_token,
    token_digest,
    token_matches,
)
from serving.board_schema import (
    LOWER_SCORE_IS_BETTER,
    SCHEMA_VERSION,
    NewPost,
    Post,
    Room,
    clocks_table,
    metadata,
    posts_table,
    rooms_table,
    schema_table,
)

PURGE_EVERY_SECONDS = 60.0


class BoardStore:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        self._purged_at = -math.inf
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A transaction; a database that does not answer becomes BoardUnavailable."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except IntegrityError:
            raise
        except DBAPIError as error:
            raise BoardUnavailable(
                "The class board's database is not answering; try again in a minute. "
                "Everything else on the page still works."
            ) from error

    # ---- schema ----------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create the tables on first use; refuse a database a newer app has changed.
        Several processes starting at once may race to create them: the loser tries again
        and finds them made."""
        for attempt in range(3):
            try:
                return self._migrate_once()
            except BoardUnavailable:
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def _migrate_once(self) -> None:
        with self._transaction() as connection:
            metadata.create_all(connection, checkfirst=True)
            version = connection.execute(select(schema_table.c.version)).scalar()
            if version is None:
                connection.execute(insert(schema_table).values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise BoardError(
                    f"The board's database has schema {version}, newer than this app's "
                    f"{SCHEMA_VERSION}: update the app."
                )
            # Later schemas add their steps here: `if version < 2: ...` then bump the row.

    # ---- rooms -----------------------------------------------------------------------------

    def open_room(self, days: float) -> tuple[str, str]:
        """A new room lasting `days`: (code, teacher token). Only the token's digest is kept."""
        if not 0 < days <= 366:
            raise BoardError("A room lasts a positive number of days, at most a year.")
        self.purge_expired(force=True)
        now = self.clock()
        with self._transaction() as connection:
            recent = connection.execute(
                select(func.count())
                .select_from(rooms_table)
                .where(rooms_table.c.created_at > now - 3600.0)
            ).scalar_one()
        if recent >= MAX_ROOMS_PER_HOUR:
            raise BoardError(
                f"{recent} boards were opened on this server in the last hour, its most; "
                "use one of them or try again later."
            )
        for _ in range(20):
            code, token = new_room_code(), new_teacher_token()
            try:
                with self._transaction() as connection:
                    connection.execute(
                        insert(rooms_table).values(
                            code=code,
                            teacher_digest=token_digest(token),
                            created_at=now,
                            expires_at=now + days * 86400.0,
                            closed=False,
                            post_count=0,
                        )
                    )
                return code, token
            except IntegrityError:
                continue  # that code is taken: draw another
        raise BoardError("Could not find a free room code; try again.")

    def room(self, raw_code: object) -> Room:
        """The open room with this code, or BoardError saying why there is none."""
        code = clean_room_code(raw_code)
        self.purge_expired()
        with self._transaction() as connection:
            row = connection.execute(select(rooms_table).where(rooms_table.c.code == code)).first()
        if row is None or row.expires_at <= self.clock():
            raise BoardError(
                f"There is no room {code}: the code may be mistyped, or the room has expired "
                "and was deleted. A teacher can open a new one."
            )
        return Room(row.code, row.created_at, row.expires_at, bool(row.closed), row.post_count)

    def is_teacher(self, code: str, token: object) -> bool:
        if not isinstance(token, str) or not token or len(token) > 200:
            return False
        with self._transaction() as connection:
            digest = connection.execute(
                select(rooms_table.c.teacher_digest).where(rooms_table.c.code == code)
            ).scalar()
        return digest is not None and token_matches(token, digest)

    def purge_expired(self, force: bool = False) -> int:
        """Delete rooms past their time, with their posts; at most once a minute unless
        forced. Returns how many rooms went."""
        now = self.clock()
        if not force and now - self._purged_at < PURGE_EVERY_SECONDS:
            return 0
        self._purged_at = now
        expired = select(rooms_table.c.code).where(rooms_table.c.expires_at <= now)
        try:
            with self._transaction() as connection:
                for table in (posts_table, clocks_table):
                    connection.execute(delete(table).where(table.c.room_code.in_(expired)))
                gone = connection.execute(
                    delete(rooms_table).where(rooms_table.c.expires_at <= now)
                )
        except IntegrityError:
            # A post landed in a room the moment it expired (PostgreSQL: committed while
            # this purge waited for the room's row): the next purge takes both.
            self._purged_at = -math.inf
            return 0
        return gone.rowcount

    # ---- posting ---------------------------------------------------------------------------

    def check_can_post(self, code: str, nickname: str, author: str) -> None:
        """What `post` would refuse before any run is scored (read only; `post` checks
        again, atomically): a closed, full or gone room, or a clock that has not run out."""
        now = self.clock()
        clocks = clocks_table.c
        whos = [f"session:{author}"[:80], f"nickname:{nickname.casefold()}"[:80]]
        with self._transaction() as connection:
            row = connection.execute(select(rooms_table).where(rooms_table.c.code == code)).first()
            last = connection.execute(
                select(func.max(clocks.last_post_at)).where(
                    and_(clocks.room_code == code, clocks.author.in_(whos))
                )
            ).scalar()
            if row is None or row.closed or row.expires_at <= now:
                raise BoardError(self._why_room_refuses(connection, code, now))
            if row.post_count >= MAX_POSTS_PER_ROOM:
                raise BoardError(self._why_room_refuses(connection, code, now))
        if last is not None and now - last < POST_INTERVAL_SECONDS:
            wait = max(1, math.ceil(POST_INTERVAL_SECONDS - (now - last)))
            raise BoardError(
                f"One post every {POST_INTERVAL_SECONDS:.0f} seconds: you (or this nickname) "
                f"posted a moment ago. Post again in {wait} s."
            )

    def post(self, code: str, new: NewPost, author: str, post_key: str) -> int:
        """Add a post; its id. BoardError when a limit refuses it (nothing is written)."""
        if new.page not in BOARD_PAGES:
            raise BoardError(f"Only the {' and '.join(BOARD_PAGES)} pages post to the board.")
        code = clean_room_code(code)
        nickname = clean_nickname(new.nickname)
        if not (math.isfinite(new.score) and math.isfinite(new.tiebreak)):
            raise BoardError("This run has no finite score to post.")
        now = self.clock()
        try:
            with self._transaction() as connection:
                taken = connection.execute(
                    update(rooms_table)
                    .where(
                        and_(
                            rooms_table.c.code == code,
                            rooms_table.c.closed.is_(False),
                            rooms_table.c.expires_at > now,
                            rooms_table.c.post_count < MAX_POSTS_PER_ROOM,
                        )
                    )
                    .values(post_count=rooms_table.c.post_count + 1)
                )
                if taken.rowcount != 1:
                    raise BoardError(self._why_room_refuses(connection, code, now))
                # After the room: a clock row needs its room to exist.
                for who in (f"session:{author}", f"nickname:{nickname.casefold()}"):
                    self._take_turn(connection, code, who[:80], now)
                return connection.execute(
                    insert(posts_table)
                    .values(
                        room_code=code,
                        post_key=post_key[:64],
                        page=new.page,
                        nickname=nickname,
                        settings=json.dumps(new.settings, sort_keys=True),
                        details=json.dumps(new.details, sort_keys=True),
                        score=float(new.score),
                        tiebreak=float(new.tiebreak),
                        posted_at=now,
                        hidden=False,
                    )
                    .returning(posts_table.c.id)
                ).scalar_one()
        except IntegrityError as error:
            raise BoardError(
                "That press was already posted, or someone posted for you a moment ago; "
                "wait a few seconds and look at the board."
            ) from error

    def _take_turn(self, connection: Connection, code: str, who: str, now: float) -> None:
        """Stamp `who`'s clock if their last post is old enough, else BoardError."""
        clocks = clocks_table.c
        stamped = connection.execute(
            update(clocks_table)
            .where(
                and_(
                    clocks.room_code == code,
                    clocks.author == who,
                    clocks.last_post_at <= now - POST_INTERVAL_SECONDS,
                )
            )
            .values(last_post_at=now)
        )
        if stamped.rowcount == 1:
            return
        last = connection.execute(
            select(clocks.last_post_at).where(and_(clocks.room_code == code, clocks.author == who))
        ).scalar()
        if last is not None:
            wait = max(1, math.ceil(POST_INTERVAL_SECONDS - (now - last)))
            whose = "this nickname" if who.startswith("nickname:") else "you"
            raise BoardError(
                f"One post every {POST_INTERVAL_SECONDS:.0f} seconds: {whose} posted a moment "
                f"ago. Post again in {wait} s."
            )
        # A first post: a concurrent first post with the same key fails the insert instead.
        connection.execute(
            insert(clocks_table).values(room_code=code, author=who, last_post_at=now)
        )

    def _why_room_refuses(self, connection: Connection, code: str, now: float) -> str:
        row = connection.execute(select(rooms_table).where(rooms_table.c.code == code)).first()
        if row is None or row.expires_at <= now:
            return f"There is no room {code} any more: it expired or the teacher deleted it."
        if row.closed:
            return f"Room {code} is closed: the teacher has stopped taking posts."
        return (
            f"Room {code} is full: it holds at most {MAX_POSTS_PER_ROOM} posts. "
            "Your teacher can clear it."
        )

    # ---- reading ---------------------------------------------------------------------------

    def posts(self, code: str, page: str, *, include_hidden: bool = False) -> list[Post]:
        """The room's posts of one page, best first (ties: the earlier post first)."""
        if page not in LOWER_SCORE_IS_BETTER:
            raise BoardError(f"There is no board for the page {page!r}.")
        posts = posts_table.c
        score = posts.score.asc() if LOWER_SCORE_IS_BETTER[page] else posts.score.desc()
        query = (
            select(posts_table)
            .where(and_(posts.room_code == code, posts.page == page))
            .order_by(score, posts.tiebreak.asc(), posts.posted_at.asc(), posts.id.asc())
        )
        if not include_hidden:
            query = query.where(posts.hidden.is_(False))
        with self._transaction() as connection:
            rows = connection.execute(query).all()
        return [
            Post(
                page=row.page,
                nickname=row.nickname,
                settings=json.loads(row.settings),
                details=json.loads(row.details),
                score=row.score,
                tiebreak=row.tiebreak,
                id=row.id,
                posted_at=row.posted_at,
                hidden=bool(row.hidden),
            )
            for row in rows
        ]

    # ---- the teacher's -----------------------------------------------------------------------

    def _as_teacher(self, connection: Connection, code: str, token: object) -> None:
        digest = connection.execute(
            select(rooms_table.c.teacher_digest).where(rooms_table.c.code == code)
        ).scalar()
        if digest is None or not isinstance(token, str) or not token_matches(token, digest):
            raise BoardError("Only the teacher's link can change this board.")

    def set_hidden(self, code: str, token: object, post_id: int, hidden: bool) -> None:
        with self._transaction() as connection:
            self._as_teacher(connection, code, token)
            connection.execute(
                update(posts_table)
                .where(and_(posts_table.c.room_code == code, posts_table.c.id == post_id))
                .values(hidden=hidden)
            )

    def clear(self, code: str, token: object) -> None:
        """Delete every post of the room; the room stays open, its count starts over."""
        with self._transaction() as connection:
            self._as_teacher(connection, code, token)
            # The room's row first: it is locked until the end, so a post that is being
            # written finishes before (and is deleted) or waits until after (and counts).
            connection.execute(
                update(rooms_table).where(rooms_table.c.code == code).values(post_count=0)
            )
            connection.execute(delete(posts_table).where(posts_table.c.room_code == code))

    def close(self, code: str, token: object) -> None:
        """Stop taking posts; the board stays readable until the room expires."""
        with self._transaction() as connection:
            self._as_teacher(connection, code, token)
            connection.execute(
                update(rooms_table).where(rooms_table.c.code == code).values(closed=True)
            )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the board be read while a post is written; the busy timeout makes writers
    queue instead of failing when thirty post at once."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
