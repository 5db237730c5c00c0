"""Training the learned extractor: reading labeled passages, framing, thresholds, calibration,
and deterministic training on the project's own small fixture (tests/data/extract_eval)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from countersight.errors import InputError
from countersight.extract import _homes, extract_claims, training
from countersight.extract.gold import GoldDeployment
from countersight.extract.model import FORMAT, bundled, load
from countersight.extract.training import (
    STATUSES,
    Passage,
    best_threshold,
    frame,
    gold_key,
    inputs_digest,
    model_version,
    read_corpus,
    train,
)
from countersight.model import Document
from paths import ROOT, TEST_DATA

FIXTURE = TEST_DATA / "extract_eval"
# What `make model` trains the shipped model on (the Makefile's CORPUS): shared material beside
# the repository, not part of it.
SHIPPED_CORPUS = [ROOT.parent / "shared" / "data" / "corpus" / "passages", ROOT.parent / "shared" / "data" / "devset"]


def _write_corpus(root: Path, rows: list[dict[str, object]], texts: dict[str, str]) -> Path:
    root.mkdir()
    (root / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for pid, text in texts.items():
        (root / f"{pid}.txt").write_text(text, encoding="utf-8")
    return root


def test_read_corpus_reads_passages_and_their_labels_sorted_by_id(tmp_path: Path) -> None:
    deployment = {"vendor": "ZTE", "vendor_canonical": "ZTE", "country": "PER", "status": "planned"}
    root = _write_corpus(
        tmp_path / "corpus",
        [{"id": "b", "lang": "es", "deployments": [deployment]}, {"id": "a", "deployments": []}],
        {"a": "Rain fell in Lima.", "b": "ZTE instalará cámaras en Lima."},
    )
    a, b = read_corpus([root])
    assert (a.id, a.lang, a.gold) == ("a", "en", ())
    assert (b.id, b.lang, b.text) == ("b", "es", "ZTE instalará cámaras en Lima.")
    assert b.gold == (GoldDeployment(country="PER", vendor="ZTE", vendor_canonical="ZTE", status="planned"),)


def test_a_directory_without_labels_or_with_a_bad_line_is_an_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no gold.jsonl"):
        read_corpus([empty])
    bad = _write_corpus(tmp_path / "bad", [{"id": "a"}, {"id": "missing-text"}], {"a": "Text."})
    with pytest.raises(InputError, match="bad gold record") as caught:
        read_corpus([bad])
    assert caught.value.position == "line 2"


def test_gold_keys_name_the_vendor_or_else_the_supplier_country() -> None:
    vendor = GoldDeployment(country="KEN", vendor="Huawei Technologies", vendor_canonical="Huawei")
    country = GoldDeployment(country="ECU", vendor_country="CHN")
    assert gold_key(vendor)[1] == "KEN" and gold_key(country)[1] == "ECU"
    assert gold_key(vendor) != gold_key(country)
    assert gold_key(vendor) == gold_key(GoldDeployment(country="KEN", vendor_canonical="Huawei"))


def test_framing_puts_each_positive_passage_between_two_negatives_deterministically() -> None:
    gold = (GoldDeployment(country="KEN", vendor_canonical="Huawei"),)
    passages = [
        Passage("p1", "Huawei sold cameras to Kenya.", "en", gold),
        Passage("n1", "Rain fell.", "en", ()),
        Passage("n2", "Markets rose.", "en", ()),
    ]
    (framed,) = frame(passages, seed=3)
    assert framed.id == "p1+framed" and framed.gold == gold
    assert "\n\nHuawei sold cameras to Kenya.\n\n" in framed.text
    assert frame(passages, seed=3) == [framed]
    assert frame(passages[:2], seed=3) == []  # fewer than two negatives: nothing to frame with


def test_framing_within_folds_takes_the_negatives_of_the_passage_s_own_fold() -> None:
    """A model held out from a fold must not have trained on the text around that fold's framed
    copies; a fold with fewer than two negatives borrows any two rather than frame nothing."""
    gold = (GoldDeployment(country="KEN", vendor_canonical="Huawei"),)
    passages = [Passage(f"p{i}", f"Huawei sold cameras to Kenya ({i}).", "en", gold) for i in range(6)]
    passages += [Passage(f"n{i}", f"Markets moved ({i}).", "en", ()) for i in range(6)]
    fold_of = {p.id: int(p.id[1]) % 3 for p in passages}
    fold_of["p5"] = 3  # a fold without negatives
    framed = frame(passages, seed=3, fold_of=fold_of)
    assert [f.id for f in framed] == [f"p{i}+framed" for i in range(6)]
    negatives = {p.text: p.id for p in passages if not p.gold}
    for f in framed:
        own = f.id.removesuffix("+framed")
        first, _, rest = f.text.partition("\n\n")
        _, _, last = rest.partition("\n\n")
        if own != "p5":
            assert fold_of[negatives[first]] == fold_of[negatives[last]] == fold_of[own]
        assert first in negatives and last in negatives and first != last
    assert frame(passages, seed=3, fold_of=fold_of) == framed


def test_the_threshold_is_the_middle_of_the_near_best_cuts_and_the_version_hashes_the_content() -> None:
    assert best_threshold([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0], gold_pairs=2) == 0.8
    assert best_threshold([0.9, 0.5], [0, 0], gold_pairs=1) == 0.9  # ties: the higher cut
    # F1 2/3 at the cuts 0.8, 0.5 and 0.2 (lower between them): the middle one, not an edge.
    probs = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
    assert best_threshold(probs, [1, 1, 0, 0, 1, 0, 0, 1], gold_pairs=4) == 0.5
    # Within a point of the best counts as level: F1 0.625 at 0.9 beside the best, 0.629 at 0.7
    # (of two, the upper middle).
    probs, y = [0.9] * 12 + [0.7] * 3, [1] * 10 + [0] * 2 + [1, 0, 0]
    assert best_threshold(probs, y, gold_pairs=20) == 0.9
    assert model_version("abc") == model_version("abc") != model_version("abd")
    assert model_version("abc").startswith(f"learned-{FORMAT}.")


@pytest.fixture(scope="module")
def trained() -> tuple[str, str]:
    """The same fixture trained twice with the same seed (about 3 s together)."""
    passages = read_corpus([FIXTURE])
    first = train(passages, _homes(), seed=7, folds=3, meta={"note": "test"}).to_json()
    second = train(passages, _homes(), seed=7, folds=3, meta={"note": "test"}).to_json()
    return first, second


def test_training_is_deterministic(trained: tuple[str, str], tmp_path: Path) -> None:
    first, second = trained
    assert first == second
    body = json.loads(first)
    assert body["format"] == FORMAT and body["pair"]["weights"] and body["sentence"]["weights"]
    assert body["meta"] == {"note": "test"} and 0.0 < body["threshold"] < 1.0
    assert set(body["status"]["labels"]) <= set(STATUSES)
    path = tmp_path / "m.json"
    path.write_text(first, encoding="utf-8")
    model = load(path)
    # The version is the hash of the model's own content.
    assert model.version == body["version"] == model_version(dataclasses.replace(model, version="").to_json())
    claims = extract_claims(
        Document(
            id="doc-trained", text="ZTE supplied a surveillance camera network to the police of Caracas, Venezuela."
        ),
        model=model,
    )
    # A sentence shaped like the fixture's own passages: the model trained on them finds its pair.
    assert [(c.vendor, c.country, c.attrs["model"]) for c in claims] == [("ZTE", "VEN", model.version)]


def test_the_inputs_digest_tells_a_changed_corpus_from_a_changed_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    passages = read_corpus([FIXTURE])
    base = inputs_digest(passages, _homes())
    assert base == inputs_digest(list(reversed(passages)), _homes())  # order does not matter
    first = passages[0]
    relabeled = [dataclasses.replace(first, gold=first.gold[1:]), *passages[1:]]
    assert inputs_digest(relabeled, _homes())["corpus"] != base["corpus"]
    # The same passages read otherwise: every vendor at home in Kenya, which the fixture names.
    other = inputs_digest(passages, dict.fromkeys(_homes(), "KEN"))
    assert other["corpus"] == base["corpus"] and other["reading"] != base["reading"]
    # The framed copies train reads are read too: a place that a negative names is read with
    # the firms of the positive it frames.
    with monkeypatch.context() as m:
        m.setattr(training, "frame", lambda passages, seed, fold_of=None: [])
        assert inputs_digest(passages, _homes())["reading"] != base["reading"]
    assert inputs_digest(passages, _homes()) == base
    # The label classifiers' features are read too.
    monkeypatch.setattr(training, "technology_features", lambda a, c: ["t=one"])
    assert inputs_digest(passages, _homes())["reading"] != base["reading"]


def test_the_shipped_model_was_trained_on_what_the_code_reads_now() -> None:
    """A change to sentences, mentions, candidates or features that changes what the shipped
    model's corpus reads as must come with `make model`: otherwise the file shipped is no longer
    what its code trains, and its measured figures describe another model."""
    if not all((d / "gold.jsonl").is_file() for d in SHIPPED_CORPUS):
        pytest.skip("the shared corpus is not beside the repository (../shared/data)")
    meta = bundled().meta
    shipped = meta.get("inputs")
    assert isinstance(shipped, dict), "the shipped model records no inputs digest: run `make model`"
    # Read as the model's own training run read it (its framed copies depend on both).
    now = inputs_digest(read_corpus(SHIPPED_CORPUS), _homes(), seed=meta["seed"], family=meta["family"])
    if now["corpus"] != shipped["corpus"]:
        pytest.skip("the shared corpus differs from the one the shipped model was trained on")
    assert now["reading"] == shipped["reading"], "the code reads the corpus otherwise now: run `make model`"
