"""What follow remembers (:mod:`countersight.store.sources`), on SQLite and PostgreSQL: followed
sources, fetch state per URL, WARC files' committed sizes and syndication groups."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.errors import InputError, NotFoundError
from countersight.records import StoryCopy
from countersight.store import Store
from countersight.store import sources as sstore
from countersight.store.sources import FeedSource, source_id
from store_fixture import sample_claim, sample_document

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def _source(name: str, url: str, every: int = 3600, kind: str = "rss") -> FeedSource:
    return FeedSource(id=source_id(url), name=name, url=url, kind=kind, every_seconds=every, added_at=T0)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """As PostgreSQL gives it back (SQLite drops the zone of a UTC time)."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def test_sources_are_added_once_found_paused_and_removed(store: Store) -> None:
    a = _source("Alpha News", "https://alpha.example/feed")
    b = _source("Beta\u202e Wire", "https://beta.example/feed", kind="sitemap")
    assert sstore.add_sources(store, [a, b]) == [a, b]
    # The same URL (same id) or the same name again: left as they are.
    assert sstore.add_sources(store, [a, _source("Alpha News", "https://other.example/feed")]) == []
    assert [s.name for s in sstore.list_sources(store)] == ["Alpha News", "Beta Wire"]  # sanitised
    with pytest.raises(InputError, match="unknown source kind"):
        sstore.add_sources(store, [_source("Gamma", "https://gamma.example", kind="usenet")])
    assert sstore.find_source(store, "https://alpha.example/feed").id == a.id
    assert sstore.find_source(store, a.id).name == "Alpha News"
    assert sstore.set_paused(store, "Alpha News", True).paused
    assert sstore.remove_source(store, "Alpha News").id == a.id
    with pytest.raises(NotFoundError):
        sstore.find_source(store, "Alpha News")


def test_due_sources_and_polls(store: Store) -> None:
    hourly, daily = _source("Hourly", "https://h.example/rss"), _source("Daily", "https://d.example/rss", 86400)
    paused = _source("Paused", "https://p.example/rss")
    sstore.add_sources(store, [hourly, daily, paused])
    sstore.set_paused(store, "Paused", True)
    assert {s.name for s in sstore.due_sources(store, T0)} == {"Hourly", "Daily"}  # never polled
    sstore.mark_polled(store, hourly, T0, None)
    sstore.mark_polled(store, daily, T0, "HTTP 503\x1b[2J")
    later = T0 + dt.timedelta(hours=2)
    assert [s.name for s in sstore.due_sources(store, later)] == ["Hourly"]
    polled = sstore.find_source(store, "Daily")
    assert polled.last_error == "HTTP 503[2J" and _aware(polled.next_due) == T0 + dt.timedelta(days=1)
    # Asked for by name: due or not, paused or not.
    assert [s.name for s in sstore.due_sources(store, T0, name="Paused")] == ["Paused"]


def test_a_fetch_commits_its_document_state_and_archive_size_together(store: Store) -> None:
    src = _source("Alpha", "https://alpha.example/feed")
    sstore.add_sources(store, [src])
    doc = sample_document("Vendor Y installed licence plate readers on the ring road.")
    url = "https://alpha.example/story-1"
    fetch = sstore.fetch_row(
        url,
        src.id,
        "done",
        http_status=200,
        etag='"abc"',
        document_id=doc.id,
        warc_file="f-0.warc.gz",
        warc_offset=512,
        fetched_at=T0,
    )
    story = {"document_id": doc.id, "story_id": doc.id, "signature": "00ff"}
    counts = sstore.commit_fetch(
        store,
        fetch,
        document=doc,
        claims=[sample_claim(doc)],
        story=story,
        bands=["b1", "b2"],
        warc=("f-0.warc.gz", 900),
    )
    assert counts == {"documents": 1, "claims": 1, "evidence": 1}
    state = sstore.fetch_states(store, [url, "https://alpha.example/never"])
    assert list(state) == [url]
    assert (state[url].status, state[url].etag, state[url].document_id, state[url].warc_offset) == (
        "done",
        '"abc"',
        doc.id,
        512,
    )
    assert sstore.warc_committed(store) == {"f-0.warc.gz": 900}
    with store.transaction() as conn:
        sstore.set_warc_committed(store, conn, "f-0.warc.gz", 100)  # commits finish out of order
    assert sstore.warc_committed(store) == {"f-0.warc.gz": 900}
    assert sstore.story_candidates(store, ["b2", "zz"]) == {doc.id: (doc.id, "00ff")}
    assert sstore.story_candidates(store, []) == {}
    (archived,) = sstore.document_archive(store, doc.id)
    assert archived.warc_file == "f-0.warc.gz" and sstore.document_archive(store, url) == [archived]
    assert {k: _aware(v) for k, v in sstore.archived_at(store, [doc.id, "none"]).items()} == {doc.id: T0}
    # A failure later is an upsert of the same URL, its error sanitised.
    sstore.commit_fetch(store, sstore.fetch_row(url, src.id, "failed", error="bad\x00 gateway"))
    assert (sstore.fetch_states(store, [url])[url].status, sstore.fetch_states(store, [url])[url].error) == (
        "failed",
        "bad gateway",
    )


def test_story_copies_are_the_other_documents_of_a_story(store: Store) -> None:
    first = sample_document("The council approved the camera tender on Monday.")
    copy = sample_document("The council approved the camera tender on Monday!")
    alone = sample_document("An unrelated text.")
    for doc, story_id in ((first, first.id), (copy, first.id), (alone, alone.id)):
        fetch = sstore.fetch_row(f"https://x.example/{doc.id}", None, "done", document_id=doc.id)
        story = {"document_id": doc.id, "story_id": story_id, "signature": "00"}
        sstore.commit_fetch(store, fetch, document=doc, story=story)
    copies = sstore.story_copies(store, [first.id, alone.id, first.id])
    assert copies == {first.id: [StoryCopy(copy.id, copy.url, copy.title, copy.publisher, copy.published)]}
    assert sstore.story_copies(store, []) == {}
