"""The class board's room as it travels with a student: `room=CODE` in every page's link.

Like presenter mode (ui/presenter.py) the room is read from the link when the link changes
(a link opened, a page switch, Back) and written into every page's link, so a student who
opened the teacher's board link keeps the room on the Bigram and MLP pages. The teacher's
secret (`teacher=...`) travels only in the board page's own link: never into a lesson page's
share link, which students pass around.

Only the shape of the values is limited here; whether a room exists is the board's question
(ui/board/), asked only when the board is used.
"""

from __future__ import annotations

import streamlit as st

from ui import presenter

ROOM_PARAM = "room"
TEACHER_PARAM = "teacher"
ROOM_LINK_PARAMS = (ROOM_PARAM, TEACHER_PARAM)
BOARD_PAGE = "board"
ROOM_KEY = "classroom.room"
TEACHER_KEY = "classroom.teacher"
TOKEN_ROOM_KEY = "classroom.teacher-room"  # the room the token is for
MAX_ROOM_TEXT = 40  # a room code is 6 characters; longer text is cut before it is kept
MAX_TOKEN_TEXT = 200


def take_from_link(params: dict[str, str]) -> None:
    """The room (and a teacher token) as a changed link gives them; absent means none. A
    token the link does not carry is kept while the room stays the same (the teacher's own
    page switches), and dropped with a change of room."""
    room = params.get(ROOM_PARAM, "")[:MAX_ROOM_TEXT].strip() or None
    if TEACHER_PARAM in params:
        join(room, params[TEACHER_PARAM][:MAX_TOKEN_TEXT] or None)
    else:
        join(room, teacher_token() if room == st.session_state.get(TOKEN_ROOM_KEY) else None)


def room_code() -> str | None:
    """The room this session is in, as linked or typed (not yet checked)."""
    return st.session_state.get(ROOM_KEY)


def teacher_token() -> str | None:
    return st.session_state.get(TEACHER_KEY)


def join(code: str | None, teacher: str | None = None) -> None:
    """Enter a room (None: leave it), optionally as its teacher."""
    st.session_state[ROOM_KEY] = code
    st.session_state[TEACHER_KEY] = teacher
    st.session_state[TOKEN_ROOM_KEY] = code if teacher else None


def room_link_params(page: str | None) -> dict[str, str]:
    """What the room adds to `page`'s link: the room, and the teacher's token on the board."""
    code = room_code()
    if not code:
        return {}
    params = {ROOM_PARAM: code}
    token = teacher_token()
    # Not on a projector either: the address bar is on the screen.
    if page == BOARD_PAGE and token and not presenter.presenting():
        params[TEACHER_PARAM] = token
    return params
