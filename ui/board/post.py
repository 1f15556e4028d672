""" "Post to the class board", as the Bigram and MLP pages draw it.

A fragment: pressing Post reruns this panel only, not the page's charts. The post is the
page's current settings (as the address bar shares them); the server scores it again (see
scores.py) and the board's database applies its limits (serving/board_store.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import streamlit as st

from serving.board_rules import NICKNAME_MAX, BoardError, clean_nickname, clean_room_code
from ui import classroom, links, presenter
from ui.board.connection import board_database
from ui.board.scores import BIGRAM_MODELS, Entry
from ui.text import in_code

NICKNAME_KEY = "board.nickname"
AUTHOR_KEY = "board.author"  # this session, as the board's rate limit knows it
MESSAGE_KEY = "board.message"  # page -> (kind, text) of the last press


def author() -> str:
    """A random name for this session (one per browser tab); the board never shows it."""
    if AUTHOR_KEY not in st.session_state:
        st.session_state[AUTHOR_KEY] = uuid.uuid4().hex
    return st.session_state[AUTHOR_KEY]


def post_panel(page: str, make_entry: Callable[[str], Entry], note: str | None = None) -> None:
    """The panel: the room, a nickname, what is posted, and the button. `make_entry(model)`
    scores the page's run (model: "counts"/"neural" on the Bigram page, "" on the MLP page);
    `note` says why this run cannot be posted (an upload), and disables the button."""
    if presenter.presenting():
        return  # the projector shows the board itself, not a student's form
    with st.expander(
        "Post to the class board",
        icon=":material/leaderboard:",
        expanded=bool(classroom.room_code()),
    ):
        _panel(page, make_entry, note)


@st.fragment
def _panel(page: str, make_entry: Callable[[str], Entry], note: str | None) -> None:
    code = _room_field(page)
    if code is None:
        return
    nickname = st.text_input(
        "Your nickname on the board",
        key=NICKNAME_KEY,
        max_chars=NICKNAME_MAX,
        persist_state="session",
        help=f"1 to {NICKNAME_MAX} characters, shown to the class as you type it.",
    )
    model = ""
    if page == "bigram":
        model = st.radio(
            "What to post",
            tuple(BIGRAM_MODELS),
            key="bigram.board-model",
            horizontal=True,
            format_func=lambda m: f"the {BIGRAM_MODELS[m]}",
            persist_state="session",
        )
    if note:
        st.info(note, icon=":material/block:")
    st.caption(
        "The server trains your settings again to score them, so the board shows what anyone "
        "who opens your run gets."
    )
    if st.button(
        "Post to the class board",
        key=f"{page}.board-post",
        icon=":material/send:",
        disabled=bool(note),
    ):
        st.session_state.setdefault(MESSAGE_KEY, {})[page] = _post(
            page, code, nickname, model, make_entry
        )
    kind, text = st.session_state.get(MESSAGE_KEY, {}).get(page, (None, ""))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
        st.page_link(
            "pages/board.py",
            label="See the class board",
            icon=":material/leaderboard:",
            query_params=links.page_params(classroom.BOARD_PAGE),  # the room, as every link
        )
    elif kind:
        st.warning(text, icon=":material/info:")


def _room_field(page: str) -> str | None:
    """The room this session posts to (checked in shape), or None after saying why not."""
    linked = classroom.room_code()
    if linked:
        try:
            code = clean_room_code(linked)
        except BoardError as error:
            st.warning(f"The room in this link ({in_code(linked, limit=12)}): {error}")
            code = None
        if code:
            st.markdown(f"Room **{code}**")
            return code
    typed = st.text_input(
        "Room code",
        key=f"{page}.board-room",
        max_chars=12,
        help="Your teacher's board link puts it in the address; or type it here.",
    )
    if not typed:
        st.caption("Type the room code your teacher shows, to post your run to the class board.")
        return None
    try:
        code = clean_room_code(typed)
    except BoardError as error:
        st.warning(str(error))
        return None
    classroom.join(code)
    return code


def _post(
    page: str, code: str, nickname: str, model: str, make_entry: Callable[[str], Entry]
) -> tuple[str, str]:
    """Score and post; ("success" | "warning", the message)."""
    try:
        store = board_database()
        store.room(code)
        name = clean_nickname(nickname)
        # Before the scoring: a gone, closed or full room, or a post too soon, costs nothing.
        store.check_can_post(code, name, author())
        with st.spinner("Scoring your run on the server..."):
            entry = _scored(make_entry, model)
        store.post(code, entry.new_post(name), author(), uuid.uuid4().hex)
    except BoardError as error:  # a limit, a bad name, or the database down (BoardUnavailable)
        return "warning", str(error)
    return "success", f"Posted to room {code}: {entry.headline}."


def _scored(make_entry: Callable[[str], Entry], model: str) -> Entry:
    """The run scored, or BoardError: a run the settings allow may still not train (a
    diverging net, a split the data cannot make)."""
    try:
        return make_entry(model)
    except BoardError:
        raise
    except (ValueError, ArithmeticError) as error:
        raise BoardError(
            f"The server could not score this run ({type(error).__name__}); change a setting "
            "and post again."
        ) from error
