"""The Bigram page's classroom features and its engine training, in AppTest.

Share links (every setting, then a press of Train, against a run made with the model API
here), bad links, presenter links, our engine against torch, compare runs, and the files a
user downloads and uploads (the bytes the download buttons really serve).
"""

from __future__ import annotations

import contextlib
import io
import json
import math

import pandas as pd
import pyarrow as pa
import pytest
import streamlit.testing.v1.app_test as app_test_module
import torch
from streamlit.runtime.media_file_manager import MediaFileManager

from data.names import ssa_names
from data.splits import shuffled_split
from models.export import export_neural_ngram, import_count_ngram
from models.ngram import LECTURE_SEED, CountNGram, NeuralNGram, TrainingDiverged, Vocabulary
from tests.apptest_helpers import (
    exception_messages,
    page_state,
    set_session,
    setting_value,
    setting_values,
    shown,
    start_app,
    tampered_json,
)
from ui.bigram import SETTINGS as BIGRAM_SETTINGS
from ui.bigram import BigramState

PAGE = "pages/bigram.py"
WIDGET_KINDS = (
    "slider",
    "number_input",
    "text_input",
    "selectbox",
    "radio",
    "toggle",
    "button_group",
)


def open_with_link(params: dict[str, str]):
    at = start_app()
    at.query_params.update(params)
    at.switch_page(PAGE).run()
    assert not at.exception, exception_messages(at)
    return at


def the_run(at):
    runs = page_state(at, BigramState).nets
    assert runs, "no run kept"
    return list(runs.values())[-1]


def widget_values(at) -> dict[str, object]:
    """setting key -> the value its widget shows, for the page's settings that are drawn."""
    values: dict[str, object] = {}
    for kind in WIDGET_KINDS:
        for element in at.get(kind):
            key = element.key or ""
            if key.startswith("bigram."):
                name = key.removeprefix("bigram.").removesuffix("#exact")
                values.setdefault(name, element.value)
    return values


def frame_with(at, *columns: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def chart_specs(at) -> list[tuple[dict, list[pd.DataFrame]]]:
    found = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets]
        found.append((spec, frames))
    return found


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts)


def reference_data(year: int, sex: str, top_n: int):
    """The page's words rebuilt here: the name list, makemore's split, the vocabulary."""
    words = ssa_names(year, sex, top_n or None)
    return shuffled_split(words, seed=42), Vocabulary.from_words(words)


class Downloads:
    """The bytes behind the page's download buttons, from AppTest's media file managers."""

    def __init__(self) -> None:
        self.managers: list[MediaFileManager] = []

    def read(self, at, label: str) -> bytes:
        button = next(b for b in at.get("download_button") if b.label == label)
        for manager in reversed(self.managers):
            with contextlib.suppress(Exception):
                if button.proto.deferred_file_id:  # written only when clicked
                    url = manager.execute_deferred(button.proto.deferred_file_id)
                else:
                    url = button.proto.url
                return manager._storage.get_file(url.rsplit("/", 1)[-1]).content
        raise AssertionError(f"the file of {label!r} was not found")


@pytest.fixture
def downloads(monkeypatch) -> Downloads:
    found = Downloads()

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            found.managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return found


# ------------------------------------------------------------------------ share links

TRIGRAM_LINK = {
    "year": "1995",
    "sex": "F",
    "top_n": "3000",
    "word": "anna",
    "n": "3",
    "smoothing": "0.5",
    "prefix": "a",
    "row": "n",
    "lr": "20.0",
    "steps": "40",
    "reg": "0.01",
    "seed": "7",
    "centre": "0",
    "zoom": "0",
    "num_samples": "6",
    "sample_seed": "3",
    "temperature": "0.8",
    "top_k": "5",
    "score": "nora",
    "weights": "trained",
    "walk_model": "neural",
    "walk_seed": "4",
}
ENGINE_LINK = {
    "year": "1990",
    "sex": "M",
    "top_n": "2000",
    "smoothing": "2.0",
    "lr": "30.0",
    "steps": "25",
    "reg": "0.0",
    "seed": "11",
    "method": "engine",
    "sample_seed": "9",
    "temperature": "1.5",
}


def test_the_links_below_cover_every_setting_of_the_page():
    """A setting added to the page must be added to a link test too (data=upload, which
    cannot carry its file, has a test of its own; data=makemore and split=all are the
    lecture's link, tests/test_page_bigram_lecture.py)."""
    from ui.bigram import SETTINGS

    assert set(TRIGRAM_LINK) | set(ENGINE_LINK) | {"data", "split"} == set(SETTINGS.settings)


@pytest.mark.parametrize("link", [TRIGRAM_LINK, ENGINE_LINK], ids=["trigram", "engine"])
def test_a_link_restores_every_setting_and_train_reproduces_the_run(link):
    at = open_with_link(link)
    assert not at.warning, [w.value for w in at.warning]
    settings = setting_values(at, BIGRAM_SETTINGS)
    shown = widget_values(at)
    for key, raw in link.items():
        expected = {"0": False, "1": True}[raw] if key in ("centre", "zoom") else raw
        assert str(settings[key]) == str(expected) or settings[key] == expected, key
        assert str(shown[key]) == str(expected) or shown[key] == expected, key
    # The address bar is the share link: it carries exactly these values.
    assert {key: at.query_params[key] for key in link} == link

    # The first visit trained once by itself; Train trains again with the same settings.
    first = the_run(at)
    at.button(key="bigram.train").click().run()
    assert not at.exception, exception_messages(at)
    run = the_run(at)
    if link.get("method") == "engine":
        assert run is not first  # trained again, in this session
    else:  # torch on built-in names: the one run shared by everyone who asks for it
        assert run is first

    n = int(link.get("n", "2"))
    method = {"engine": "engine"}.get(link.get("method", ""), "fast")
    splits, vocab = reference_data(int(link["year"]), link["sex"], int(link["top_n"]))
    net = NeuralNGram(n=n, seed=int(link["seed"]), vocab=vocab)
    net.fit(
        splits.train,
        steps=int(link["steps"]),
        lr=float(link["lr"]),
        reg=float(link["reg"]),
        method=method,
        eval_words={"dev": splits.dev},
    )
    assert run.model.loss_history == first.model.loss_history == net.loss_history
    assert run.model.eval_history["dev"] == net.eval_history["dev"]
    assert torch.equal(run.model.W, net.W)
    assert f"**{net.nll(splits.train):.4f}**" in texts(at)

    counts = CountNGram(n=n, smoothing=float(link["smoothing"]), vocab=vocab).fit(splits.train)
    nll_table = frame_with(at, "split", "counts model", "neural net").set_index("split")
    assert nll_table.loc["dev", "counts model"] == f"{counts.nll(splits.dev):.4f}"
    options = {
        "temperature": float(link["temperature"]),
        "top_k": int(link.get("top_k", 0)) or None,
    }
    args = (int(link.get("num_samples", 10)), int(link["sample_seed"]))
    samples = frame_with(at, "counts model", "neural net", "counts: seen?")
    assert list(samples["counts model"]) == counts.sample(*args, **options)
    assert list(samples["neural net"]) == net.sample(*args, **options)


def test_the_trigram_links_view_settings_reach_their_panels():
    """The settings that choose what is shown (heatmap slice and row, walk-through source
    and seed, the weights the examples use) are in effect after opening the link."""
    at = open_with_link(TRIGRAM_LINK)
    outlined = [
        param.get("value")
        for spec, _ in chart_specs(at)
        for param in spec.get("params", [])
        if param.get("name") == "outlined_row"
    ]
    assert outlined == ["an"]  # prefix "a" + row "n"
    generator = torch.Generator().manual_seed(4)  # walk_seed 4
    first_u = float(torch.rand(1, generator=generator, dtype=torch.float64))
    assert f"u = **{first_u:.4f}**" in texts(at)
    assert "The examples of **anna** as the net sees them (trained)" in texts(at)
    scores = frame_with(at, "trigram", "P counts", "P net")
    assert list(scores["trigram"]) == ["..n", ".no", "nor", "ora", "ra."]


def test_bad_link_values_fall_back_with_one_warning_naming_them():
    bad = {
        "lr": "abc",
        "steps": "999999",
        "method": "gpu",
        "n": "7",
        "temperature": "nan",
        "seed": "-1",
        "top_k": "1.5",
        "year": "1700",
        "data": "ftp",
        "centre": "maybe",
        "smoothing": "inf",
        "top_n": "800",
    }
    at = open_with_link(bad)
    assert len(at.warning) == 1, [w.value for w in at.warning]
    warning = at.warning[0].value
    for key in bad.keys() - {"top_n"}:
        assert f"`{key}=" in warning, key
    assert "top_n" not in warning  # the one good value is used
    settings = setting_values(at, BIGRAM_SETTINGS)
    assert settings["lr"] == 50.0 and settings["steps"] == 500 and settings["method"] == "torch"
    assert settings["n"] == 2 and settings["year"] == 2017 and settings["top_n"] == 800
    run = the_run(at)  # trained with the defaults, on the 800 names of the link
    assert run.lr == 50.0 and run.steps == 500 and run.method == "torch"
    assert run.data_key == "ssa:2017:both:800:split"


def test_a_link_to_an_uploaded_word_list_says_the_file_did_not_travel():
    at = open_with_link({"data": "upload", "n": "3"})
    assert at.radio(key="bigram.data").value == "upload"
    assert any("built-in names below are used" in i.value for i in at.info)
    assert any("but not your file" in c.value for c in at.caption)
    assert at.query_params["data"] == "upload"
    assert the_run(at).data_key == "ssa:2017:both:0:split" and the_run(at).n == 3


def test_a_presenter_link_hides_chosen_controls_and_their_values_apply():
    link = {
        "present": "1",
        "hide": "lr,steps,method,seed",
        "lr": "25.0",
        "steps": "30",
        "method": "engine",
        "seed": "5",
        "top_n": "1500",
    }
    at = open_with_link(link)
    shown = widget_values(at)
    assert not {"lr", "steps", "method", "seed"} & shown.keys()
    assert {"reg", "smoothing", "n"} <= shown.keys()
    run = the_run(at)
    assert (run.lr, run.steps, run.method, run.seed) == (25.0, 30, "engine", 5)
    splits, vocab = reference_data(2017, "both", 1500)
    net = NeuralNGram(n=2, seed=5, vocab=vocab)
    net.fit(splits.train, steps=30, lr=25.0, reg=0.001, method="engine")
    assert run.model.loss_history == net.loss_history
    # Charts for a projector: the count table's labels grow to 13 px (its rows with them),
    # the other charts are half as tall again.
    specs = {spec.get("title"): spec for spec, _ in chart_specs(at)}
    table = specs["Counts of the bigrams in the training words"]
    assert table["height"] == 27 * (2 * 13 + 10)
    assert {layer["mark"].get("fontSize") for layer in table["layer"][1:]} == {13}
    assert specs["Neural net: data loss per step"]["height"] == 450  # 300 * 1.5
    assert at.query_params["present"] == "1" and at.query_params["hide"] == link["hide"]


# ------------------------------------------------------------------------ our engine


def test_the_engine_panel_shows_both_curves_and_their_largest_difference():
    at = open_with_link({"method": "engine", "steps": "30", "top_n": "1000"})
    run = the_run(at)
    assert run.method == "engine"
    splits, vocab = reference_data(2017, "both", 1000)
    reference = NeuralNGram(n=2, seed=LECTURE_SEED, vocab=vocab)
    reference.fit(splits.train, steps=30, lr=50.0, reg=0.001, method="fast")
    gaps = [abs(a - b) for a, b in zip(run.model.loss_history, reference.loss_history, strict=True)]
    assert 0 < max(gaps) < 1e-6
    assert f"Largest |engine − torch| **{max(gaps):.1e}**" in texts(at)
    assert "After 30 steps with our engine" in texts(at)
    curves = next(
        frames[0]
        for spec, frames in chart_specs(at)
        if frames and "trained with" in frames[0].columns
    )
    torch_curve = curves[curves["trained with"] == "torch"]["loss"].tolist()
    engine_curve = curves[curves["trained with"] == "our engine"]["loss"].tolist()
    assert torch_curve == list(reference.loss_history)
    assert engine_curve == list(run.model.loss_history)
    # Before the next press of Train, the page says how long the engine will take.
    assert any("ms per step (your last engine run)" in c.value for c in at.caption)

    at.button_group(key="bigram.n").set_value(3).run()  # the engine trains bigrams only
    assert not at.exception, exception_messages(at)
    assert any("trains bigrams (n = 2) only" in c.value for c in at.caption)
    assert the_run(at).method == "torch" and the_run(at).model.n == 3


# ------------------------------------------------------------------------ compare runs


def test_compare_two_of_the_last_runs(downloads):
    at = open_with_link({"steps": "20", "top_n": "1000"})  # run 1: lr 50, torch
    at.number_input(key="bigram.lr#exact").set_value(20.0).run()
    at.button(key="bigram.train").click().run()  # run 2: lr 20, torch
    at.button_group(key="bigram.method").set_value("engine").run()
    at.button(key="bigram.train").click().run()  # run 3: lr 20, our engine
    assert not at.exception, exception_messages(at)
    log = page_state(at, BigramState).run_log.runs
    assert [run.settings["lr"] for run in log] == [50.0, 20.0, 20.0]

    set_session(at, "bigram.compare-open", True)  # the user opens the panel
    at.run()
    assert not at.exception, exception_messages(at)
    assert at.selectbox(key="bigram.compare-first").value == "run 2"
    assert at.selectbox(key="bigram.compare-second").value == "run 3"
    assert any(c.value.endswith("highlighted): Train with") for c in at.caption)
    overlaid = next(
        frames[0]
        for spec, frames in chart_specs(at)
        if spec.get("title") == "Loss curves of the two runs"
    )
    run_3 = overlaid[overlaid["series"] == "run 3: train"]["value"].tolist()
    assert run_3 == list(the_run(at).model.data_loss_history)
    at.selectbox(key="bigram.compare-first").set_value("run 1").run()
    differ = next(c.value for c in at.caption if "highlighted" in c.value)
    assert set(differ.split(": ", 1)[1].split(", ")) == {"Train with", "Learning rate"}

    # Closed and opened again, the panel compares the last two runs again.
    set_session(at, "bigram.compare-open", False)
    at.run()
    set_session(at, "bigram.compare-open", True)
    at.run()
    assert at.selectbox(key="bigram.compare-first").value == "run 2"

    # The CSV downloads hold the run's numbers.
    history = pd.read_csv(io.BytesIO(downloads.read(at, "Loss history (CSV)")))
    model = the_run(at).model
    assert history["loss (with reg)"].tolist() == pytest.approx(model.loss_history, abs=1e-12)
    assert history["NLL, dev"].tolist() == pytest.approx(model.eval_history["dev"], abs=1e-12)
    samples = pd.read_csv(io.BytesIO(downloads.read(at, "Samples (CSV)")), keep_default_na=False)
    assert samples["neural net"].tolist() == model.sample(10, LECTURE_SEED)


# ------------------------------------------------------------------------ files


def test_a_downloaded_net_loads_into_another_session_with_identical_predictions(downloads):
    link = {"steps": "40", "top_n": "2000", "lr": "30.0", "seed": "3", "method": "engine"}
    teacher = open_with_link(link)
    trained = the_run(teacher).model
    raw = downloads.read(teacher, "The net (JSON)")
    document = json.loads(raw)
    assert document["kind"] == "neural-ngram" and document["n"] == 2
    assert document["settings"]["lr"] == 30.0 and document["settings"]["method"] == "engine"

    student = open_with_link({"top_n": "2000", "n": "3", "steps": "10"})
    assert the_run(student).model.n == 3
    uploader = student.file_uploader(key="bigram.net-file")
    uploader.set_value(("bigram-net.json", raw, "application/json")).run()
    assert not student.exception, exception_messages(student)
    assert any("Loaded bigram-net.json" in s.value for s in student.success)
    loaded = the_run(student)
    assert loaded.source == "bigram-net.json" and loaded.model.n == 2
    assert student.button_group(key="bigram.n").value == 2
    assert (loaded.lr, loaded.steps, loaded.seed, loaded.method) == (30.0, 40, 3, "engine")
    assert student.slider(key="bigram.lr").value == 30.0
    assert torch.equal(loaded.model.W, trained.W)
    assert torch.equal(loaded.model.probs, trained.probs)
    samples = frame_with(student, "counts model", "neural net", "counts: seen?")
    assert list(samples["neural net"]) == trained.sample(10, LECTURE_SEED)
    assert any("without its loss history" in i.value for i in student.info)

    # The counts model downloads too, and reads back as the page's table.
    counts, _ = import_count_ngram(downloads.read(student, "Counts model (JSON)"))
    splits, vocab = reference_data(2017, "both", 2000)
    reference = CountNGram(n=2, smoothing=1.0, vocab=vocab).fit(splits.train)
    assert torch.equal(counts.counts, reference.counts)
    assert torch.equal(counts.probs, reference.probs)


def test_tampered_net_files_are_refused_and_the_net_is_kept(downloads):
    at = open_with_link({"steps": "20", "top_n": "1000", "lr": "40.0"})
    run = the_run(at)
    good = json.loads(downloads.read(at, "The net (JSON)"))
    other_letters = NeuralNGram(n=2, seed=1, vocab=".abc")
    five_gram = NeuralNGram(n=5, seed=1, vocab=run.model.itos)
    cases = {
        "short.json": (tampered_json(good, lambda d: d["W"].pop()), "W must have 27 rows"),
        "keys.json": (tampered_json(good, lambda d: d.pop("vocabulary")), 'no "vocabulary"'),
        "huge.json": (
            tampered_json(good, lambda d: d["W"][2].__setitem__(5, 1e300)),
            "W[2][5] is 1e+300",
        ),
        "types.json": (tampered_json(good, lambda d: d.update(n="2")), "n must be a whole number"),
        "text.json": (b"W = [[1, 2], [3, 4]]", "not valid JSON"),
        "nan.json": (
            json.dumps(good).replace('"W": [[', '"W": [[NaN, ', 1).encode(),
            "contains NaN",
        ),
        "letters.json": (
            export_neural_ngram(other_letters, {}).encode(),
            "the words on this page have",
        ),
        "order.json": (export_neural_ngram(five_gram, {}).encode(), "this page shows n = 2"),
    }
    uploader_key = "bigram.net-file"
    for name, (raw, expected) in cases.items():
        at.file_uploader(key=uploader_key).set_value((name, raw, "application/json")).run()
        assert not at.exception, (name, exception_messages(at))
        errors = [shown(e.value) for e in at.error]
        assert len(errors) == 1 and expected in errors[0], (name, errors)
        assert errors[0].startswith(f"{name} was not loaded") and "you had is kept" in errors[0]
        assert the_run(at) is run, name
        assert setting_value(at, BIGRAM_SETTINGS, "lr") == 40.0
    # A good file after bad ones loads, with a different lr from its settings.
    retrained = tampered_json(good, lambda d: d["settings"].update(lr=12.5))
    at.file_uploader(key=uploader_key).set_value(("ok.json", retrained, "application/json")).run()
    assert not at.error and the_run(at).source == "ok.json"
    assert the_run(at).lr == 12.5 and math.isnan(the_run(at).seconds)


def test_an_engine_run_is_kept_when_torch_gives_out_on_the_same_settings(monkeypatch):
    """torch's float32 can overflow where the engine's float64 does not: the engine run is
    kept and the page says what happened to torch."""
    original = NeuralNGram.fit

    def fit(
        self, words, steps=100, lr=50.0, reg=0.01, on_step=None, method="fast", eval_words=None
    ):
        if method == "fast":
            raise TrainingDiverged(2, [3.0, 9.0], lr)
        return original(self, words, steps, lr, reg, on_step, method, eval_words)

    monkeypatch.setattr(NeuralNGram, "fit", fit)
    at = open_with_link({"method": "engine", "steps": "20", "top_n": "1000"})
    run = the_run(at)
    assert run.method == "engine" and len(run.model.loss_history) == 20
    assert "at step 2" in run.torch_twin.failure
    assert any("torch could not train the same settings" in w.value for w in at.warning)


def chart_descriptions(at) -> list[str]:
    return [json.loads(e.proto.spec).get("description", "") for e in at.get("vega_lite_chart")]


def test_secondary_panels_are_built_only_when_opened_and_a_link_opens_them():
    """The heatmaps of W and the sampling walk are closed on a first visit (none of their
    charts is sent); a link that sets how they are drawn opens them with their content."""
    plain = open_with_link({})
    labels = {e.label: e for e in plain.expander}
    assert "Sampling, one character at a time" in labels
    assert any(label.startswith("W beside log(counts + k)") for label in labels)
    described = chart_descriptions(plain)
    assert not any(d.startswith("W of the net") for d in described)
    assert not any(d.startswith("The distribution step") for d in described)
    assert "bigram.walk-next" not in [b.key for b in plain.button]

    linked = open_with_link({"centre": "0", "walk_seed": "4"})
    described = chart_descriptions(linked)
    assert any(d.startswith("W of the net") for d in described)
    assert any(d.startswith("The distribution step 1") for d in described)
    assert "bigram.walk-next" in [b.key for b in linked.button]
