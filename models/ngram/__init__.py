"""Character n-gram language models of makemore part 1: one built by counting, one trained as a
single linear layer with gradient descent, the sampler they share, and the comparisons between
them that the Bigram page shows.

Conventions (the lecture's, generalised from bigrams to n-grams):
- `.` (index 0) marks both ends of a word. A word is padded with n-1 `.` in front and one `.`
  behind, so "emma" with n=2 gives the examples .e em mm ma a.: every character and the end
  token are predicted, each from the n-1 characters before it.
- A model takes a Vocabulary or a plain sequence of characters; without one it uses `.` plus
  the sorted characters of the words it is fitted on, the same rule as Vocabulary.from_words.
- Fitted models are read-only: nll, log_probs, sample and the properties never change them
  (properties return copies), so one model can be cached and shared between sessions.
- Every random draw comes from a torch.Generator seeded for that call; the global seed is
  never used.

The public API, importable from `models.ngram`:
- vocabulary (vocabulary.py): Vocabulary, BOUNDARY
- words to n-grams (encoding.py): ngrams_of, MAX_ORDER, MAX_TABLE_ENTRIES
- the models: CountNGram (counts.py); NeuralNGram, MAX_TRAINING_STEPS (neural.py), trained by
  the loops of neural_training.py (FIT_METHODS, TrainingDiverged) or, for method="engine",
  of engine_training.py; Example (base.py), what examples_for_word returns
- sampling (sampling.py): sample_words, sample_walk, WalkStep, inverse_cdf_index,
  LECTURE_SEED, MAX_SAMPLES, MAX_SAMPLE_LENGTH, DEFAULT_MAX_LENGTH
- comparing the two models (compare.py): slice_prefix, count_slice, logit_slice,
  RowConstantGap, row_constant_gap, centred, TableDifference, largest_difference
"""

from __future__ import annotations

from models import torch_runtime
from models.ngram.base import Example
from models.ngram.compare import (
    RowConstantGap,
    TableDifference,
    centred,
    count_slice,
    largest_difference,
    logit_slice,
    row_constant_gap,
    slice_prefix,
)
from models.ngram.counts import CountNGram
from models.ngram.encoding import MAX_ORDER, MAX_TABLE_ENTRIES, ngrams_of
from models.ngram.neural import MAX_TRAINING_STEPS, NeuralNGram
from models.ngram.neural_training import FIT_METHODS, TrainingDiverged
from models.ngram.sampling import (
    DEFAULT_MAX_LENGTH,
    LECTURE_SEED,
    MAX_SAMPLE_LENGTH,
    MAX_SAMPLES,
    WalkStep,
    inverse_cdf_index,
    sample_walk,
    sample_words,
)
from models.ngram.vocabulary import BOUNDARY, Vocabulary

# One intra-op thread for the small tensors of these models (see models/torch_runtime.py).
torch_runtime.configure()

__all__ = [
    "BOUNDARY",
    "DEFAULT_MAX_LENGTH",
    "FIT_METHODS",
    "LECTURE_SEED",
    "MAX_ORDER",
    "MAX_SAMPLES",
    "MAX_SAMPLE_LENGTH",
    "MAX_TABLE_ENTRIES",
    "MAX_TRAINING_STEPS",
    "CountNGram",
    "Example",
    "NeuralNGram",
    "RowConstantGap",
    "TableDifference",
    "TrainingDiverged",
    "Vocabulary",
    "WalkStep",
    "centred",
    "count_slice",
    "inverse_cdf_index",
    "largest_difference",
    "logit_slice",
    "ngrams_of",
    "row_constant_gap",
    "sample_walk",
    "sample_words",
    "slice_prefix",
]
