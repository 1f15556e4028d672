"""The lecture's own code for the neural bigram, written out as in the video, for tests to
check the models against: the examples of words, and the forward pass over them."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def lecture_examples(words, stoi) -> tuple[torch.Tensor, torch.Tensor]:
    """xs, ys: the index of every character (and the start '.') and of the one after it."""
    xs, ys = [], []
    for word in words:
        chs = [".", *word, "."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    return torch.tensor(xs), torch.tensor(ys)


def lecture_nll(W: torch.Tensor, words, itos) -> float:
    """The lecture's forward pass in float64: one-hot @ W, exp, normalise, mean -log p."""
    xs, ys = lecture_examples(words, {ch: i for i, ch in enumerate(itos)})
    xenc = F.one_hot(xs, num_classes=len(itos)).double()
    counts = (xenc @ W.double()).exp()
    probs = counts / counts.sum(1, keepdim=True)
    return float(-probs[torch.arange(len(ys)), ys].log().mean())
