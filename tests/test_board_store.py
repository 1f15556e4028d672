"""The class board's database layer (serving/board_store.py), on SQLite and on PostgreSQL.

The board is the one place where many students write to shared state at once, from text
they type, so these tests check what a class would notice: the ranking order, the teacher's
powers (and nobody else's), clearing, closing and expiry, the posting limits (also under
thirty simultaneous posts), that hostile text is refused or stored literally, that a restart
loses nothing, and that a database that does not answer becomes BoardUnavailable rather than
a raw SQLAlchemy error. Every store test runs on both databases through `board_url`; time
comes from an injected clock, so no test sleeps.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, update

from serving.board_rules import (
    BOARD_PAGES,
    MAX_POSTS_PER_ROOM,
    MAX_ROOMS_PER_HOUR,
    BoardError,
    BoardUnavailable,
)
from serving.board_schema import (
    SCHEMA_VERSION,
    NewPost,
    Post,
    best_over_time,
    clocks_table,
    posts_table,
    rooms_table,
    schema_table,
)
from serving.board_store import BoardStore

DAY = 86400.0


class Clock:
    """A clock the test moves by hand."""

    now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(board_url, clock):
    engine = create_engine(board_url)
    board = BoardStore(engine, clock=clock)
    board.migrate()
    yield board
    engine.dispose()


def new_post(nickname, score=1.0, tiebreak=1.0, page="bigram", settings=None) -> NewPost:
    return NewPost(page, nickname, settings or {"n": "2"}, {"note": "run"}, score, tiebreak)


def names(posts: list[Post]) -> list[str]:
    return [post.nickname for post in posts]


def count(store: BoardStore, table, code: str | None = None) -> int:
    """Rows of `table` (of room `code`), counted by the database itself."""
    query = select(func.count()).select_from(table)
    if code is not None:
        key = table.c.code if table is rooms_table else table.c.room_code
        query = query.where(key == code)
    with store.engine.connect() as connection:
        return connection.execute(query).scalar_one()


# ---- ranking ---------------------------------------------------------------------------------
def test_posts_rank_best_first_per_page(store, clock):
    code, _ = store.open_room(days=7)
    bigram = [("e", 3.0, 1), ("d", 2.0, 3), ("b", 1.5, 2), ("c", 2.0, 3), ("a", 1.5, 4)]
    mlp = [("s", 0.5, 100), ("p", 0.8, 5000), ("q", 0.92, 9000), ("t", 0.8, 5000)]
    mlp += [("r", 0.92, 3000)]
    for page, rows in (("bigram", bigram), ("mlp", mlp)):
        for nickname, score, tiebreak in rows:
            store.post(code, new_post(nickname, score, tiebreak, page), nickname, f"k-{nickname}")
            clock.advance(1)
    # Bigram: lower dev NLL first, then smaller n, then the earlier post (d before c).
    assert names(store.posts(code, "bigram")) == ["b", "a", "d", "c", "e"]
    # MLP: higher accuracy first, then fewer parameters, then the earlier post (p before t).
    assert names(store.posts(code, "mlp")) == ["r", "q", "p", "t", "s"]
    assert store.room(code).post_count == 10


def test_best_over_time_is_the_running_best():
    def at(post_id, when, score, page):
        return Post(page, f"n{post_id}", {}, {}, score, 1.0, post_id, when, False)

    bigram = [at(5, 5.0, 1.0, "bigram"), at(1, 1.0, 3.0, "bigram"), at(3, 3.0, 2.0, "bigram")]
    bigram += [at(2, 2.0, 3.5, "bigram"), at(4, 4.0, 2.0, "bigram")]
    assert best_over_time(bigram, "bigram") == [(1.0, 3.0), (3.0, 2.0), (5.0, 1.0)]
    mlp = [at(1, 1.0, 0.5, "mlp"), at(2, 2.0, 0.4, "mlp"), at(4, 3.0, 0.9, "mlp")]
    mlp += [at(3, 3.0, 0.85, "mlp"), at(5, 4.0, 0.95, "mlp")]  # same time: the lower id first
    assert best_over_time(mlp, "mlp") == [(1.0, 0.5), (3.0, 0.85), (3.0, 0.9), (4.0, 0.95)]
    assert best_over_time([], "mlp") == []


# ---- the teacher's powers ------------------------------------------------------------------
def test_teacher_hides_and_unhides_a_post(store):
    code, token = store.open_room(days=7)
    store.post(code, new_post("keep", 1.0), "a1", "k1")
    hide = store.post(code, new_post("hide", 2.0), "a2", "k2")
    assert store.is_teacher(code, token)
    store.set_hidden(code, token, hide, True)
    assert names(store.posts(code, "bigram")) == ["keep"]
    teacher_view = store.posts(code, "bigram", include_hidden=True)
    assert [(p.nickname, p.hidden) for p in teacher_view] == [("keep", False), ("hide", True)]
    store.set_hidden(code, token, hide, False)
    assert names(store.posts(code, "bigram")) == ["keep", "hide"]


def test_only_the_rooms_own_token_changes_anything(store):
    code, token = store.open_room(days=7)
    other, other_token = store.open_room(days=7)
    mine = store.post(code, new_post("mine"), "a1", "k1")
    theirs = store.post(other, new_post("theirs"), "a2", "k2")

    def snapshot():
        return [(store.room(c), store.posts(c, "bigram", include_hidden=True)) for c in rooms]

    rooms = (code, other)
    before = snapshot()
    for bad in ("wrong-token", None, "x" * 10_000, other_token, token.upper(), ""):
        assert not store.is_teacher(code, bad)
        for change in (
            lambda t: store.set_hidden(code, t, mine, True),
            lambda t: store.clear(code, t),
            lambda t: store.close(code, t),
        ):
            with pytest.raises(BoardError, match="teacher"):
                change(bad)
    # The other room's teacher cannot reach this room's posts through their own room either.
    store.set_hidden(other, other_token, mine, True)
    assert snapshot() == before
    store.set_hidden(other, other_token, theirs, True)
    assert store.posts(other, "bigram") == [] and names(store.posts(code, "bigram")) == ["mine"]


def test_clear_empties_the_room_and_it_takes_posts_again(store, clock):
    code, token = store.open_room(days=7)
    for i in range(3):
        store.post(code, new_post(f"kid{i}", float(i)), f"a{i}", f"k{i}")
    store.post(code, new_post("mlp", 0.9, page="mlp"), "a9", "k9")
    store.clear(code, token)
    assert store.posts(code, "bigram", include_hidden=True) == []
    assert store.posts(code, "mlp", include_hidden=True) == []
    assert store.room(code).post_count == 0 and count(store, posts_table, code) == 0
    clock.advance(11)
    store.post(code, new_post("after"), "a0", "k-after")
    assert names(store.posts(code, "bigram")) == ["after"] and store.room(code).post_count == 1


def test_close_stops_posts_but_the_board_stays_readable(store):
    code, token = store.open_room(days=7)
    elsewhere, _ = store.open_room(days=7)
    store.post(code, new_post("early"), "a1", "k1")
    store.close(code, token)
    with pytest.raises(BoardError, match="closed"):
        store.post(code, new_post("late"), "late", "k2")
    room = store.room(code)
    assert room.closed and room.post_count == 1
    assert names(store.posts(code, "bigram")) == ["early"]
    # The refused post left no clock: not in the closed room, and the author posts at once.
    assert count(store, clocks_table, code) == 2  # early's author and nickname only
    store.post(elsewhere, new_post("late"), "late", "k3")
    assert names(store.posts(elsewhere, "bigram")) == ["late"]


# ---- expiry ----------------------------------------------------------------------------------
def test_expired_rooms_are_refused_and_purged_with_their_rows(store, clock):
    code, _ = store.open_room(days=7)
    store.post(code, new_post("old"), "a1", "k1")
    clock.advance(3 * DAY)
    later, _ = store.open_room(days=7)
    store.post(later, new_post("new"), "a2", "k2")
    clock.advance(4 * DAY + 1)  # the first room is now 7 days and 1 second old
    assert count(store, posts_table, code) == 1 and count(store, clocks_table, code) == 2
    assert store.purge_expired(force=True) == 1
    for table in (rooms_table, posts_table, clocks_table):
        assert count(store, table, code) == 0, table.name
    with pytest.raises(BoardError, match="no room"):
        store.room(code)
    with pytest.raises(BoardError):
        store.post(code, new_post("ghost"), "a3", "k3")
    assert count(store, posts_table, code) == 0
    assert store.room(later).post_count == 1 and names(store.posts(later, "bigram")) == ["new"]


def test_posting_to_a_purged_room_says_there_is_no_room(store, clock):
    # The page checks room(), then scores for seconds; meanwhile the room expires and
    # another session's room() purges it. The student should be told the room is gone.
    code, _ = store.open_room(days=7)
    store.room(code)
    clock.advance(7 * DAY + 1)
    store.purge_expired(force=True)
    with pytest.raises(BoardError, match="no room"):
        store.post(code, new_post("late"), "a1", "k1")


def test_an_expired_room_not_yet_purged_is_still_refused(store, clock):
    code, _ = store.open_room(days=30 / DAY)  # lasts 30 s; purges run at most once a minute
    clock.advance(31)
    with pytest.raises(BoardError, match="no room"):
        store.room(code)
    assert count(store, rooms_table, code) == 1  # not purged yet: the expiry check refused it
    with pytest.raises(BoardError, match="no room"):
        store.post(code, new_post("late"), "a1", "k1")
    assert count(store, posts_table, code) == 0 and count(store, clocks_table, code) == 0


# ---- limits ----------------------------------------------------------------------------------
def test_one_post_per_author_and_per_nickname_every_ten_seconds(store, clock):
    code, _ = store.open_room(days=7)
    store.post(code, new_post("Ann"), "a1", "k1")
    clock.advance(5)
    with pytest.raises(BoardError, match="10 seconds"):
        store.post(code, new_post("Bob"), "a1", "k2")  # same author, new nickname
    with pytest.raises(BoardError, match="10 seconds"):
        store.post(code, new_post("ann"), "a2", "k3")  # same nickname (any case), new author
    assert count(store, posts_table, code) == 1
    # Both refusals left no clock behind: a2 and the nickname Bob post at once.
    store.post(code, new_post("Cid"), "a2", "k4")
    store.post(code, new_post("Bob"), "a3", "k5")
    clock.advance(5.5)  # 10.5 s after Ann's post
    store.post(code, new_post("Dee"), "a1", "k6")
    store.post(code, new_post("ANN"), "a4", "k7")
    assert names(store.posts(code, "bigram")) == ["Ann", "Cid", "Bob", "Dee", "ANN"]


def test_a_room_holds_at_most_200_posts(store, clock):
    code, token = store.open_room(days=7)
    for i in range(MAX_POSTS_PER_ROOM):
        store.post(code, new_post(f"s{i:03d}", float(i)), f"author{i}", f"key{i}")
        clock.advance(1)
    with pytest.raises(BoardError, match="full"):
        store.post(code, new_post("late"), "late", "key-late")
    assert store.room(code).post_count == MAX_POSTS_PER_ROOM
    assert count(store, posts_table, code) == MAX_POSTS_PER_ROOM
    assert count(store, clocks_table, code) == 2 * MAX_POSTS_PER_ROOM  # none for "late"
    store.clear(code, token)
    store.post(code, new_post("late"), "late", "key-late")  # at once: no clock was left
    assert store.room(code).post_count == 1


def test_the_precheck_refuses_what_post_would_before_any_scoring(store, clock):
    code, token = store.open_room(days=7)
    store.check_can_post(code, "ann", "a1")  # nothing against it yet
    store.post(code, new_post("ann"), "a1", "k1")
    for nickname, author in (("ann", "a2"), ("ANN", "a3"), ("bob", "a1")):
        with pytest.raises(BoardError, match="10 seconds"):
            store.check_can_post(code, nickname, author)
    clock.advance(10.5)
    store.check_can_post(code, "ann", "a1")
    store.close(code, token)
    with pytest.raises(BoardError, match="closed"):
        store.check_can_post(code, "cy", "a4")
    assert count(store, clocks_table, code) == 2  # it wrote nothing


def test_a_server_opens_at_most_60_rooms_an_hour(store, clock):
    for _ in range(MAX_ROOMS_PER_HOUR):
        store.open_room(days=7)
    with pytest.raises(BoardError, match="last hour"):
        store.open_room(days=7)
    clock.advance(3601)
    store.open_room(days=7)


def test_a_repeated_post_key_adds_nothing(store):
    code, _ = store.open_room(days=7)
    elsewhere, _ = store.open_room(days=7)
    store.post(code, new_post("one"), "a1", "same-key")
    with pytest.raises(BoardError):
        store.post(code, new_post("two"), "a2", "same-key")
    assert count(store, posts_table, code) == 1 and store.room(code).post_count == 1
    store.post(code, new_post("two"), "a2", "fresh-key")  # a2's refusal left no clock
    store.post(elsewhere, new_post("one"), "a1", "same-key")  # keys are unique per room
    assert names(store.posts(code, "bigram")) == ["one", "two"]


# ---- what students type ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "nickname",
    ["a\x00b", "a\nb", "\u202eevil", "x" * 10_000, "", "   ", 42, None, b"ann"],
    ids=["nul", "newline", "rtl-override", "10k", "empty", "spaces", "int", "none", "bytes"],
)
def test_unshowable_nicknames_are_refused(store, nickname):
    code, _ = store.open_room(days=7)
    with pytest.raises(BoardError):
        store.post(code, new_post(nickname), "a1", "k1")
    assert count(store, posts_table) == 0 and count(store, clocks_table) == 0


def test_other_unpostable_runs_are_refused(store):
    code, _ = store.open_room(days=7)
    for bad in (new_post("a", page="neuron"), new_post("a", float("nan")), new_post("a", 1, 1e999)):
        with pytest.raises(BoardError):
            store.post(code, bad, "a1", "k1")
    assert count(store, posts_table) == 0


def test_markup_and_sql_in_nicknames_are_stored_literally(store, clock):
    code, _ = store.open_room(days=7)
    store.post(code, new_post("plain", 0.1), "a0", "k0")
    literal = ["**bold**", "<script>alert(1)</scrip", "[x](javascript:1)", "Zoë 🦊"]
    literal += ["';DROP TABLE board_posts", "x' OR '1'='1"]  # SQL goes in as bound values
    settings = {"n": "'); DELETE FROM board_rooms; --"}
    for i, nickname in enumerate(literal, start=1):
        store.post(code, new_post(nickname, 1.0 + i, settings=settings), f"a{i}", f"k{i}'--")
    posts = store.posts(code, "bigram")
    assert names(posts) == ["plain", *literal]
    assert all(post.settings == settings for post in posts[1:])
    with store.engine.connect() as connection:
        query = select(posts_table.c.nickname).where(posts_table.c.room_code == code)
        stored = sorted(n.encode() for n in connection.execute(query).scalars())
    assert stored == sorted(n.encode() for n in ["plain", *literal])
    assert count(store, rooms_table) == 1 and store.room(code).post_count == len(literal) + 1


@pytest.mark.parametrize(
    "code",
    ["", "abc", "ABCDE0", "'; DROP TABLE board_rooms; --", "A" * 10_000, None, 123456],
    ids=["empty", "short", "zero", "sql", "10k", "none", "int"],
)
def test_malformed_room_codes_are_refused(store, code):
    store.open_room(days=7)
    with pytest.raises(BoardError):
        store.room(code)
    assert count(store, rooms_table) == 1


def test_room_codes_forgive_case_and_spaces_but_not_unknown_codes(store):
    code, _ = store.open_room(days=7)
    typed = f"  {code[:3].lower()} {code[3:].lower()} "
    assert store.room(typed).code == code
    unknown = "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    with pytest.raises(BoardError, match="no room"):
        store.room(unknown)


# ---- thirty at once --------------------------------------------------------------------------
def at_once(count_: int, action) -> list[tuple[str, object]]:
    """Run action(i) in `count_` threads released together; ("ok"|"refused"|"crash", value)."""
    barrier = threading.Barrier(count_)
    results: list[tuple[str, object]] = [("missing", None)] * count_  # a thread that died

    def worker(i: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[i] = ("ok", action(i))
        except BoardError as error:
            results[i] = ("refused", error)
        except Exception as error:  # reported below
            results[i] = ("crash", error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_thirty_students_post_at_once(store):
    code, _ = store.open_room(days=7)
    sent = [new_post(f"kid{i:02d}", 1 + i / 10, settings={"n": str(i)}) for i in range(30)]
    results = at_once(30, lambda i: store.post(code, sent[i], f"s{i}", f"k{i}"))
    assert [kind for kind, _ in results] == ["ok"] * 30, results
    posts = store.posts(code, "bigram")
    assert len(posts) == 30 and len({p.id for p in posts}) == 30
    got = sorted((p.nickname, p.score, p.settings) for p in posts)
    assert got == sorted((s.nickname, s.score, s.settings) for s in sent)
    assert count(store, posts_table, code) == 30 and store.room(code).post_count == 30


def test_thirty_presses_by_one_student_post_once(store, clock):
    code, _ = store.open_room(days=7)
    for round_ in range(2):  # first with no clock row yet, then with an old one

        def press(i, r=round_):
            return store.post(code, new_post(f"t{r}-{i}"), "same", f"k{r}-{i}")

        results = at_once(30, press)
        kinds = [kind for kind, _ in results]
        assert kinds.count("ok") == 1 and kinds.count("refused") == 29, results
        assert not any(isinstance(value, BoardUnavailable) for _, value in results)
        assert count(store, posts_table, code) == round_ + 1
        clock.advance(11)
    assert store.room(code).post_count == 2


# ---- restart and outage ----------------------------------------------------------------------
def test_a_restart_loses_nothing(store, board_url, clock):
    code, token = store.open_room(days=7)
    store.post(code, new_post("first", 2.5, 3, settings={"n": "3"}), "a1", "k1")
    hidden = store.post(code, new_post("acc", 0.91, 1200, "mlp", {"h": "64"}), "a2", "k2")
    store.set_hidden(code, token, hidden, True)
    before = {page: store.posts(code, page, include_hidden=True) for page in BOARD_PAGES}
    room_before = store.room(code)
    store.engine.dispose()

    engine = create_engine(board_url)
    try:
        again = BoardStore(engine, clock=clock)
        again.migrate()
        again.migrate()  # migrating twice changes nothing
        assert count(again, schema_table) == 1
        assert {p: again.posts(code, p, include_hidden=True) for p in BOARD_PAGES} == before
        assert again.room(code) == room_before and again.is_teacher(code, token)
        clock.advance(11)
        again.post(code, new_post("second", 1.5), "a1", "k3")
        assert names(again.posts(code, "bigram")) == ["second", "first"]
    finally:
        engine.dispose()


def test_a_database_a_newer_app_changed_is_refused_and_left_alone(store):
    with store.engine.begin() as connection:
        connection.execute(update(schema_table).values(version=SCHEMA_VERSION + 1))
    with pytest.raises(BoardError, match="newer than this app"):
        store.migrate()
    assert count(store, schema_table) == 1


DOWN_URLS = {
    "sqlite": "sqlite:////nonexistent-dir/x/board.sqlite",
    "postgresql": "postgresql+psycopg://explorer:explorer@localhost:1/explorer_test"
    "?connect_timeout=2",
}
DOWN_CALLS = {
    "migrate": lambda s: s.migrate(),
    "open_room": lambda s: s.open_room(days=7),
    "room": lambda s: s.room("ABCDEF"),
    "post": lambda s: s.post("ABCDEF", new_post("ann"), "a1", "k1"),
    "posts": lambda s: s.posts("ABCDEF", "bigram"),
    "is_teacher": lambda s: s.is_teacher("ABCDEF", "token"),
    "set_hidden": lambda s: s.set_hidden("ABCDEF", "token", 1, True),
    "clear": lambda s: s.clear("ABCDEF", "token"),
    "close": lambda s: s.close("ABCDEF", "token"),
    "purge_expired": lambda s: s.purge_expired(force=True),
}


@pytest.mark.parametrize("call", DOWN_CALLS)
@pytest.mark.parametrize("database", DOWN_URLS)
def test_a_database_that_does_not_answer_is_board_unavailable(database, call):
    engine = create_engine(DOWN_URLS[database])
    try:
        with pytest.raises(BoardUnavailable) as raised:
            DOWN_CALLS[call](BoardStore(engine, clock=Clock()))
        assert isinstance(raised.value, BoardError) and "not answering" in str(raised.value)
    finally:
        engine.dispose()
