"""Entry point: `streamlit run dashboard.py`. Page setup and navigation only.

Pages must not rely on anything created here: AppTest (and Streamlit's pages/ folder
discovery) can rerun a page without this script, so each page is self-sufficient.
"""

import streamlit as st

from ui.site import HOME, sections

st.set_page_config(
    page_title="Zero-to-Hero Explorer",
    page_icon=":material/neurology:",
    layout="wide",
)

navigation = {
    section: [
        st.Page(page.path, title=page.title, icon=page.icon, default=page is HOME) for page in pages
    ]
    for section, pages in sections().items()
}
st.navigation(navigation).run()
