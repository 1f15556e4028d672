"""Two students on one server: each sees only their own data, model, seed and results.

Two AppTest sessions in one process share st.cache_data and st.cache_resource exactly as two
browser sessions on one server do. They train different models with their runs interleaved
(one chunk of one, then one of the other), and every result is compared with the same run made
alone, outside the page. Shared resources are really shared here (both sessions get the very
same objects), and after everything none of them has changed; the same check is shown to fail
when one of the page's shared objects is changed on purpose. The same on a real server, two
browsers at once: tests/browser/test_two_students.py.
"""

from __future__ import annotations

import torch

from data.splits import shuffled_split
from data.words import parse_word_list
from models.mlp_training import Trainer
from models.ngram import NeuralNGram, Vocabulary
from tests.apptest_helpers import (
    exception_messages,
    open_page,
    page_state,
    set_session,
    setting_value,
)
from ui import cache
from ui.bigram import SETTINGS as BIGRAM_SETTINGS
from ui.bigram import BigramState
from ui.bigram.data import ssa_word_set
from ui.bigram.settings import SPLIT_SEED
from ui.mlp import SETTINGS as MLP_SETTINGS
from ui.mlp import MlpState
from ui.mlp.run import load_split
from ui.mlp.settings import spec_from
from ui.neuron import SETTINGS as NEURON_SETTINGS

STUDENT_WORDS = b"\n".join(
    name.encode()
    for name in [
        "anna",
        "bella",
        "carla",
        "dora",
        "ella",
        "fiona",
        "gina",
        "hana",
        "ida",
        "julia",
        "kira",
        "lena",
        "mia",
        "nora",
        "olga",
        "paula",
        "rosa",
        "sara",
        "tina",
        "vera",
    ]
)


def ok(at) -> None:
    assert not at.exception, exception_messages(at)


def shared(name: str) -> list:
    """The objects a shared_resource named `name` has handed out (registered at creation)."""
    return [value for owner, value, _ in list(cache._fingerprints.values()) if owner == name]


# ---- the MLP page -------------------------------------------------------------------------


def mlp_student(settings: dict):
    at = open_page("pages/mlp.py")
    for key, value in settings.items():
        widget = {
            "dataset": at.selectbox,
            "activation": at.segmented_control,
            "lr": at.select_slider,
            "steps": at.number_input,
            "seed": at.number_input,
            "data_seed": at.number_input,
            "noise": at.slider,
        }[key]
        widget(key=f"mlp.{key}").set_value(value).run()
    ok(at)
    return at


def trained_alone(values: dict) -> list[float]:
    spec = spec_from(values)
    train, test = load_split(
        spec.dataset, spec.points, spec.noise, spec.data_seed, spec.test_fraction
    )
    trainer = Trainer(spec.config, train.X, train.y, test.X, test.y)
    trainer.step(spec.config.steps)
    return [record.loss for record in trainer.history]


def test_two_students_train_different_mlps_at_once_and_each_gets_their_own_run():
    chosen = {
        "a": {"dataset": "moons", "data_seed": 1, "seed": 11, "lr": 0.1, "steps": 25},
        "b": {
            "dataset": "circles",
            "data_seed": 2,
            "seed": 22,
            "lr": 0.05,
            "activation": "tanh",
            "noise": 0.2,
            "steps": 35,
        },
    }
    a, b = mlp_student(chosen["a"]), mlp_student(chosen["b"])
    a.button(key="mlp.train").click().run()
    b.button(key="mlp.train").click().run()
    runs = {"a": a, "b": b}
    for _ in range(80):  # one chunk of training each, in turn, until both are done
        training = [at for at in runs.values() if page_state(at, MlpState).run.status == "training"]
        if not training:
            break
        for at in training:
            shared = page_state(at, MlpState).run.shared
            if shared is not None:
                shared.done.wait(0.05)
            at.run()
            ok(at)
    defaults = {key: setting.default for key, setting in MLP_SETTINGS.settings.items()}
    for name, at in runs.items():
        run = page_state(at, MlpState).run
        # What this student chose, from the test's own literals, not from the session: a
        # value leaked from the other session would not match.
        values = defaults | chosen[name]
        assert run.status == "done", name
        assert run.settings == {key: values[key] for key in run.settings}  # their own settings
        assert [record.loss for record in run.trainer.history] == trained_alone(values), name
    run_a, run_b = page_state(a, MlpState).run, page_state(b, MlpState).run
    assert (run_a.trainer.config.seed, run_b.trainer.config.seed) == (11, 22)
    assert (run_a.spec.dataset, run_b.spec.dataset) == ("moons", "circles")
    assert run_a.trainer.model is not run_b.trainer.model
    assert run_a.train.X != run_b.train.X
    assert not cache.mutated_resources()


# ---- the Bigram page ----------------------------------------------------------------------


def test_two_students_on_the_bigram_page_keep_their_own_words_nets_and_samples():
    a = open_page("pages/bigram.py")  # trains on the built-in names by itself
    b = open_page("pages/bigram.py")
    ok(a), ok(b)
    # Both got the very same shared dataset, counts and first net: the cache really is shared
    # here. The net is seeded, so each would have trained exactly these weights; trained once,
    # it is never changed (mutated_resources below watches it).
    key = ("ssa:2017:both:0:split", 2)
    first_run = page_state(a, BigramState).nets[key]
    assert first_run is page_state(b, BigramState).nets[key]
    alone = NeuralNGram(
        n=2, seed=first_run.seed, vocab=ssa_word_set(2017, "both", 0, "split").vocab
    )
    alone.fit(
        shuffled_split(ssa_word_set(2017, "both", 0, "split").words, seed=SPLIT_SEED).train,
        steps=first_run.steps,
        lr=first_run.lr,
        reg=first_run.reg,
    )
    assert torch.equal(first_run.model.W, alone.W)
    assert len(shared("ssa_word_set")) == 1 and len(shared("fitted_counts")) == 1
    assert len(shared("shared_torch_run")) == 1

    # Interleaved: A uploads a list while B picks other names; each sets its own seeds.
    a.radio(key="bigram.data").set_value("upload").run()
    b.button_group(key="bigram.sex").set_value("F").run()
    a.file_uploader(key="bigram.uploader").set_value(("mine.txt", STUDENT_WORDS, "text/plain"))
    a.run()
    b.number_input(key="bigram.seed").set_value(7).run()
    a.number_input(key="bigram.seed").set_value(3).run()
    b.number_input(key="bigram.steps#exact").set_value(60).run()
    a.number_input(key="bigram.steps#exact").set_value(40).run()
    a.number_input(key="bigram.sample_seed").set_value(5).run()
    b.button(key="bigram.train").click().run()
    a.button(key="bigram.train").click().run()
    ok(a), ok(b)

    words_a = tuple(parse_word_list(STUDENT_WORDS))
    words_b = ssa_word_set(2017, "F", 0, "split").words
    for at, words, seed, steps in ((a, words_a, 3, 40), (b, words_b, 7, 60)):
        runs = page_state(at, BigramState).nets
        newest = list(runs.values())[-1]
        assert (newest.seed, newest.steps) == (seed, steps)
        # The net each student sees is the one their words and settings give, trained alone.
        splits = shuffled_split(words, seed=SPLIT_SEED)
        alone = NeuralNGram(n=2, seed=seed, vocab=Vocabulary.from_words(words))
        alone.fit(splits.train, steps=steps, lr=50.0, reg=0.001)
        assert torch.equal(newest.model.W, alone.W)
        samples = next(d.value for d in at.dataframe if "net: seen?" in d.value.columns)
        sample_seed = setting_value(at, BIGRAM_SETTINGS, "sample_seed")
        assert list(samples["neural net"]) == alone.sample(10, sample_seed)

    # Neither sees the other's words, upload or nets.
    assert page_state(a, BigramState).choice.upload.word_set("split").words == words_a
    # B never chose to upload: B's upload slot (the page makes one for everyone) stays empty.
    assert page_state(b, BigramState).choice.upload.word_set("split") is None
    assert next(m.value for m in a.metric if m.label == "words") == str(len(words_a))
    assert next(m.value for m in b.metric if m.label == "words") == f"{len(words_b):,}"
    keys_a, keys_b = set(page_state(a, BigramState).nets), set(page_state(b, BigramState).nets)
    assert keys_a & keys_b == {key}  # only the first visit's built-in names are in common
    assert not any(k[0].startswith("upload:") for k in keys_b)
    assert setting_value(a, BIGRAM_SETTINGS, "seed") == 3
    assert setting_value(b, BIGRAM_SETTINGS, "seed") == 7

    assert not cache.mutated_resources()
    # The check watches these very objects: change one student's shared counts model (its NLL
    # table, a dict inside a frozen dataclass) and it is reported; undo it and it is not.
    fits = shared("fitted_counts")
    assert len(fits) >= 2  # both students' data sets
    original = fits[0].nll["train"]
    fits[0].nll["train"] = original + 1.0
    try:
        assert any("fitted_counts" in name for name in cache.mutated_resources())
    finally:
        fits[0].nll["train"] = original
    assert not cache.mutated_resources()


# ---- the Neuron page ----------------------------------------------------------------------


def test_two_students_with_their_own_formulas_see_their_own_graphs():
    a, b = open_page("pages/neuron.py"), open_page("pages/neuron.py")
    for at in (a, b):
        at.segmented_control(key="neuron.mode").set_value("formula").run()
    a.text_input(key="neuron.formula").set_value("y = a*b").run()
    b.text_input(key="neuron.formula").set_value("z = tanh(a) + b").run()
    a.number_input(key="neuron.var.b#exact").set_value(4.0).run()
    ok(a), ok(b)
    # a = 2, b = 4 for A; a = 2, b = -3 (the lecture's values) for B.
    assert next(m.value for m in a.metric if m.label == "Output y") == "8.0000"
    expected_b = torch.tanh(torch.tensor(2.0, dtype=torch.float64)).item() - 3.0
    assert next(m.value for m in b.metric if m.label == "Output z") == f"{expected_b:.4f}"
    assert "y = a*b" not in b.get("graphviz_chart")[0].proto.spec
    assert "b=4" in setting_value(a, NEURON_SETTINGS, "vars")
    assert "b=4" not in setting_value(b, NEURON_SETTINGS, "vars")
    assert len(shared("parsed")) >= 3  # the lecture's, A's and B's formulas, parsed once each
    assert not cache.mutated_resources()


def test_a_class_pressing_the_demo_shares_one_training_and_each_sees_it_step_by_step():
    """Three students press micrograd's demo: the run is trained once (one background job)
    and each session follows it as it grows; at every redraw a student's weights are
    those of the same run trained alone to that step, and the ends match micrograd's figures."""
    from ui.mlp.settings import DEMO_PRESET

    students = [open_page("pages/mlp.py") for _ in range(3)]
    for at in students:
        at.button(key="mlp.demo").click().run()
        ok(at)
    spec = spec_from({key: s.default for key, s in MLP_SETTINGS.settings.items()} | DEMO_PRESET)
    train, test = load_split(
        spec.dataset, spec.points, spec.noise, spec.data_seed, spec.test_fraction
    )
    alone = Trainer(spec.config, train.X, train.y, test.X, test.y)
    weights_alone = [alone.model.get_weights()]
    while not alone.finished:
        alone.step(1)
        weights_alone.append(alone.model.get_weights())
    for _ in range(200):  # each student's page redraws in turn, as their browsers ask
        training = [at for at in students if page_state(at, MlpState).run.status == "training"]
        if not training:
            break
        for at in training:
            page_state(at, MlpState).run.shared.done.wait(0.02)
            at.run()
            ok(at)
            trainer = page_state(at, MlpState).run.trainer
            assert trainer.model.get_weights() == weights_alone[trainer.steps_done]
    runs = [page_state(at, MlpState).run for at in students]
    assert len({id(run.shared) for run in runs}) == 1  # trained once for the three
    for run in runs:
        assert run.status == "done"
        assert run.trainer.history == alone.history  # every step's record, exactly
        assert run.trainer.history[99].loss == 0.010978370135492717  # micrograd's demo
    assert len({id(run.trainer.model) for run in runs}) == 3  # each has their own network
    assert not cache.mutated_resources()


def test_chart_specs_are_built_once_for_the_class_and_never_changed():
    """Two students open the Bigram page: the second builds no chart (every spec comes from
    the process's store); drawing them again and again changes none of them."""
    from ui.charts import SpecStore, shared_specs

    built = []
    original = SpecStore.get

    def counting_get(self, key, compute):
        def compute_and_count():
            built.append(key[0])
            return compute()

        return original(self, key, compute_and_count)

    SpecStore.get = counting_get
    try:
        a = open_page("pages/bigram.py")
        ok(a)
        first = list(built)
        built.clear()
        b = open_page("pages/bigram.py")
        ok(b)
        assert first and built == []  # the second student built nothing
    finally:
        SpecStore.get = original
    before = [cache.fingerprint(value) for value in shared_specs().values()]
    for at in (a, b):
        set_session(at, "bigram.walk-open", True).run()  # both open the walk's panel
    for at in (a, b, a):
        at.number_input(key="bigram.sample_seed").set_value(len(before)).run()
        at.button(key="bigram.walk-next").click().run()
        ok(at)
    after = {cache.fingerprint(value) for value in shared_specs().values()}
    assert set(before) <= after  # (new specs may have joined; none of the old ones changed)
