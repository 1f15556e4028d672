"""The pages of the dashboard, in one place.

dashboard.py builds the navigation from this list, the sidebar and the home page link to every
entry, so adding a page is one entry here. Paths are relative to dashboard.py.
"""

from __future__ import annotations

from dataclasses import dataclass

LESSON_1 = "Lesson 1: micrograd"
LESSON_2 = "Lesson 2: makemore"

LECTURE_1_URL = "https://www.youtube.com/watch?v=VMj-3S1tku0"
LECTURE_2_URL = "https://www.youtube.com/watch?v=PaCmpygFfXo"
LECTURE_URLS = {LESSON_1: LECTURE_1_URL, LESSON_2: LECTURE_2_URL}


@dataclass(frozen=True)
class PageInfo:
    name: str  # the page's settings and session keys are named after it
    path: str
    title: str  # in the navigation
    heading: str  # at the top of the page
    icon: str
    section: str  # "" for the home page, which sits above the lessons
    summary: str  # what the page teaches, shown on the home page


HOME = PageInfo(
    name="home",
    path="pages/home.py",
    title="Home",
    heading="Zero-to-Hero Explorer",
    icon=":material/home:",
    section="",
    summary="What each page teaches, and where to start.",
)

# Lesson pages in teaching order. Only pages that exist are listed: no placeholders.
NEURON = PageInfo(
    name="neuron",
    path="pages/neuron.py",
    title="Neuron",
    heading="A neuron, node by node",
    icon=":material/hub:",
    section=LESSON_1,
    summary="One neuron as a live graph: how every gradient follows from the chain rule.",
)
MLP = PageInfo(
    name="mlp",
    path="pages/mlp.py",
    title="Train an MLP",
    heading="Train an MLP",
    icon=":material/scatter_plot:",
    section=LESSON_1,
    summary="Train a micrograd MLP live on 2-D data and watch its decision boundary move.",
)
BIGRAM = PageInfo(
    name="bigram",
    path="pages/bigram.py",
    title="Bigram",
    heading="Bigram: counting vs a neural net",
    icon=":material/grid_on:",
    section=LESSON_2,
    summary="A character model of names built by counting and as a neural net, side by "
    "side: their losses, tables and samples agree.",
)
LESSON_PAGES: tuple[PageInfo, ...] = (NEURON, MLP, BIGRAM)
ALL_PAGES: tuple[PageInfo, ...] = (HOME, *LESSON_PAGES)


def sections() -> dict[str, list[PageInfo]]:
    """Pages grouped by section, in order, leaving out empty sections."""
    grouped: dict[str, list[PageInfo]] = {}
    for page in ALL_PAGES:
        grouped.setdefault(page.section, []).append(page)
    return grouped
