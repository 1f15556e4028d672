"""Entry point: `streamlit run dashboard.py`. Page setup and navigation only.

The navigation's own menu is hidden: every page draws the sidebar's page links itself
(ui/layout.py), because each link carries that page's settings. Pages must not rely on
anything created here: AppTest (and Streamlit's pages/ folder discovery) can run a page
without this script, so each page is self-sufficient.
"""

import streamlit as st

from ui.site import ALL_PAGES, HOME

st.set_page_config(
    page_title="Zero-to-Hero Explorer",
    page_icon=":material/neurology:",
    layout="wide",
)

pages = [
    st.Page(page.path, title=page.title, icon=page.icon, default=page is HOME) for page in ALL_PAGES
]
st.navigation(pages, position="hidden").run()
