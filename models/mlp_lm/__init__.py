"""The MLP language model of makemore part 2 (Bengio et al. 2003, "A Neural Probabilistic
Language Model"): characters embedded in a table C, a context of `block_size` of them
concatenated into one tanh hidden layer, and 27 logits for the next character.

- dataset.py: the lecture's examples (context -> next character) and its 80/10/10 split,
  with the number of times the word list was shuffled made explicit (the part-2 notebook's
  printed sizes come from a list shuffled three times).
- model.py: the parameters in the notebook's order and init (torch.Generator seeded
  2147483647), the loss, a forward/backward written out (makemore part 4) beside torch
  autograd's, minibatch SGD with one step decay, the learning-rate sweep, and sampling.

No Streamlit here; every random draw comes from a generator made for that call.
"""

from models.mlp_lm.dataset import (
    LECTURE_BLOCK_SIZE,
    NOTEBOOK_SHUFFLES,
    ContextSplits,
    context_examples,
    example_lines,
    lecture_splits,
)
from models.mlp_lm.model import (
    INIT_SEED,
    SAMPLE_SEED,
    LmConfig,
    LmParameters,
    evaluate_loss,
    init_parameters,
    parameter_count,
    sample_names,
    train_steps,
)

__all__ = [
    "INIT_SEED",
    "LECTURE_BLOCK_SIZE",
    "NOTEBOOK_SHUFFLES",
    "SAMPLE_SEED",
    "ContextSplits",
    "LmConfig",
    "LmParameters",
    "context_examples",
    "evaluate_loss",
    "example_lines",
    "init_parameters",
    "lecture_splits",
    "parameter_count",
    "sample_names",
    "train_steps",
]
