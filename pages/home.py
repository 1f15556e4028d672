"""Home: what the dashboard is and what each page teaches."""

import streamlit as st

from ui.layout import run_inside_the_app
from ui.site import HOME, LECTURE_1_URL, LECTURE_2_URL, sections

run_inside_the_app()

st.title("Zero-to-Hero Explorer")
st.markdown(
    "An interactive companion to the first two lessons of Andrej Karpathy's "
    "*Neural Networks: Zero to Hero*: "
    f"[micrograd]({LECTURE_1_URL}), a tiny autograd engine that trains neural nets, and "
    f"[makemore part 1]({LECTURE_2_URL}), a character-level bigram model of names built "
    "once by counting and once as a neural net."
)

lesson_sections = {name: pages for name, pages in sections().items() if name}
if not lesson_sections:
    st.info("The lesson pages are on their way.", icon=":material/construction:")
for section, pages in lesson_sections.items():
    st.subheader(section)
    for page in pages:
        if page is HOME:
            continue
        st.page_link(page.path, label=page.title, icon=page.icon)
        st.caption(page.summary)
