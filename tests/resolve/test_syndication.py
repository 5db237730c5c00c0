"""Near-duplicate detection (resolve/syndication.py): copies of one story share LSH bands and pass
the similarity threshold; different stories do not; signatures are stable across runs."""

from __future__ import annotations

from countersight.resolve import syndication as syn

STORY = (
    "NAIROBI - A telecoms company supplied facial recognition cameras to the police in 2019, the "
    "interior ministry said on Tuesday. The system covers the capital and the ring road. Critics said "
    "the deal lacked oversight and called for an inquiry into the contract and the loan behind it."
)
OTHER = (
    "LUSAKA - The council discussed budgets and roads on Monday and agreed to repair the bridge over "
    "the river before the rainy season, with works to be tendered in the spring."
)


def test_copies_match_and_other_stories_do_not() -> None:
    original = syn.signature(STORY)
    copy = syn.signature("(Agency) " + STORY + " Reporting by the agency's staff.")
    other = syn.signature(OTHER)
    assert syn.similarity(original, copy) >= syn.THRESHOLD
    assert set(syn.band_keys(original)) & set(syn.band_keys(copy))
    assert syn.similarity(original, other) < 0.2
    candidates = {"doc-b": ("story-1", syn.to_hex(copy)), "doc-c": ("story-2", syn.to_hex(other))}
    match = syn.best_match(original, candidates)
    assert match is not None and match[:2] == ("doc-b", "story-1")
    assert syn.best_match(other, {"doc-b": ("story-1", syn.to_hex(copy))}) is None


def test_signature_stable_and_round_trips() -> None:
    sig = syn.signature(STORY)
    assert sig == syn.signature(STORY) and len(sig) == syn.NUM_PERM
    assert syn.from_hex(syn.to_hex(sig)) == sig
    assert len(syn.band_keys(sig)) == syn.BANDS
    assert syn.signature("short text") == syn.signature("Short, text!")  # case and punctuation folded
