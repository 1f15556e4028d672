"""The Bigram page's settings."""

from __future__ import annotations

from data.names import DEFAULT_YEAR, FIRST_YEAR, LAST_YEAR, SEXES
from models.ngram import LECTURE_SEED
from ui.settings import PageSettings, Setting, labelled_choice

SPLIT_SEED = 42  # makemore's split: shuffle with this seed, then 80% / 10% / 10%
ORDERS = (2, 3, 4)
ORDER_NAMES = {2: "bigram", 3: "trigram", 4: "4-gram"}
SEX_LABELS = {"both": "girls and boys", "F": "girls", "M": "boys"}
METHODS = ("torch", "engine")
METHOD_LABELS = {"torch": "torch", "engine": "our engine"}
SEED_LIMIT = 2**31 - 1
DATA_LABELS = {
    "ssa": "Built-in US baby names",
    "makemore": "makemore's names.txt, as in the lecture",
    "upload": "My own word list",
}
SPLIT_LABELS = {"split": "train / dev / test", "all": "all words (as in the lecture)"}
WEIGHTS_LABELS = {"initial": "initial W (before training)", "trained": "trained W"}
WALK_LABELS = {"counts": "counts model", "neural": "neural net"}


def _row_label(ch: str) -> str:
    return ". (start of a word)" if ch == "." else ch


def _order_label(n: int) -> str:
    return f"n = {n} ({ORDER_NAMES[n]})"


SETTINGS = PageSettings(
    "bigram",
    [
        labelled_choice(
            "data",
            "Words",
            "ssa",
            DATA_LABELS,
            widget="radio",
        ),
        Setting(
            "year",
            "Year",
            DEFAULT_YEAR,
            kind="int",
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
            widget="slider+number",
        ),
        Setting(
            "sex",
            "Names given to",
            "both",
            kind="choice",
            options=SEXES,
            widget="segmented",
            option_labels=SEX_LABELS.get,
        ),
        Setting(
            "top_n",
            "Keep the most popular names (0 = all)",
            0,
            kind="int",
            min_value=0,
            max_value=40_000,
            step=500,
            help="Names are ranked by how many babies got them that year.",
        ),
        labelled_choice(
            "split",
            "Fit the models on",
            "split",
            SPLIT_LABELS,
            widget="radio",
            help="train / dev / test: shuffled with seed 42, cut at 80% and 90%; the dev and "
            "test words show how the models do on names they never saw. All words: the "
            "lecture's way, one NLL over every word.",
        ),
        Setting("word", "A word to take apart", "emma", kind="text", max_chars=50),
        Setting(
            "n",
            "Model size n",
            2,
            kind="choice",
            options=ORDERS,
            widget="segmented",
            option_labels=_order_label,
            help="How many characters an n-gram has: the model predicts the last one from "
            "the n - 1 before it. Both models use the same n.",
        ),
        Setting(
            "smoothing",
            "Smoothing k (added to every count)",
            1.0,
            min_value=0.0,
            max_value=100.0,
            step=0.1,
            widget="slider+number",
            help="The lecture adds 1 to every count (k = 1), so that no n-gram has probability 0.",
        ),
        Setting(
            "prefix",
            "First n - 2 characters of the context",
            "",
            kind="text",
            max_chars=2,
            help="For n > 2 the count table has n dimensions; the heatmap shows the slice "
            "whose contexts start with these characters.",
        ),
        Setting(
            "row",
            "Row (last character of the context)",
            ".",
            kind="text",
            max_chars=1,
            widget="selectbox",
            help="Or click a cell of the heatmap.",
            option_labels=_row_label,
        ),
        Setting(
            "lr",
            "Learning rate",
            50.0,
            min_value=0.1,
            max_value=500.0,
            step=0.1,
            widget="slider+number",
        ),
        Setting(
            "steps",
            "Steps",
            500,
            kind="int",
            min_value=1,
            max_value=5000,
            step=10,
            widget="slider+number",
        ),
        Setting(
            "reg",
            "Regularisation (reg)",
            0.001,
            min_value=0.0,
            max_value=1.0,
            step=0.001,
            format="%.4f",
            help="loss = mean NLL + reg * mean(W**2). The lecture uses 0.01.",
        ),
        Setting(
            "seed",
            "Seed of the initial weights",
            LECTURE_SEED,
            kind="int",
            min_value=0,
            max_value=SEED_LIMIT,
            help="2147483647 is the lecture's seed.",
        ),
        Setting(
            "method",
            "Train with",
            "torch",
            kind="choice",
            options=METHODS,
            widget="segmented",
            option_labels=METHOD_LABELS.get,
        ),
        Setting("centre", "Remove each row's mean (the per-row constant)", True, kind="bool"),
        Setting("zoom", "Zoom in where the curves meet", True, kind="bool"),
        Setting(
            "num_samples",
            "Names to sample",
            10,
            kind="int",
            min_value=1,
            max_value=100,
        ),
        Setting(
            "sample_seed",
            "Sampling seed",
            LECTURE_SEED,
            kind="int",
            min_value=0,
            max_value=SEED_LIMIT,
        ),
        Setting(
            "temperature",
            "Temperature",
            1.0,
            min_value=0.05,
            max_value=5.0,
            step=0.05,
            widget="slider+number",
            help="Divides the log-probabilities before sampling: below 1 favours likely "
            "characters, above 1 flattens the distribution.",
        ),
        Setting(
            "top_k",
            "Top-k (0 = all characters)",
            0,
            kind="int",
            min_value=0,
            max_value=200,
            help="Sample only among the k most likely next characters.",
        ),
        Setting("score", "A word to score", "andrejq", kind="text", max_chars=50),
        labelled_choice(
            "weights",
            "Weights",
            "initial",
            WEIGHTS_LABELS,
            widget="segmented",
        ),
        labelled_choice(
            "walk_model",
            "Sample from",
            "counts",
            WALK_LABELS,
            widget="segmented",
        ),
        Setting(
            "walk_seed",
            "Walk-through seed",
            0,
            kind="int",
            min_value=0,
            max_value=SEED_LIMIT,
        ),
    ],
)
TRAINING_KEYS = ("lr", "steps", "reg", "seed", "method")

INTRO = (
    "Build makemore's character model twice: once by **counting** which character follows "
    "which, once as a **one-layer neural net** trained by gradient descent. Press *Train* and "
    "watch the net's loss settle onto the counting model's NLL line: the two models end up "
    "the same, as the lecture shows. Then train it with **our engine** from lesson 1 (729 "
    "scalar Values instead of one tensor) and see it land on torch's loss, only slower; try "
    "smoothing k against regularisation, score your own name, or switch to n = 3."
)


def ngram_word(n: int) -> str:
    """'bigrams', 'trigrams', '4-grams'."""
    return f"{ORDER_NAMES[n]}s"
