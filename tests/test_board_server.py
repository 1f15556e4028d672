"""The class board on the real server, on SQLite and on PostgreSQL, through the websocket
protocol a browser speaks (benchmarks/streamlit_client.py):

- thirty students press "Post to the class board" at the same moment: thirty posts arrive,
  none lost, none twice, each with its own nickname and the server's own score;
- the server restarts between posts and loses nothing;
- a projector on the board (presenter mode) follows the class by itself.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs

from sqlalchemy import create_engine, select

from benchmarks.streamlit_client import StreamlitStudent
from serving.board_schema import posts_table
from tests.browser.harness import streamlit_server

CLASS_SIZE = 30


def open_room(url: str) -> str:
    teacher = StreamlitStudent(url)
    teacher.open("board")
    result = teacher.press("board.open-room")
    assert not result.exceptions, result.exceptions
    code = parse_qs(teacher.query_string)["room"][0]
    teacher.close()
    return code


def student_ready_to_post(url: str, code: str, nickname: str, smoothing: float):
    student = StreamlitStudent(url, timeout=120)
    student.open("bigram", f"room={code}&smoothing={smoothing}")
    student.change("board.nickname", nickname)
    return student


def stored_posts(board_url: str) -> list[tuple]:
    engine = create_engine(board_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    posts_table.c.room_code,
                    posts_table.c.nickname,
                    posts_table.c.settings,
                    posts_table.c.score,
                ).order_by(posts_table.c.id)
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def test_a_class_posts_at_once_and_a_restart_loses_nothing(board_url):
    env = {"EXPLORER_BOARD_URL": board_url}
    with streamlit_server("board-server.log", env=env) as server:
        code = open_room(server.url)
        students = [
            student_ready_to_post(server.url, code, f"student {i:02d}", 0.5 + i)
            for i in range(CLASS_SIZE)
        ]
        start = threading.Barrier(CLASS_SIZE)
        answers: dict[int, list[str]] = {}

        def post(i: int) -> None:
            start.wait()
            result = students[i].press("bigram.board-post")
            answers[i] = result.exceptions + [t for t in result.texts if "room" in t]

        threads = [threading.Thread(target=post, args=(i,)) for i in range(CLASS_SIZE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        for student in students:
            student.close()
        assert server.process.poll() is None
    assert len(answers) == CLASS_SIZE
    assert all(
        len(a) == 1 and a[0].startswith(f"Posted to room {code}: dev NLL") for a in answers.values()
    ), answers
    before = stored_posts(board_url)
    assert len(before) == CLASS_SIZE
    assert sorted(nickname for _, nickname, _, _ in before) == [
        f"student {i:02d}" for i in range(CLASS_SIZE)
    ]
    # Each post is the student's own run: smoothing 0.5 + i, scored with it (a larger k
    # gives a larger dev NLL on these names, so the scores rise with i).
    by_name = {nickname: (settings, score) for _, nickname, settings, score in before}
    scores = [by_name[f"student {i:02d}"][1] for i in range(CLASS_SIZE)]
    assert scores == sorted(scores) and len(set(scores)) == CLASS_SIZE
    assert '"smoothing": "0.5"' in by_name["student 00"][0]

    with streamlit_server("board-server-restarted.log", env=env) as server:
        late = student_ready_to_post(server.url, code, "after the restart", 1.0)
        result = late.press("bigram.board-post")
        assert any("Posted" in t for t in result.texts), result.texts + result.exceptions
        projector = StreamlitStudent(server.url)
        first = projector.open("board", f"room={code}&present=1")
        assert not first.exceptions and projector.auto_rerun is not None
        refreshes = projector.follow_fragment(time.monotonic() + 7)  # every 5 s
        assert refreshes and not any(r.exceptions for r in refreshes)
    after = stored_posts(board_url)
    assert after[:CLASS_SIZE] == before  # nothing lost or changed by the restart
    assert [row[1] for row in after[CLASS_SIZE:]] == ["after the restart"]
