"""The class board in AppTest, on SQLite and on PostgreSQL: a teacher opens a room, students
post from the Bigram and MLP pages, the board ranks them; forged scores, bad nicknames and
links, a wrong teacher key and a database that is down each get their message.

The Bigram score is checked against a dev NLL counted here by hand (plain Python, no model
code of ours), the MLP's parameter count against the formula for a 2-16-16-1 network.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from data.names import DEFAULT_YEAR, ssa_names
from data.splits import shuffled_split
from serving.board_rules import POST_INTERVAL_SECONDS
from tests.apptest_helpers import (
    exception_messages,
    open_with_link,
    page_state,
    rerun_while_training,
)
from ui.mlp import MlpState

BOARD, BIGRAM, MLP = "pages/board.py", "pages/bigram.py", "pages/mlp.py"


@pytest.fixture
def board_env(board_url, monkeypatch):
    monkeypatch.setenv("EXPLORER_BOARD_URL", board_url)
    return board_url


def param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def open_room() -> tuple[str, str]:
    """A teacher opens a board: (room code, teacher token) from the teacher's link."""
    at = open_with_link(BOARD, {})
    [button] = [b for b in at.button if b.label == "Open a new board for my class"]
    button.click().run()
    assert not at.exception, exception_messages(at)
    return param(at, "room"), param(at, "teacher")


def post_from(page: str, params: dict[str, str], nickname: str, model: str | None = None):
    at = open_with_link(page, params)
    at.text_input(key="board.nickname").input(nickname).run()
    if model:
        at.radio(key="bigram.board-model").set_value(model).run()
    at.button(key=f"{page.split('/')[-1][:-3]}.board-post").click().run()
    assert not at.exception, exception_messages(at)
    return at


def messages(at) -> list[str]:
    return [m.body for m in (*at.success, *at.warning, *at.info)]


def board_rows(code: str, token: str | None = None) -> dict[str, list[dict]]:
    """The board's tables as a student (or the teacher) sees them, by heading."""
    params = {"room": code} | ({"teacher": token} if token else {})
    at = open_with_link(BOARD, params)
    headings = [h.value for h in at.subheader if h.value.startswith(("Bigram", "MLP"))]
    tables = [df.value.to_dict("records") for df in at.dataframe]
    found = {}
    for heading in headings:
        found[heading] = tables.pop(0) if _has_posts(at, heading) else []
    return found


def _has_posts(at, heading: str) -> bool:
    measure = "dev NLL" if heading.startswith("Bigram") else "test accuracy"
    return f"No {measure} posted yet." not in [c.value for c in at.caption]


def hide_or_show(teacher, code: str, nickname: str, action: str) -> None:
    """The teacher picks the post of `nickname` and presses Hide it / Show it again."""
    choice = teacher.selectbox(key=f"board.post-choice.{code}")
    [label] = [o for o in choice.options if f" {nickname} (" in o]  # "#1 spam (bigram, ...)"
    choice.set_value(label.split()[0].removeprefix("#")).run()
    teacher.button(key=f"board.{action}.{code}").click().run()
    assert not teacher.exception, exception_messages(teacher)


def hand_counted_dev_nll(k: float) -> float:
    """The bigram counts model's dev NLL on the page's default names, counted here."""
    words = ssa_names(DEFAULT_YEAR, "both", None)
    splits = shuffled_split(words, seed=42)
    size = len(set("".join(words))) + 1  # the letters and '.'
    pairs, rows = Counter(), Counter()
    for word in splits.train:
        chars = ["."] + list(word) + ["."]
        for a, b in zip(chars, chars[1:], strict=False):
            pairs[a, b] += 1
            rows[a] += 1
    total, count = 0.0, 0
    for word in splits.dev:
        chars = ["."] + list(word) + ["."]
        for a, b in zip(chars, chars[1:], strict=False):
            total -= math.log((pairs[a, b] + k) / (rows[a] + size * k))
            count += 1
    return total / count


def test_teacher_opens_a_room_and_only_the_teachers_link_holds_the_key(board_env):
    code, token = open_room()
    assert len(code) == 6 and token
    at = open_with_link(BOARD, {"room": code, "teacher": token})
    codes = [c.value for c in at.code]
    assert any(c.endswith(f"board?room={code}") for c in codes), codes  # students
    assert any(f"teacher={token}" in c for c in codes)  # the teacher's own
    # The key never travels into a lesson page's link, which students pass around.
    at.switch_page(BIGRAM).run()
    assert param(at, "room") == code and param(at, "teacher") is None
    at.switch_page(BOARD).run()  # back on the board, the teacher is still the teacher
    assert any("Teacher" in e.label for e in at.expander)


def test_posts_are_scored_by_the_server_and_ranked(board_env):
    code, _ = open_room()
    # A forged link: score, nll and accuracy are not settings, and are ignored.
    forged = {"room": code, "smoothing": "1.0", "score": "zzz", "nll": "0.01", "dev": "0.1"}
    at = post_from(BIGRAM, forged, "ann")
    assert any(m.startswith(f"Posted to room {code}") for m in messages(at)), messages(at)
    post_from(BIGRAM, {"room": code, "smoothing": "20"}, "bob")
    rows = board_rows(code)["Bigram: dev NLL"]
    assert [r["Nickname"] for r in rows] == ["ann", "bob"]  # k = 1 beats k = 20 on dev
    assert float(rows[0]["Score"]) == pytest.approx(hand_counted_dev_nll(1.0), abs=1e-4)
    assert float(rows[1]["Score"]) == pytest.approx(hand_counted_dev_nll(20.0), abs=1e-4)
    assert [r["Rank"] for r in rows] == [1, 2] and rows[0]["n"] == 2
    # The open link reproduces the run: its settings, in the room.
    assert "smoothing=1.0" in rows[0]["Open"] and f"room={code}" in rows[0]["Open"]


def test_mlp_posts_rank_by_test_accuracy_then_parameters(board_env):
    code, _ = open_room()
    small = {"room": code, "layers": "1", "width1": "4", "steps": "20"}
    post_from(MLP, small, "tiny")
    post_from(MLP, small | {"width1": "8"}, "wider")
    rows = board_rows(code)["MLP: test accuracy"]
    scores = [float(r["Score"].rstrip("%")) for r in rows]
    assert scores == sorted(scores, reverse=True)
    params = {r["Nickname"]: r["Parameters"] for r in rows}
    assert params == {"tiny": 2 * 4 + 4 + 4 + 1, "wider": 2 * 8 + 8 + 8 + 1}
    if scores[0] == scores[1]:
        assert rows[0]["Nickname"] == "tiny"  # a tie goes to fewer parameters


def test_the_mlp_score_is_the_test_accuracy_the_page_shows_after_training(board_env):
    code, _ = open_room()
    at = open_with_link(MLP, {"room": code, "layers": "1", "width1": "6", "steps": "25"})
    at.button(key="mlp.train").click().run()
    rerun_while_training(at, lambda at: page_state(at, MlpState).run)
    shown = page_state(at, MlpState).run.trainer.history[-1].test_accuracy
    assert any(f"test accuracy **{shown:.1%}**" in m.value for m in at.markdown)
    at.text_input(key="board.nickname").input("ann").run()
    at.button(key="mlp.board-post").click().run()
    assert any(m.endswith(f"test accuracy {shown:.1%}.") for m in messages(at)), messages(at)
    [row] = board_rows(code)["MLP: test accuracy"]
    assert row["Score"] == f"{shown:.1%}" and row["Parameters"] == 2 * 6 + 6 + 6 + 1


def test_runs_that_cannot_be_rechecked_are_not_posted(board_env):
    code, _ = open_room()
    at = open_with_link(BIGRAM, {"room": code, "data": "upload"})
    assert any("stays in your session" in m for m in messages(at))
    assert at.button(key="bigram.board-post").disabled
    at = open_with_link(MLP, {"room": code, "test": "0.0"})
    assert any("Test fraction" in m for m in messages(at))
    assert at.button(key="mlp.board-post").disabled
    assert board_rows(code) == {"Bigram: dev NLL": [], "MLP: test accuracy": []}


@pytest.mark.parametrize(
    ("nickname", "expected"),
    [
        ("a\x00b", "printable"),
        ("line\nbreak", "printable"),
        ("\u202eevil", "printable"),
        # The widget (max_chars=24) drops a longer value before the page sees it.
        ("x" * 10_000, "Type a nickname"),
        ("   ", "1 to 24"),
    ],
    ids=["nul", "line-break", "rtl-override", "10000-chars", "blank"],
)
def test_bad_nicknames_get_a_message_and_nothing_is_stored(board_env, nickname, expected):
    code, _ = open_room()
    at = post_from(BIGRAM, {"room": code}, nickname)
    assert any(expected in m for m in messages(at)), messages(at)
    assert board_rows(code)["Bigram: dev NLL"] == []


def test_markup_in_a_nickname_is_stored_and_shown_literally(board_env):
    code, _ = open_room()
    name = "<script>x</script>**b**"
    post_from(BIGRAM, {"room": code}, name)
    at = open_with_link(BOARD, {"room": code})
    [row] = at.dataframe[0].value.to_dict("records")
    assert row["Nickname"] == name
    # Nowhere rendered as Markdown or HTML: only the table (which shows text as text) has it.
    assert not any("script" in m.value for m in at.markdown)


def test_one_post_every_ten_seconds(board_env):
    code, _ = open_room()
    at = post_from(BIGRAM, {"room": code}, "ann")
    at.button(key="bigram.board-post").click().run()
    assert any(f"{POST_INTERVAL_SECONDS:.0f} seconds" in m for m in messages(at))
    assert len(board_rows(code)["Bigram: dev NLL"]) == 1


def test_teacher_hides_clears_and_closes_students_cannot(board_env):
    code, token = open_room()
    post_from(BIGRAM, {"room": code}, "spam")
    post_from(BIGRAM, {"room": code, "smoothing": "2"}, "kept")
    teacher = open_with_link(BOARD, {"room": code, "teacher": token})
    stale_tab = open_with_link(BOARD, {"room": code, "teacher": token})
    hide_or_show(teacher, code, "spam", "Hide it")
    assert [r["Nickname"] for r in board_rows(code)["Bigram: dev NLL"]] == ["kept"]
    assert len(board_rows(code, token)["Bigram: dev NLL"]) == 2  # the teacher still sees it
    # A second tab of the teacher's, drawn before the hiding, changes nothing by itself...
    stale_tab.run()
    assert [r["Nickname"] for r in board_rows(code)["Bigram: dev NLL"]] == ["kept"]
    # ...and Show it again brings the post back.
    hide_or_show(stale_tab, code, "spam", "Show it again")
    assert len(board_rows(code)["Bigram: dev NLL"]) == 2
    hide_or_show(teacher, code, "spam", "Hide it")
    # A wrong key (or another room's) gets a warning and no tools.
    other_code, other_token = open_room()
    for wrong in ("nope", other_token, "k" * 10_000):
        student = open_with_link(BOARD, {"room": code, "teacher": wrong})
        assert any("not this room's" in w.body for w in student.warning)
        assert not student.selectbox and not [b for b in student.button if "Clear" in b.label]
    post_from(BIGRAM, {"room": other_code}, "elsewhere")
    teacher.checkbox(key=f"board.sure.{code}").check().run()
    [clear] = [b for b in teacher.button if b.label == "Clear the board"]
    clear.click().run()
    assert board_rows(code, token)["Bigram: dev NLL"] == []
    [close] = [b for b in teacher.button if b.label == "Close the room"]
    close.click().run()
    at = post_from(BIGRAM, {"room": code}, "late")
    assert any("closed" in m for m in messages(at)), messages(at)
    # The other room kept its post through the clearing and closing of this one.
    assert [r["Nickname"] for r in board_rows(other_code)["Bigram: dev NLL"]] == ["elsewhere"]


def test_runs_on_other_words_are_ranked_apart(board_env):
    code, _ = open_room()
    post_from(BIGRAM, {"room": code}, "ann")
    post_from(BIGRAM, {"room": code, "smoothing": "3"}, "bo")
    # A shorter, easier list scores a lower NLL: it must not top the others' board.
    post_from(BIGRAM, {"room": code, "year": "1880", "sex": "F", "top_n": "500"}, "easy")
    at = open_with_link(BOARD, {"room": code})
    [data] = at.selectbox
    assert len(data.options) == 2 and "(2 posts)" in data.options[0]
    assert [r["Nickname"] for r in at.dataframe[0].value.to_dict("records")] == ["ann", "bo"]
    assert any("1880" in label for label in data.options)
    data.set_value("ssa:1880:F:500:split").run()  # the word list's key, as the post keeps it
    [row] = at.dataframe[0].value.to_dict("records")
    assert row["Nickname"] == "easy"


def test_too_few_test_points_cannot_be_posted(board_env):
    code, _ = open_room()
    # 10 points, 5% to test: the split rounds to no test point at all.
    at = open_with_link(MLP, {"room": code, "points": "10", "test": "0.05"})
    assert (
        any("at least 10" in m for m in messages(at)) and at.button(key="mlp.board-post").disabled
    )


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("ZZZZZZ", "There is no room ZZZZZZ"),
        ("ab0", "6 letters and digits"),
        ("'; DROP TABLE board_rooms; --", "6 letters and digits"),
    ],
)
def test_unknown_or_malformed_rooms_say_so_and_offer_a_new_one(board_env, link, expected):
    at = open_with_link(BOARD, {"room": link})
    assert any(expected in w.body for w in at.warning), [w.body for w in at.warning]
    assert [b for b in at.button if b.label == "Open a new board for my class"]


def test_a_database_that_is_down_gets_a_message_and_the_pages_keep_working(monkeypatch):
    monkeypatch.setenv("EXPLORER_BOARD_URL", "sqlite:////nonexistent-folder/x/board.sqlite")
    at = open_with_link(BOARD, {"room": "ABCDEF"})
    assert any("not answering" in w.body or "could not be opened" in w.body for w in at.warning)
    at = post_from(BIGRAM, {"room": "ABCDEF", "n": "3"}, "ann")
    assert any("database" in m for m in messages(at)), messages(at)
    # The rest of the page still works: the counts model's figures are there.
    assert param(at, "n") == "3" and at.metric


def test_the_projector_shows_no_forms_no_key_and_no_hidden_posts(board_env):
    code, token = open_room()
    post_from(BIGRAM, {"room": code}, "hidden one")
    teacher = open_with_link(BOARD, {"room": code, "teacher": token})
    hide_or_show(teacher, code, "hidden one", "Hide it")
    # The teacher's own link, put on the projector: no tools, and the key leaves the link.
    at = open_with_link(BOARD, {"room": code, "teacher": token, "present": "1"})
    assert not at.button and not at.selectbox and not at.text_input and not at.code
    assert param(at, "teacher") is None and param(at, "room") == code
    assert not at.dataframe  # the only post is hidden
    assert "No dev NLL posted yet." in [c.value for c in at.caption]
    at = open_with_link(BIGRAM, {"room": code, "present": "1"})
    assert "Post to the class board" not in [e.label for e in at.expander]
