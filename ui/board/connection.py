"""The class board's database, through `st.connection` (SQLAlchemy).

Where it lives, first found wins:
1. the environment variable EXPLORER_BOARD_URL (any SQLAlchemy URL);
2. `.streamlit/secrets.toml`, section `[connections.board]` with `url = "..."` (Streamlit's
   own way: a hosted app keeps its PostgreSQL password there);
3. an SQLite file, `board.sqlite` in EXPLORER_BOARD_DIR (default: `.board/` beside the app),
   created on first use.

A hosted container's disk is wiped when it restarts, so an SQLite board lasts only until
then: a hosted class board wants PostgreSQL (docs/class-board.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from serving.board_rules import BoardError, BoardUnavailable
from serving.board_store import BoardStore

BOARD_URL_ENV = "EXPLORER_BOARD_URL"
BOARD_DIR_ENV = "EXPLORER_BOARD_DIR"
CONNECTION_NAME = "board"
APP_DIR = Path(__file__).resolve().parent.parent.parent


def board_url() -> str | None:
    """The URL st.connection is given; None when secrets.toml names it."""
    if os.environ.get(BOARD_URL_ENV):
        return os.environ[BOARD_URL_ENV]
    try:
        if st.secrets.get("connections", {}).get(CONNECTION_NAME, {}).get("url"):
            return None
    except FileNotFoundError:  # no secrets.toml at all
        pass
    except Exception:  # a secrets.toml that does not parse: the default board still works
        pass
    folder = Path(os.environ.get(BOARD_DIR_ENV) or APP_DIR / ".board")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'board.sqlite'}"


def board_database() -> BoardStore:
    """The process's board store, its schema created or migrated on first use. Raises
    BoardUnavailable (with a sentence for the page) when the database does not answer."""
    try:
        url = board_url()
    except OSError as error:
        raise BoardUnavailable(
            "The class board has no place to keep its posts (the folder for its file cannot "
            "be made); tell whoever runs this server."
        ) from error
    return _store(url)


# Not a cache of data: one store (and its engine's connection pool) per process and URL, as
# st.connection keeps one engine. A database that is down raises, and nothing is kept.
@st.cache_resource(max_entries=4, show_spinner=False)
def _store(url: str | None) -> BoardStore:
    options = {"url": url} if url else {}
    if url and url.startswith("sqlite"):
        # One SQLite file, written by every script thread of the process.
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    try:
        connection = st.connection(CONNECTION_NAME, type="sql", **options)
        store = BoardStore(connection.engine)
        store.migrate()
    except BoardError:  # down, or a schema newer than this app: its own message
        raise
    except Exception as error:  # a bad URL, a missing driver, a refused login
        raise BoardUnavailable(
            "The class board's database could not be opened; tell whoever runs this server. "
            "Everything else on the page still works."
        ) from error
    return store
