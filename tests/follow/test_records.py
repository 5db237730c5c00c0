"""The records of a follow run (follow/records.py): the counts, the summary the CLI prints with
exactly its keys, failures listed up to a cap, and a URL's fetch outcome."""

from __future__ import annotations

import dataclasses
import json

import pytest

from countersight.follow import records
from countersight.follow.records import SUMMARY_KEYS, FollowStats, UrlOutcome


def test_summary_has_exactly_its_keys_and_is_json() -> None:
    stats = FollowStats(sources=2, items=5, fetched=3, claims=4, interrupted=True, claim_ids=["c1"])
    stats.fail("https://a.example/x", "HTTP 500")
    summary = stats.summary()
    assert tuple(summary) == SUMMARY_KEYS
    assert summary["failed"] == [{"url": "https://a.example/x", "error": "HTTP 500"}]
    assert json.loads(json.dumps(summary))["fetched"] == 3
    summary["failed"].clear()  # the summary is a copy: the run's list is untouched
    assert len(stats.failed) == 1


def test_failures_are_listed_up_to_a_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "MAX_LISTED_FAILURES", 3)
    stats = FollowStats()
    for i in range(5):
        stats.fail(f"https://a.example/{i}", "timeout")
    assert [f["url"] for f in stats.failed] == [f"https://a.example/{i}" for i in range(3)]


def test_url_outcome_is_a_frozen_record() -> None:
    done = UrlOutcome("https://a.example/p", "src-1", "done", http_status=200, etag='"v1"')
    failed = dataclasses.replace(done, status="failed", error="extraction failed")
    assert (failed.url, failed.etag, failed.status, failed.error) == (
        "https://a.example/p",
        '"v1"',
        "failed",
        "extraction failed",
    )
    assert done.error is None and done.document_id is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        done.status = "failed"  # type: ignore[misc]
