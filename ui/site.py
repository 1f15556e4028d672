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
    name: str  # the page's file (pages/<name>.py); its settings and session keys use it too
    title: str  # in the navigation
    heading: str  # at the top of the page
    icon: str
    section: str  # "" for the home page, which sits above the lessons

    @property
    def path(self) -> str:
        return f"pages/{self.name}.py"

    @property
    def summary(self) -> str:
        """What the page teaches, shown on the home page."""
        return SUMMARIES[self.name]


SUMMARIES = {
    "home": "What each page teaches, and where to start.",
    "neuron": "One neuron as a live graph: how every gradient follows from the chain rule.",
    "mlp": "Train a micrograd MLP live on 2-D data and watch its decision boundary move.",
    "board": "A class board: runs posted from the Bigram and MLP pages, best first.",
    "bigram": "A character model of names built by counting and as a neural net, side by side: "
    "their losses, tables and samples agree.",
}

HOME = PageInfo("home", "Home", "Zero-to-Hero Explorer", ":material/home:", "")
BOARD = PageInfo("board", "Class board", "Class board", ":material/leaderboard:", "")
# Lesson pages in teaching order. Only pages that exist are listed: no placeholders.
NEURON = PageInfo("neuron", "Neuron", "A neuron, node by node", ":material/hub:", LESSON_1)
MLP = PageInfo("mlp", "Train an MLP", "Train an MLP", ":material/scatter_plot:", LESSON_1)
BIGRAM = PageInfo(
    "bigram", "Bigram", "Bigram: counting vs a neural net", ":material/grid_on:", LESSON_2
)
LESSON_PAGES: tuple[PageInfo, ...] = (NEURON, MLP, BIGRAM)
ALL_PAGES: tuple[PageInfo, ...] = (HOME, BOARD, *LESSON_PAGES)


def sections() -> dict[str, list[PageInfo]]:
    """Pages grouped by section, in order, leaving out empty sections."""
    grouped: dict[str, list[PageInfo]] = {}
    for page in ALL_PAGES:
        grouped.setdefault(page.section, []).append(page)
    return grouped
