"""The class board: a room per class, runs posted from the Bigram and MLP pages, ranked.

- connection.py: the database, through st.connection (SQLite by default, any SQLAlchemy URL);
  serving/board_store.py owns every query, serving/board_rules.py the limits and checks;
- scores.py: the server's own score of a posted run (never a number the browser sends);
- post.py: the "Post to the class board" panel of the Bigram and MLP pages;
- view.py: the board page's parts.
"""

from ui.board.post import post_panel
from ui.board.scores import (
    ALL_WORDS_REFUSAL,
    NO_TEST_REFUSAL,
    UPLOAD_REFUSAL,
    bigram_entry,
    bigram_note,
    mlp_entry,
    mlp_note,
)
from ui.board.view import (
    current_room,
    open_store,
    page_title,
    room_header,
    standings,
    teacher_tools,
)

__all__ = [
    "ALL_WORDS_REFUSAL",
    "NO_TEST_REFUSAL",
    "UPLOAD_REFUSAL",
    "bigram_entry",
    "bigram_note",
    "current_room",
    "mlp_entry",
    "mlp_note",
    "open_store",
    "page_title",
    "post_panel",
    "room_header",
    "standings",
    "teacher_tools",
]
