"""The class board page's parts: choosing a room, the teacher's tools, the ranked runs and the
best score over time.

Everything a student typed (nicknames) is shown in tables, which show text literally; the
page's own sentences name only room codes, which are checked letters and digits.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import altair as alt
import pandas as pd
import streamlit as st

from serving.board_rules import (
    MAX_POSTS_PER_ROOM,
    POST_INTERVAL_SECONDS,
    BoardError,
    clean_room_code,
    room_days,
)
from serving.board_schema import Post, Room, best_over_time
from serving.board_store import BoardStore
from ui import classroom, links, presenter
from ui.board.connection import board_database
from ui.charts import chart_height, configure_text, described

REFRESH_SECONDS = 5  # the projector's board follows the class this often
ROOMS_PER_SESSION = 3  # rooms one browser tab may open (a student pressing it 50 times)
OPENED_KEY = "board.rooms-opened"
BOARDS = {
    "bigram": ("Bigram: dev NLL", "dev NLL", "lower is better; ties go to the smaller n"),
    "mlp": (
        "MLP: test accuracy",
        "test accuracy",
        "higher is better; ties go to the network with fewer parameters",
    ),
}


def page_title(heading: str) -> None:
    """The page's title; on a projector the room's header is the title (room_header)."""
    if not presenter.presenting():
        st.title(heading)


def open_store() -> BoardStore | None:
    """The board's store, or None after a message that the database is down."""
    try:
        return board_database()
    except BoardError as error:
        st.warning(str(error), icon=":material/cloud_off:")
        return None


def current_room(store: BoardStore) -> Room | None:
    """The room of the link (or typed), or None after offering to join or open one."""
    linked = classroom.room_code()
    if linked:
        try:
            return store.room(linked)
        except BoardError as error:
            st.warning(str(error), icon=":material/search_off:")
    else:
        st.markdown(
            "A class board ranks the runs a class posts from the **Bigram** and **MLP** pages. "
            "A teacher opens a board and shares its link; students post to it."
        )
    join_or_open(store)
    return None


def join_or_open(store: BoardStore) -> None:
    left, right = st.columns(2, gap="large")
    with left, st.form("board-join", border=True):
        st.subheader("Join a board")
        typed = st.text_input("Room code", max_chars=12, key="board.join-code")
        if st.form_submit_button("Open this board", icon=":material/login:"):
            try:
                classroom.join(clean_room_code(typed))
            except BoardError as error:
                st.warning(str(error))
            else:
                links.write_link(None, classroom.BOARD_PAGE)
                st.rerun()
    with right, st.container(border=True):
        st.subheader("Open a new board")
        st.caption(
            f"For a teacher: a room code for your class and its links: for students, for the "
            f"projector, and your own. The room and its posts are deleted after {room_days():g} days."
        )
        if st.button(
            "Open a new board for my class", icon=":material/add_circle:", key="board.open-room"
        ):
            _open_room(store)


def _open_room(store: BoardStore) -> None:
    opened = st.session_state.get(OPENED_KEY, 0)
    if opened >= ROOMS_PER_SESSION:
        st.warning(
            f"This tab has opened {opened} boards already; use one of them (its link is in "
            "your browser's history) or open a new tab."
        )
        return
    try:
        code, token = store.open_room(room_days())
    except BoardError as error:
        st.warning(str(error))
        return
    st.session_state[OPENED_KEY] = opened + 1
    classroom.join(code, token)
    links.write_link(None, classroom.BOARD_PAGE)
    st.rerun()


def room_header(store: BoardStore, room: Room) -> bool:
    """The room's code and links; True for the room's teacher (a valid token)."""
    token = classroom.teacher_token()
    try:
        teacher = bool(token) and store.is_teacher(room.code, token)
    except BoardError as error:  # the database stopped answering since the room was read
        st.warning(str(error), icon=":material/cloud_off:")
        teacher = False
    state = (
        "closed: no more posts"
        if room.closed
        else f"{room.post_count} of {MAX_POSTS_PER_ROOM} posts"
    )
    if presenter.presenting():
        # The title on a projector (page_title drew none), so the rankings fit its 720
        # pixels: the code is what the class needs to read from it.
        st.title(f"Class board: room {room.code}")
        st.caption(state)
        return teacher
    st.markdown(f"## Room {room.code}")
    ends = viewer_time(room.expires_at).strftime("%d %B %Y, %H:%M")
    st.caption(f"{state}; deleted on {ends} ({viewer_zone_name()}).")
    if token and not teacher:
        st.warning(
            "The teacher's key in this link is not this room's, so you see the board as a "
            "student does.",
            icon=":material/key_off:",
        )
    if not teacher:
        st.markdown(
            "To post: open the **Bigram** or **MLP** page from the sidebar (the room goes with "
            "you), train, and press **Post to the class board**. The server trains your "
            f"settings again to score them; one post every {POST_INTERVAL_SECONDS:.0f} s. "
            "Runs on an uploaded word list cannot be posted: the upload stays in your session."
        )
    return teacher


def page_url(page: str, params: dict[str, str]) -> str:
    """A link to one of the app's pages, absolute when the browser's address is known."""
    here = (st.context.url or "").split("?", 1)[0]
    base = here.rsplit("/", 1)[0] + "/" if "/" in here else ""
    query = urlencode(params)
    return f"{base}{page}" + (f"?{query}" if query else "")


def teacher_tools(store: BoardStore, room: Room) -> None:
    """The teacher's links and tools; never on a projector, where the class would read the
    key."""
    if presenter.presenting():
        return
    token = classroom.teacher_token()
    with st.expander("Teacher: links and tools", icon=":material/admin_panel_settings:"):
        room_params = {classroom.ROOM_PARAM: room.code}
        st.markdown("**For students** (on the board, or typed: the room code):")
        st.code(page_url("board", room_params), language=None, wrap_lines=True)
        st.markdown("**For the projector** (large type, refreshes itself):")
        st.code(page_url("board", room_params | {"present": "1"}), language=None, wrap_lines=True)
        st.markdown("**Yours: keep it private**, it can hide posts and close the room:")
        st.code(
            page_url("board", room_params | {classroom.TEACHER_PARAM: token or ""}),
            language=None,
            wrap_lines=True,
        )
        try:
            hide_posts(store, room, token)
            clear_or_close(store, room, token)
        except BoardError as error:  # down, or the key no longer this room's
            st.warning(str(error), icon=":material/cloud_off:")


def hide_posts(store: BoardStore, room: Room, token: str | None) -> None:
    """Pick a post, then Hide or Show it: each press says what it wants, so a second tab of
    the teacher's, showing an older board, cannot undo the first's choice."""
    posts = [p for page in BOARDS for p in store.posts(room.code, page, include_hidden=True)]
    if not posts:
        return
    labels = {
        str(p.id): f"#{p.id} {p.nickname} ({p.page}, {_score_text(p)})"
        + (", hidden" if p.hidden else "")
        for p in posts
    }
    chosen = st.selectbox(
        "A post to hide or show again",
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder="Choose a post",
        key=f"board.post-choice.{room.code}",
        help="A hidden post stays in the database until the board is cleared.",
    )
    left, right = st.columns(2)
    for column, label, hidden in ((left, "Hide it", True), (right, "Show it again", False)):
        if column.button(label, disabled=chosen is None, key=f"board.{label}.{room.code}"):
            store.set_hidden(room.code, token, int(chosen), hidden)
            st.rerun()


def clear_or_close(store: BoardStore, room: Room, token: str | None) -> None:
    sure = st.checkbox("I am sure", key=f"board.sure.{room.code}")
    left, right = st.columns(2)
    if left.button("Clear the board", icon=":material/delete_sweep:", disabled=not sure):
        store.clear(room.code, token)
        st.rerun()
    if right.button("Close the room", icon=":material/lock:", disabled=not sure or room.closed):
        store.close(room.code, token)
        st.rerun()


def _score_text(post: Post) -> str:
    return f"{post.score:.1%}" if post.page == "mlp" else f"{post.score:.4f}"


def standings(store: BoardStore, room: Room, teacher: bool) -> None:
    """Both boards: refreshed every few seconds in presenter mode (the projector), on a
    press of Refresh otherwise."""
    presenting = presenter.presenting()
    every = REFRESH_SECONDS if presenting else None
    # Hidden posts are the teacher's to see, at their desk; not on the projector.
    st.fragment(run_every=every)(_standings)(store, room.code, teacher and not presenting)


def _standings(store: BoardStore, code: str, teacher: bool) -> None:
    if not presenter.presenting():
        st.button("Refresh", icon=":material/refresh:", key="board.refresh")
    try:
        boards = {page: store.posts(code, page, include_hidden=teacher) for page in BOARDS}
    except BoardError as error:
        st.warning(str(error), icon=":material/cloud_off:")
        return
    if not presenter.presenting():
        st.caption(f"As of {viewer_time(time.time()):%H:%M:%S}.")
    for page, posts in boards.items():
        title, measure, order = BOARDS[page]
        st.subheader(title)
        if not posts:
            st.caption(f"No {measure} posted yet.")
            continue
        posts = same_data(posts, page)
        st.caption(f"Best first: {order}.")
        st.dataframe(
            ranking_table(posts, teacher, code),
            hide_index=True,
            width="stretch",
            column_config={
                "Open": st.column_config.LinkColumn("Open", display_text="open this run"),
            },
        )
        visible = [p for p in posts if not p.hidden]
        if len(visible) > 1:
            st.altair_chart(progress_chart(visible, page, measure), width="stretch")


def same_data(posts: list[Post], page: str) -> list[Post]:
    """The posts on one data set (words, or points and test split), the one with the most
    posts unless the viewer picks another: scores on different data are not comparable (a
    shorter name list, one lucky test point)."""
    groups: dict[str, list[Post]] = {}
    for post in posts:
        groups.setdefault(str(post.details.get("data", "")), []).append(post)
    if len(groups) == 1:
        chosen = next(iter(groups))
    else:
        order = sorted(groups, key=lambda key: -len(groups[key]))
        labels = {key: f"{_data_label(groups[key][0])} ({len(groups[key])} posts)" for key in order}
        if presenter.presenting():
            chosen = order[0]
            others = len(posts) - len(groups[chosen])
            st.caption(f"{others} more on other data: a laptop's board lists them.")
        else:
            chosen = st.selectbox(
                "Ranked among the runs on", order, format_func=labels.get, key=f"board.data.{page}"
            )
    st.caption(f"Runs on {_data_label(groups[chosen][0])}.")
    return groups[chosen]


def _data_label(post: Post) -> str:
    return str(post.details.get("data_label", "the same data"))


def ranking_table(posts: list[Post], teacher: bool, code: str) -> pd.DataFrame:
    """One row a post, best first; "Open" is its share link (in the room)."""
    rows = []
    rank = 0
    for post in posts:
        if not post.hidden:
            rank += 1
        row = {
            "Rank": rank if not post.hidden else None,
            "Nickname": post.nickname,
            "Score": _score_text(post),
            "n" if post.page == "bigram" else "Parameters": int(post.tiebreak),
            "Run": str(post.details.get("run", "")),
            "Posted": f"{viewer_time(post.posted_at):%H:%M:%S}",
        }
        if not presenter.presenting():  # a link is no use on a projector
            row["Open"] = page_url(post.page, post.settings | {classroom.ROOM_PARAM: code})
        if teacher:
            row["Hidden"] = "hidden" if post.hidden else ""
        rows.append(row)
    return pd.DataFrame(rows)


def progress_chart(posts: list[Post], page: str, measure: str) -> alt.TopLevelMixin:
    """Every post as a circle and the best score so far as a step line, against the time
    since the board's first post (no clock, so no time zone to get wrong), with a text
    alternative."""
    improvements = best_over_time(posts, page)
    start = min(p.posted_at for p in posts)
    last_post = max(p.posted_at for p in posts)
    steps = [*improvements, (last_post, improvements[-1][1])]  # the line runs to the last post
    percent = page == "mlp"
    fmt = ".0%" if percent else ".3f"
    # Whole seconds early in a lesson, whole minutes after two.
    unit, seconds = ("minutes", 60.0) if last_post - start >= 120 else ("seconds", 1.0)
    since = f"{unit} since the first post"

    line = pd.DataFrame(
        {since: [(t - start) / seconds for t, _ in steps], "best": [b for _, b in steps]}
    )
    dots = pd.DataFrame(
        {
            since: [(p.posted_at - start) / seconds for p in posts],
            measure: [p.score for p in posts],
            "nickname": [p.nickname for p in posts],
        }
    )
    x = alt.X(f"{since}:Q", axis=alt.Axis(format="d", tickMinStep=1))
    y_axis = alt.Axis(format=fmt, title=measure)
    chart = alt.layer(
        alt.Chart(dots)
        .mark_point(size=60, color="#444444", filled=False)
        .encode(
            x=x,
            y=alt.Y(f"{measure}:Q", axis=y_axis, scale=alt.Scale(zero=False)),
            tooltip=["nickname:N", alt.Tooltip(f"{measure}:Q", format=fmt)],
        ),
        alt.Chart(line)
        .mark_line(interpolate="step-after", strokeWidth=3, color="#0072B2")
        .encode(x=x, y=alt.Y("best:Q", axis=y_axis, scale=alt.Scale(zero=False))),
    ).properties(title=f"Best {measure} so far; circles: posts", height=chart_height(220))
    first, best = improvements[0][1], improvements[-1][1]
    shown = "{:.1%}" if percent else "{:.4f}"
    summary = (
        f"Best {measure} over the lesson: {len(posts)} posts in "
        f"{(last_post - start) / 60:.0f} minutes; the best went from {shown.format(first)} to "
        f"{shown.format(best)} in {len(improvements) - 1} "
        f"improvement{'' if len(improvements) == 2 else 's'}."
    )
    return described(configure_text(chart), summary)


def viewer_time(seconds: float) -> datetime:
    """A moment in the browser's time zone (st.context.timezone), UTC when unknown."""
    return datetime.fromtimestamp(seconds, _viewer_zone())


def viewer_zone_name() -> str:
    return str(_viewer_zone())


def _viewer_zone():
    try:
        return ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
