"""models.ngram.CountNGram against the lecture's counting code, its printed figures and
hand-worked n-gram tables."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from models.ngram import MAX_TABLE_ENTRIES, CountNGram, Vocabulary, ngrams_of

LECTURE_SEED = 2147483647


@pytest.fixture(scope="module")
def words(names_txt) -> list[str]:
    return names_txt.read_text().splitlines()


@pytest.fixture(scope="module")
def lecture(words):
    """The lecture's bigram table, built its first way: a dict of bigram counts."""
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}
    b: dict[tuple[str, str], int] = {}
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            bigram = (ch1, ch2)
            b[bigram] = b.get(bigram, 0) + 1
    N = torch.zeros((27, 27), dtype=torch.int32)
    for (ch1, ch2), count in b.items():
        N[stoi[ch1], stoi[ch2]] = count
    P = (N + 1).float()
    P /= P.sum(1, keepdim=True)
    return {"stoi": stoi, "itos": itos, "b": b, "N": N, "P": P}


def reference_nll(bigram_counts: dict, words: list[str], smoothing: float, size: int) -> float:
    """Mean NLL in float64 with plain Python: p = (count + s) / (row total + V * s)."""
    row_totals = Counter()
    for (ch1, _), count in bigram_counts.items():
        row_totals[ch1] += count
    total_log, n = 0.0, 0
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            p = (bigram_counts.get((ch1, ch2), 0) + smoothing) / (
                row_totals[ch1] + size * smoothing
            )
            total_log += math.log(p) if p > 0 else -math.inf
            n += 1
    return -total_log / n


# ---------------------------------------------------------------- the lecture's bigram model


def test_counts_are_the_lectures_N(words, lecture):
    model = CountNGram().fit(words)
    assert model.itos == tuple(".abcdefghijklmnopqrstuvwxyz")
    assert model.counts.shape == (27, 27)
    assert torch.equal(model.counts, lecture["N"].long())
    assert model.num_ngrams == 228_146 == sum(lecture["b"].values())


def test_probabilities_are_the_lectures_P_bit_for_bit(words, lecture):
    probs = CountNGram(smoothing=1).fit(words).probs
    assert probs.dtype == torch.float32
    assert torch.equal(probs, lecture["P"])


def test_lecture_nll_figures(words, lecture):
    unsmoothed = CountNGram(smoothing=0).fit(words).nll(words)
    smoothed = CountNGram(smoothing=1).fit(words).nll(words)
    # The lecture prints 2.4541 before adding fake counts and 2.4544 with +1.
    assert unsmoothed == pytest.approx(2.4541, abs=1e-3)
    assert smoothed == pytest.approx(2.4544, abs=1e-3)
    assert unsmoothed == pytest.approx(reference_nll(lecture["b"], words, 0, 27), abs=1e-6)
    assert smoothed == pytest.approx(reference_nll(lecture["b"], words, 1, 27), abs=1e-6)


def test_andrejq_is_infinitely_unlikely_without_smoothing(words, lecture):
    assert CountNGram(smoothing=0).fit(words).nll(["andrejq"]) == math.inf
    smoothed = CountNGram(smoothing=1).fit(words).nll(["andrejq"])
    assert smoothed == pytest.approx(3.4834, abs=1e-3)  # the lecture's figure with +1
    assert smoothed == pytest.approx(reference_nll(lecture["b"], ["andrejq"], 1, 27), abs=1e-6)
    log_probs = CountNGram(smoothing=0).fit(words).log_probs("andrejq")
    assert len(log_probs) == 8
    assert log_probs[6] == -math.inf  # "jq"
    assert all(math.isfinite(lp) for i, lp in enumerate(log_probs) if i != 6)


def test_sampling_reproduces_the_lecture(words, lecture):
    P, itos = lecture["P"], lecture["itos"]
    # The lecture's sampling loop, as written in the notebook.
    g = torch.Generator().manual_seed(LECTURE_SEED)
    reference = []
    for _ in range(20):
        out = []
        ix = 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        reference.append("".join(out))
    # What the lecture notebook prints (makemore_part1_bigrams.ipynb, current torch).
    assert reference[:5] == ["cexze.", "momasurailezitynn.", "konimittain.", "llayn.", "ka."]
    model = CountNGram(smoothing=1).fit(words)
    assert model.sample(20, seed=LECTURE_SEED) == [name.removesuffix(".") for name in reference]


def test_emma_gives_the_lectures_bigrams():
    assert ngrams_of("emma") == ngrams_of("emma", 2) == [".e", "em", "mm", "ma", "a."]
    assert ngrams_of("emma", 3) == ["..e", ".em", "emm", "mma", "ma."]
    assert ngrams_of("", 2) == [".."]


def test_a_contexts_distribution_is_a_copy_of_the_lectures_row(words, lecture):
    model = CountNGram().fit(words)
    row = model.probs_for_context("q")
    assert torch.equal(row, lecture["P"][lecture["stoi"]["q"]])
    row.zero_()
    assert model.probs_for_context("q").sum() == pytest.approx(1.0)


# ---------------------------------------------------------------- hand-worked n = 3 and 4

CORPUS = ["abab", "bab"]


def test_trigrams_of_a_tiny_corpus_by_hand():
    # ..abab. -> ..a .ab aba bab ab.   and   ..bab. -> ..b .ba bab ab.
    model = CountNGram(n=3, smoothing=0).fit(CORPUS)
    assert model.itos == (".", "a", "b")
    counts = model.counts
    assert counts.shape == (3, 3, 3)
    dot, a, b = 0, 1, 2
    expected = {
        (dot, dot, a): 1,
        (dot, dot, b): 1,
        (dot, a, b): 1,
        (dot, b, a): 1,
        (a, b, a): 1,
        (b, a, b): 2,
        (a, b, dot): 2,
    }
    for index in torch.cartesian_prod(*[torch.arange(3)] * 3).tolist():
        assert counts[tuple(index)] == expected.get(tuple(index), 0), index
    probs = model.probs
    assert probs[a, b, a] == pytest.approx(1 / 3)
    assert probs[a, b, dot] == pytest.approx(2 / 3)
    assert probs[b, a].tolist() == [0.0, 0.0, 1.0]
    assert probs[a, a].tolist() == [0.0, 0.0, 0.0]  # context "aa" never seen
    # Predictions: abab -> 1/2, 1, 1/3, 1, 2/3 ; bab -> 1/2, 1, 1, 2/3
    nll = (2 * math.log(2) + math.log(3) + 2 * math.log(3 / 2)) / 9
    assert model.nll(CORPUS) == pytest.approx(nll, rel=1e-6)
    assert model.log_probs("bab") == pytest.approx(
        [math.log(1 / 2), 0.0, 0.0, math.log(2 / 3)], abs=1e-6
    )
    assert model.nll(["aab"]) == math.inf  # "aa" was never a context


def test_trigram_smoothing_by_hand():
    model = CountNGram(n=3, smoothing=1).fit(CORPUS)
    dot, a, b = 0, 1, 2
    assert model.probs[a, b].tolist() == pytest.approx([3 / 6, 2 / 6, 1 / 6])
    assert model.probs[a, a].tolist() == pytest.approx([1 / 3] * 3)  # unseen: uniform
    assert model.probs[dot, dot].tolist() == pytest.approx([1 / 5, 2 / 5, 2 / 5])


def test_four_grams_of_a_tiny_corpus_by_hand():
    # ...abab. -> ...a ..ab .aba abab bab.   and   ...bab. -> ...b ..ba .bab bab.
    model = CountNGram(n=4, smoothing=0).fit(CORPUS)
    assert model.counts.shape == (3, 3, 3, 3)
    assert model.num_ngrams == 9
    dot, a, b = 0, 1, 2
    assert model.counts[b, a, b, dot] == 2
    assert model.counts[dot, dot, dot].tolist() == [0, 1, 1]
    assert int((model.counts > 0).sum()) == 8
    # Only the first step is uncertain (1/2 each); everything after is forced.
    assert model.nll(CORPUS) == pytest.approx(2 * math.log(2) / 9, rel=1e-6)
    assert set(model.sample(50, seed=0)) == {"abab", "bab"}


def test_trigram_samples_stay_in_the_language_of_the_corpus():
    # With n=3 and no smoothing: a(ba)*b-like names only: "ab", "abab", "bab", "babab", ...
    samples = CountNGram(n=3, smoothing=0).fit(CORPUS).sample(200, seed=7)
    assert all(re.fullmatch(r"b?(ab)+", s) for s in samples), samples
    assert {"ab", "bab"} <= set(samples)


@settings(max_examples=40, deadline=None)
@given(
    corpus=st.lists(st.text(alphabet="xyz-é", max_size=6), min_size=1, max_size=8),
    n=st.integers(2, 4),
)
def test_counts_match_a_plain_count_of_padded_windows(corpus, n):
    model = CountNGram(n=n, smoothing=0).fit(corpus)
    expected = Counter()
    for w in corpus:
        padded = "." * (n - 1) + w + "."
        for i in range(len(padded) - n + 1):
            expected[padded[i : i + n]] += 1
    counts = model.counts
    assert int(counts.sum()) == sum(len(w) + 1 for w in corpus)
    for gram, count in expected.items():
        assert counts[tuple(model.stoi[ch] for ch in gram)] == count


# ---------------------------------------------------------------- vocabulary and errors


def test_a_given_vocabulary_is_used_as_is():
    vocab = Vocabulary.from_words(["abc"])
    model = CountNGram(vocab=vocab).fit(["ab"])
    assert model.itos == (".", "a", "b", "c")
    assert model.counts[3].sum() == 0  # 'c' is in the table even though unseen
    assert CountNGram(vocab=".abc").fit(["ab"]).itos == model.itos
    with pytest.raises(ValueError, match=r"'z' in 'zed' is not in the vocabulary"):
        CountNGram(vocab=vocab).fit(["ab", "zed"])
    with pytest.raises(ValueError, match=r"'d' in 'add' is not in the vocabulary"):
        model.nll(["add"])


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda: CountNGram().fit(["ab", "a.b"]), "'a.b' contains '.'"),
        (lambda: CountNGram().fit(["ab", "a\nb"]), "line break"),
        (lambda: CountNGram().fit([]), "no words"),
        (lambda: CountNGram(n=1), "n must be"),
        (lambda: CountNGram(n=9), "n must be"),
        (lambda: CountNGram(smoothing=-1), "at least 0"),
        (lambda: CountNGram(smoothing=math.nan), "at least 0"),
        (lambda: CountNGram().nll(["ab"]), "Fit the counts model"),
        (lambda: CountNGram().fit(["ab"]).probs_for_context("ab"), "1 character"),
        (lambda: CountNGram(vocab="ab"), "start with '.'"),
    ],
)
def test_bad_input_is_refused_plainly(make, phrase):
    with pytest.raises(ValueError, match=re.escape(phrase)):
        make()


def test_a_table_too_big_for_memory_is_refused():
    many_chars = "".join(chr(0x4E00 + i) for i in range(200))  # 201 characters with '.'
    assert MAX_TABLE_ENTRIES < 201**3
    with pytest.raises(ValueError, match="entries, more than the limit"):
        CountNGram(n=3).fit([many_chars])


def test_read_only_operations_change_nothing(words):
    model = CountNGram(n=3).fit(words)
    counts, probs = model.counts, model.probs
    model.nll(words[:100])
    model.log_probs("emma")
    model.examples_for_word("emma")
    model.sample(10, seed=1, temperature=0.5, top_k=3)
    model.sample_walk(seed=2)
    model.probs_for_context("em")
    model.counts.zero_()  # changing a returned copy
    model.probs.zero_()
    assert torch.equal(model.counts, counts)
    assert torch.equal(model.probs, probs)


def test_fit_leaves_the_words_alone_and_takes_any_iterable():
    corpus = ["abab", "bab"]
    model = CountNGram().fit(corpus)
    assert corpus == ["abab", "bab"]
    assert torch.equal(CountNGram().fit(iter(corpus)).counts, model.counts)
    assert torch.equal(CountNGram().fit(tuple(corpus)).counts, model.counts)


def test_refitting_replaces_the_previous_fit():
    model = CountNGram().fit(["ab"])
    model.fit(["xyz"])
    assert model.itos == (".", "x", "y", "z")
    assert model.num_ngrams == 4


def test_the_lectures_float32_running_total_gives_its_printed_figures(words):
    """The lecture adds the log-probabilities one by one to a float32 tensor: that, not the
    exact mean, is what it prints (2.4541 and 2.4544; the exact means are 2.4540, 2.4546)."""
    import torch

    for k, printed, exact in ((0, "2.4541", "2.4540"), (1, "2.4544", "2.4546")):
        model = CountNGram(smoothing=k).fit(words)
        assert f"{model.nll_summed_in_float32(words):.4f}" == printed
        assert f"{model.nll(words):.4f}" == exact
        # The lecture's own loop, in torch, on this model's table.
        P, stoi = model.probs, model.stoi
        total, n = torch.zeros((), dtype=torch.float32), 0
        for word in words[:2000]:
            chs = [".", *word, "."]
            for a, b in zip(chs, chs[1:], strict=False):
                total += torch.log(P[stoi[a], stoi[b]])
                n += 1
        assert model.nll_summed_in_float32(words[:2000]) == pytest.approx(
            float(-total / n), abs=1e-6
        )
