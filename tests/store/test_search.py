"""Full-text search of evidence quotes (:mod:`countersight.store.search`), on SQLite (FTS5) and
PostgreSQL (tsvector): every word must match, the last as a prefix, pages follow a keyset."""

from __future__ import annotations

from countersight.ids import stable_id
from countersight.model import Claim, Evidence
from countersight.store import Store
from countersight.store.search import MAX_WORDS, query_words, search_evidence
from store_fixture import sample_document

TEXTS = (
    "Orbitel installed facial recognition cameras in Lakeside.",
    "The ministry said Orbitel cameras were never switched on.",
    "Residents of Lakeside protested against the new cameras.",
)


def _store_quotes(store: Store) -> list[str]:
    claims, docs = [], []
    for text in TEXTS:
        doc = sample_document(text)
        docs.append(doc)
        ev = Evidence(document_id=doc.id, quote=text, start=0, end=len(text))
        claims.append(
            Claim(stable_id("cl", [doc.id]), "KEN", (ev,), "test", "1", "test", vendor="Orbitel", technology="cctv")
        )
    store.add(docs, claims)
    return [c.id for c in claims]


def test_query_words_are_folded_and_capped() -> None:
    assert query_words("Orbitel, LAKESIDE! café") == ["orbitel", "lakeside", "café"]
    assert len(query_words(" ".join(f"w{i}" for i in range(20)))) == MAX_WORDS
    assert query_words("  --  ") == []


def test_every_word_must_match_and_the_last_is_a_prefix(store: Store) -> None:
    claim_ids = _store_quotes(store)
    with store.engine.connect() as conn:
        hits = search_evidence(conn, "orbitel camer")
        assert sorted(h.claim_id for h in hits) == sorted(claim_ids[:2])
        assert {h.vendor for h in hits} == {"Orbitel"} and all("Orbitel" in (h.quote or "") for h in hits)
        assert [h.claim_id for h in search_evidence(conn, "lakeside protested")] == [claim_ids[2]]
        assert search_evidence(conn, "submarine") == [] and search_evidence(conn, "!!") == []


def test_pages_follow_the_position_keyset(store: Store) -> None:
    _store_quotes(store)
    with store.engine.connect() as conn:
        everything = search_evidence(conn, "cameras", limit=10)
        first = search_evidence(conn, "cameras", limit=2)
        rest = search_evidence(conn, "cameras", limit=2, after=first[-1].position)
    assert len(everything) == 3 and first + rest == everything
