"""Home: what the dashboard is, what each page teaches, and tips for teachers."""

import streamlit as st

from ui.layout import run_inside_the_app
from ui.site import LECTURE_1_URL, LECTURE_2_URL, sections

run_inside_the_app()

st.title("Zero-to-Hero Explorer")
st.markdown(
    "An interactive companion to the first two lessons of Andrej Karpathy's "
    "*Neural Networks: Zero to Hero*: "
    f"[micrograd]({LECTURE_1_URL}), a tiny autograd engine that trains neural nets, and "
    f"[makemore part 1]({LECTURE_2_URL}), a character-level bigram model of names built "
    "once by counting and once as a neural net. Every number on these pages is computed live, "
    "and every page checks itself against an independent reference (PyTorch, finite "
    "differences, the lectures' printed figures)."
)

lesson_sections = {name: pages for name, pages in sections().items() if name}
columns = st.columns(max(1, len(lesson_sections)), gap="large")
for column, (section, pages) in zip(columns, lesson_sections.items(), strict=False):
    with column:
        st.subheader(section)
        for page in pages:
            with st.container(border=True):
                st.page_link(page.path, label=page.title, icon=page.icon)
                st.caption(page.summary)

with st.expander("For teachers", icon=":material/co_present:"):
    st.markdown(
        "- **Share a setup**: the address bar always holds the page's settings; "
        "*Share these settings* in the sidebar gives the link. Training is seeded, so a "
        "student who opens the link and presses Train gets the same run.\n"
        "- **Presenter mode** (sidebar) enlarges text and charts for a projector and lets you "
        "hide controls from students; both travel in the link.\n"
        "- Everything a student trains stays in their own session: thirty students can share "
        "one server without seeing each other's work."
    )
