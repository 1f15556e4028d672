"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.names import MAKEMORE_NAMES

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """st.cache_* outlive AppTest instances in one process; start every test clean."""
    import streamlit as st

    from ui import cache

    st.cache_data.clear()
    st.cache_resource.clear()
    cache.forget_fingerprints()  # what the cleared caches handed out is gone with them
    yield


@pytest.fixture(scope="session")
def names_txt() -> Path:
    """makemore's names.txt (the lecture's data), for reproducing the lecture's figures: the
    copy the project ships, found where the app finds it (data/names.py). It is part of every
    clone, so a missing file is a failure, not a skip."""
    assert MAKEMORE_NAMES.is_file(), f"the shipped lecture data is missing: {MAKEMORE_NAMES}"
    return MAKEMORE_NAMES


# ---- the class board's databases -----------------------------------------------------------
# Every board test runs on SQLite and on a real PostgreSQL server. .ci/run starts Debian's
# postgresql and sets REQUIRE_POSTGRES=1; elsewhere the PostgreSQL half skips when no server
# answers at EXPLORER_TEST_POSTGRES_URL.
POSTGRES_URL_ENV = "EXPLORER_TEST_POSTGRES_URL"
DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://explorer:explorer@localhost:5432/explorer_test"


@pytest.fixture(params=["sqlite", "postgresql"])
def board_url(request, tmp_path) -> str:
    """A SQLAlchemy URL of an empty board database. On PostgreSQL each test gets its own
    schema (dropped afterwards), so tests that move the clock on and purge expired rooms
    never touch another test's rooms, even on the other pytest worker."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'board.sqlite'}"
        return
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    base = os.environ.get(POSTGRES_URL_ENV, DEFAULT_TEST_POSTGRES_URL)
    schema = f"board_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but does not answer at {base}: {error}")
        pytest.skip(f"no PostgreSQL server at {base}")
    joiner = "&" if "?" in base else "?"
    yield f"{base}{joiner}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
