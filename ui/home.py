"""The home page's parts: what the dashboard is, a card per lesson page, tips for teachers."""

from __future__ import annotations

import streamlit as st

from ui import links
from ui.site import LECTURE_1_URL, LECTURE_2_URL, sections


def introduction() -> None:
    st.markdown(
        "An interactive companion to the first two lessons of Andrej Karpathy's "
        "*Neural Networks: Zero to Hero*: "
        f"[micrograd]({LECTURE_1_URL}), a tiny autograd engine that trains neural nets, and "
        f"[makemore part 1]({LECTURE_2_URL}), a character-level bigram model of names built "
        "once by counting and once as a neural net. Every number on these pages is computed "
        "live, and every page checks itself against an independent reference (PyTorch, finite "
        "differences, the lectures' printed figures)."
    )


def lesson_cards() -> None:
    lesson_sections = {name: pages for name, pages in sections().items() if name}
    columns = st.columns(max(1, len(lesson_sections)), gap="large")
    for column, (section, pages) in zip(columns, lesson_sections.items(), strict=True):
        with column:
            st.header(section)
            for page in pages:
                with st.container(border=True):
                    st.page_link(
                        page.path,
                        label=page.title,
                        icon=page.icon,
                        query_params=links.page_params(page.name),
                    )
                    st.caption(page.summary)


def teacher_tips() -> None:
    with st.expander("For teachers", icon=":material/co_present:"):
        st.markdown(
            "- **Share a setup**: the address bar always holds the page's settings; "
            "*Share these settings* in the sidebar gives the link. Training is seeded, so a "
            "student who opens the link and presses Train gets the same run.\n"
            "- **Presenter mode** (sidebar) enlarges text and charts for a projector and lets "
            "you hide controls from students; both travel in the link.\n"
            "- Everything a student trains stays in their own session: thirty students can "
            "share one server without seeing each other's work.\n"
            "- **A class board** (*Class board* in the sidebar): open a room, share its link, "
            "and students post their best Bigram and MLP runs to it; the projector shows the "
            "class's ranking and its best score over time."
        )
