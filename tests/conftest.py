"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMES_TXT = REPO_ROOT.parent / "shared" / "data" / "names.txt"


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
    """makemore's names.txt (the lecture's data), for reproducing the lecture's figures."""
    if not NAMES_TXT.is_file():
        pytest.skip(f"lecture data not found at {NAMES_TXT}")
    return NAMES_TXT
