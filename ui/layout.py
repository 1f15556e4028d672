"""What every lesson page shares: its header, the "what to try" note, and the sidebar tools
(share link, presenter mode and the controls students see)."""

from __future__ import annotations

import streamlit as st
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from ui.settings import PageSettings, is_hidden, presenting, set_presenter

# Larger type and roomier widgets for a projector; injected only in presenter mode.
PRESENTER_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
  [data-testid="stCaptionContainer"], label, [data-testid="stMetricValue"],
  [data-testid="stTable"], [data-testid="stDataFrame"] { font-size: 1.25rem !important; }
  h1 { font-size: 3rem !important; }
  h2, h3 { font-size: 2.1rem !important; }
</style>
"""


def run_inside_the_app() -> None:
    """Make sure this page runs inside dashboard.py's navigation, even from a direct link.

    Because the page folder is called pages/, a freshly started Streamlit server treats the
    app as a legacy pages/ app until some session has called st.navigation: a share link
    such as /neuron?w1=2 would then run the page on its own, without dashboard.py's page
    config and navigation (narrow layout, a sidebar listing "dashboard"). When that happens,
    switch the server to st.navigation mode (the flag st.navigation itself clears) and rerun:
    the rerun goes through dashboard.py, which opens the page the link asked for.
    """
    # AppTest resets the flag before every run, so a rerun there would happen on every
    # interaction and drop button clicks; AppTest runs stay in the legacy mode instead (see
    # tests/test_app_pages.py), which runs the page alone, as the pages are written to allow.
    if PagesManager.uses_pages_directory and not config.get_option("global.appTest"):
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(
    settings: PageSettings,
    *,
    title: str,
    intro: str,
    lecture_url: str,
    lecture_label: str,
) -> None:
    """Start the page: load the user's settings (from the link on a first visit), draw the
    title, the collapsible note on what to try, the sidebar tools and any link warnings."""
    run_inside_the_app()
    # Each script run is a new thread, and torch's thread count is set per thread (see
    # models/torch_runtime.py). Imported here so the home page does not load torch.
    from models import torch_runtime

    torch_runtime.configure()
    settings.start()
    settings.sync_link()
    if presenting():
        st.html(PRESENTER_CSS)
    st.title(title)
    with st.expander("What to try here", expanded=not presenting(), icon=":material/lightbulb:"):
        st.markdown(intro)
        st.markdown(f"Lecture: [{lecture_label}]({lecture_url})")
    settings.show_warnings()
    sidebar_tools(settings)


def sidebar_tools(settings: PageSettings) -> None:
    with st.sidebar:
        with st.popover("Share these settings", icon=":material/link:", width="stretch"):
            st.caption("This link opens the page with your settings; training is seeded, "
                       "so pressing Train reproduces your run.")  # fmt: skip
            st.code(settings.share_link(), language=None, wrap_lines=True)
        with st.expander("Presenter mode", icon=":material/co_present:"):
            present = st.toggle(
                "Present to a class",
                value=presenting(),
                key=f"present-toggle:{settings.page}",
                help="Larger type and charts for a projector. The link carries it.",
            )
            choices = list(settings.settings)
            current_hidden = [key for key in choices if is_hidden(key)]
            hidden = st.multiselect(
                "Hide these controls from students",
                choices,
                default=current_hidden,
                format_func=lambda key: settings.settings[key].label,
                key=f"hide-select:{settings.page}",
                disabled=not present,
            )
            if present != presenting() or (present and hidden != current_hidden):
                keep = [k for k in _hidden_elsewhere(settings) if k not in choices]
                set_presenter(present, [*keep, *hidden])
                settings.sync_link()
                st.rerun()


def _hidden_elsewhere(settings: PageSettings) -> list[str]:
    """Hidden keys that belong to other pages; a teacher's choices there are kept."""
    state = st.session_state.get("presenter", {"hide": ()})
    return [key for key in state["hide"] if key not in settings.settings]
