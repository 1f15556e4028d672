"""A script that fails on purpose, for tests/browser/test_classroom_config.py: run with the
project's .streamlit/config.toml, a student sees no traceback while the server's log keeps it.
Not a page of the app (the app's pages are listed in ui/site.py)."""

import streamlit as st

SECRET = "internal detail 7f3a: /srv/app/secret_path.py"

if __name__ == "__main__":  # how `streamlit run` executes it; importing SECRET does not fail
    st.title("A page that fails")
    raise RuntimeError(SECRET)
