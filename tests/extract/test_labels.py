"""Features of a claim's technology and status, and of a sentence for the sentence scorer
(sentences written for the project)."""

from __future__ import annotations

from countersight.extract import _homes
from countersight.extract.candidates import Analysis, Candidate, analyse, candidates
from countersight.extract.labels import MAX_WORDS, sentence_features, status_features, technology_features


def _first(text: str) -> tuple[Analysis, Candidate]:
    a = analyse(text, _homes())
    return a, candidates(a)[0]


def test_technology_features_name_the_terms_of_the_sentence_and_its_words() -> None:
    a, c = _first("Huawei sold facial recognition cameras to the police in Uganda.")
    f = technology_features(a, c)
    assert {"t_sent=facial_recognition", "t_sent=video_surveillance", "t_doc_top=facial_recognition"} <= set(f)
    assert "w=huawei" in f and "w=uganda" in f
    assert "w=to" not in f  # words of three letters and more


def test_status_features_are_the_cue_words_only() -> None:
    assert status_features(*_first("Huawei denied that it sold CCTV cameras to Uganda.")) == [
        "cue=supply",
        "cue=denied",
    ]
    assert status_features(*_first("Huawei plans to install CCTV cameras in Uganda.")) == ["cue=supply", "cue=planned"]
    assert status_features(*_first("Huawei cameras watch Kampala in Uganda.")) == ["cue=none"]


def test_a_recipient_in_another_sentence_lends_its_status_cues() -> None:
    a, c = _first("Huawei sold CCTV cameras. Uganda plans to expand the network.")
    assert (c.s_sent, c.r_sent) == (0, 1)
    assert "rcue=planned" in status_features(a, c)


def test_sentence_features_are_words_word_pairs_and_cues() -> None:
    text = "Police said: Huawei sold cameras. Other text."
    start = text.index("Huawei")
    end = text.index(".", start) + 1
    assert sentence_features(text, start, end) == [
        "w=huawei",
        "w=sold",
        "w=cameras",
        "b=huawei_sold",
        "b=sold_cameras",
        "cue=supply",
    ]


def test_a_run_on_sentence_is_read_up_to_a_bound() -> None:
    text = " ".join(["cameras"] * (MAX_WORDS * 3))
    words = [f for f in sentence_features(text, 0, len(text)) if f.startswith("w=")]
    assert len(words) == MAX_WORDS
