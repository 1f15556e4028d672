"""The pages of the dashboard, in one place.

dashboard.py builds the navigation from this list and the home page links to every entry,
so adding a page is one line here. Paths are relative to dashboard.py.
"""

from __future__ import annotations

from dataclasses import dataclass

LESSON_1 = "Lesson 1: micrograd"
LESSON_2 = "Lesson 2: makemore"

LECTURE_1_URL = "https://www.youtube.com/watch?v=VMj-3S1tku0"
LECTURE_2_URL = "https://www.youtube.com/watch?v=PaCmpygFfXo"


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str
    icon: str
    section: str  # "" for the home page, which sits above the lessons
    summary: str  # what the page teaches, shown on the home page


HOME = PageInfo(
    path="pages/home.py",
    title="Home",
    icon=":material/home:",
    section="",
    summary="What each page teaches, and where to start.",
)

# Lesson pages in teaching order. Only pages that exist are listed: no placeholders.
LESSON_PAGES: tuple[PageInfo, ...] = (
    PageInfo(
        path="pages/neuron.py",
        title="Neuron",
        icon=":material/hub:",
        section=LESSON_1,
        summary="One neuron as a live graph: how every gradient follows from the chain rule.",
    ),
    PageInfo(
        path="pages/mlp.py",
        title="Train an MLP",
        icon=":material/scatter_plot:",
        section=LESSON_1,
        summary="Train a micrograd MLP live on 2-D data and watch its decision boundary move.",
    ),
    PageInfo(
        path="pages/bigram.py",
        title="Bigram",
        icon=":material/grid_on:",
        section=LESSON_2,
        summary="A character model of names built by counting and as a neural net, side by "
        "side: their losses, tables and samples agree.",
    ),
)

ALL_PAGES: tuple[PageInfo, ...] = (HOME, *LESSON_PAGES)


def sections() -> dict[str, list[PageInfo]]:
    """Pages grouped by section, in order, leaving out empty sections."""
    grouped: dict[str, list[PageInfo]] = {}
    for page in ALL_PAGES:
        grouped.setdefault(page.section, []).append(page)
    return grouped
