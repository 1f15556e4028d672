"""The Bigram page's words and counts models: the built-in names (shared by every user) or
this user's upload, split for training, with the counts model fitted on them.

Built-in name lists and fitted counts models are shared (`shared_resource`, bounded) and never
changed after they are built; an upload stays in the user's session (BigramState.choice).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

from data.names import DEFAULT_YEAR, makemore_names, ssa_names
from data.splits import Splits, all_words, shuffled_split
from data.words import normalize_word, parse_word_list
from models.ngram import CountNGram, NeuralNGram, Vocabulary
from ui.bigram.settings import SETTINGS, SEX_LABELS, SPLIT_SEED
from ui.cache import shared_resource
from ui.text import in_code, literal

# WordSet.key of the built-in names, the same for every user
BUILT_IN_PREFIXES = ("ssa:", "makemore:")
SPLITS = ("split", "all")


@dataclass(frozen=True)
class WordSet:
    """A word list ready for the models: its splits and vocabulary. Never changed."""

    key: str  # identifies the words and their split, for caches: "ssa:2017:both:0:split"
    label: str  # plain text (a file name in it is the user's): escape it to show it
    words: tuple[str, ...]
    splits: Splits
    vocab: Vocabulary
    train_set: frozenset[str]
    split: str = "split"  # "split": train / dev / test; "all": every word trains (the lecture)

    @property
    def shared(self) -> bool:
        """Built-in words: the same for every user who picks them."""
        return self.key.startswith(BUILT_IN_PREFIXES)

    @property
    def all_words(self) -> bool:
        return self.split == "all"

    @property
    def scored(self) -> dict[str, str]:
        """The parts the models are scored on, by split name, with how the page names them:
        train, dev and test, or just the one part, all words."""
        if self.all_words:
            return {"train": "all words"}
        return {name: name for name, part in self.splits._asdict().items() if part}

    @property
    def training_words(self) -> str:
        """What the models learn from, in words."""
        return "all the words" if self.all_words else "the training split"


def build_word_set(words: tuple[str, ...], key: str, label: str, split: str) -> WordSet:
    splits = all_words(words) if split == "all" else shuffled_split(words, seed=SPLIT_SEED)
    vocab = Vocabulary.from_words(words)
    return WordSet(f"{key}:{split}", label, words, splits, vocab, frozenset(splits.train), split)


@shared_resource(max_entries=12)
def ssa_word_set(year: int, sex: str, top_n: int, split: str) -> WordSet:
    words = ssa_names(year, sex, top_n or None)
    who = SEX_LABELS[sex]
    kept = f"the {len(words):,} most popular" if top_n else f"all {len(words):,}"
    label = f"{kept} names given to {who} in the US in {year}"
    return build_word_set(words, f"ssa:{year}:{sex}:{top_n}", label, split)


@shared_resource(max_entries=2)
def makemore_word_set(split: str) -> WordSet:
    words = makemore_names()
    label = f"the {len(words):,} names of makemore's names.txt, the lecture's data"
    return build_word_set(words, "makemore", label, split)


@dataclass
class WordUpload:
    """This user's word-list upload: the last file chosen, and the words it gave."""

    file_id: str | None = None
    words: tuple[str, ...] = ()
    name: str = ""
    error: str | None = None
    _sets: dict[str, WordSet] = field(default_factory=dict)  # by split, built when asked

    def word_set(self, split: str) -> WordSet | None:
        """The uploaded words split as the settings say, or None before a file has worked."""
        if not self.words:
            return None
        if split not in self._sets:
            digest = hashlib.sha256("\n".join(self.words).encode()).hexdigest()[:16]
            label = f"{len(self.words):,} words from {self.name}"
            self._sets[split] = build_word_set(self.words, f"upload:{digest}", label, split)
        return self._sets[split]


def read_upload(upload: WordUpload, file: Any) -> None:
    """Parse a newly chosen file into this user's words; a bad file leaves the previous
    words in place and keeps its message until another file is chosen."""
    if file is None:
        upload.file_id, upload.error = None, None
        return
    if file.file_id == upload.file_id:
        return
    upload.file_id = file.file_id
    try:
        words = tuple(parse_word_list(file.getvalue()))
        candidate = WordUpload(file.file_id, words, file.name)
        for split in SPLITS:  # a list too short to split says so now, not on the next click
            candidate.word_set(split)
    except ValueError as error:
        upload.error = f"{literal(file.name)} was not loaded: {literal(str(error))}"
        return
    upload.words, upload.name, upload.error, upload._sets = words, file.name, None, candidate._sets


@dataclass
class WordChoice:
    """This user's words: the upload, and the last built-in names the settings gave."""

    upload: WordUpload = field(default_factory=WordUpload)
    built_in: WordSet | None = None  # the last built-in names that could be used
    problem: str | None = None  # why the built-in names the settings ask for cannot be

    def words(self) -> WordSet:
        """The words the settings choose: the upload, makemore's names or the US names (also
        while no upload has worked yet). Names too few to train on (the 1 most popular, say)
        keep the words the page had, and `problem` says why."""
        data, split = SETTINGS["data"], SETTINGS["split"]
        uploaded = self.upload.word_set(split)
        if data == "upload" and uploaded is not None:
            return uploaded
        if data == "makemore":
            self.built_in, self.problem = makemore_word_set(split), None
            return self.built_in
        year, sex, top_n = SETTINGS["year"], SETTINGS["sex"], SETTINGS["top_n"]
        try:
            self.built_in, self.problem = ssa_word_set(year, sex, top_n, split), None
        except ValueError:
            kept = self.built_in or ssa_word_set(DEFAULT_YEAR, "both", 0, split)
            self.problem = (
                f"The {top_n:,} most popular names of {year} are too few to split into "
                f"training, dev and test words, so the page keeps {kept.label}."
            )
            self.built_in = kept
        return self.built_in


@dataclass(frozen=True)
class CountsFit:
    model: CountNGram
    nll: dict[str, float]  # split name -> mean NLL (nan for an empty split)


@shared_resource(max_entries=24)
def fitted_counts(data_key: str, n: int, smoothing: float, _words: WordSet) -> CountsFit:
    """The counts model of the training words (every word with the split "all"); `_words`
    is not hashed, data_key names it."""
    model = CountNGram(n=n, smoothing=smoothing, vocab=_words.vocab).fit(_words.splits.train)
    return CountsFit(model, split_nlls(model, _words.splits))


def split_nlls(model: CountNGram | NeuralNGram, splits: Splits) -> dict[str, float]:
    """The model's mean NLL on every split (nan for an empty one), by split name."""
    return {
        name: model.nll(words) if words else math.nan for name, words in splits._asdict().items()
    }


def clean_word(raw: str) -> str:
    """A typed word as the models see it: normalised as the words of a file are."""
    return normalize_word(raw)


def word_problem(word: str, vocab: Vocabulary) -> str | None:
    """Why the models cannot read `word` (Markdown, the word's characters escaped), or None
    when they can."""
    if not word:
        return "Type a word."
    if "." in word:
        return "'.' marks the start and end of words, so a word cannot contain it."
    unknown = sorted(set(word) - set(vocab.itos))
    if unknown:
        shown = ", ".join(in_code(ch) for ch in unknown)
        known = in_code("".join(vocab.itos[1:]))
        return (
            f"{shown} {'is' if len(unknown) == 1 else 'are'} not in the vocabulary of these "
            f"words ({known}), so the models have no row or column for it."
        )
    return None


def format_nll(value: float) -> str:
    if math.isnan(value):
        return "–"
    return "∞" if math.isinf(value) else f"{value:.4f}"
