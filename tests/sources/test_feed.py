"""The feed reader (sources/feed.py): one document per RSS or Atom entry with text, links kept
and never fetched, entity declarations and private addresses refused."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from countersight.errors import InputError
from countersight.sources.base import Limits
from countersight.sources.feed import feed_documents, looks_like_feed
from source_fixtures import atom_feed, rss_feed

LIMITS = Limits()


def test_rss_entries_are_documents_links_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_a: object, **_k: object) -> None:
        raise AssertionError("a reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    data = rss_feed(
        [
            (
                "Cameras for Lusaka",
                "https://wire.example/lusaka",
                "<p>Huawei cameras were installed in <b>Lusaka</b>.</p>",
            ),
            ("Budget news", "https://wire.example/budget", "<p>The council approved the budget.</p>"),
            ("Empty", "https://wire.example/empty", ""),  # no text: skipped
        ]
    ).encode()
    assert looks_like_feed(data)
    docs = list(feed_documents(data, "wire.rss", LIMITS, path="wire.rss"))
    assert [d.title for d in docs] == ["Cameras for Lusaka", "Budget news"]
    assert docs[0].text == "Huawei cameras were installed in Lusaka."
    assert docs[0].url == "https://wire.example/lusaka"
    assert docs[0].published == dt.date(2019, 5, 14)
    assert docs[0].publisher == "Example Wire" and docs[0].language == "en"
    assert all(d.source_kind == "feed" and d.path == "wire.rss" for d in docs)
    assert [d.meta["entry"] for d in docs] == [0, 1] and docs[0].meta["feed_well_formed"] is True


def test_atom_feed() -> None:
    data = atom_feed([("Entry", "https://a.example/1", "<p>Text of the entry.</p>")]).encode()
    [doc] = feed_documents(data, "a.atom", LIMITS)
    assert doc.text == "Text of the entry." and doc.url == "https://a.example/1"
    assert doc.published == dt.date(2020, 2, 3) and doc.publisher == "Example Atom"


def test_unsafe_and_empty_feeds_are_refused() -> None:
    bomb = rss_feed([("A", "https://a.example/1", "<p>x</p>")], extra_prolog='<!DOCTYPE r [<!ENTITY a "aaaa">]>')
    with pytest.raises(InputError, match="entit"):
        list(feed_documents(bomb.encode(), "bomb.rss", LIMITS))
    private = rss_feed([("A", "http://192.168.1.10/admin", "<p>Text.</p>")])
    with pytest.raises(InputError, match="private, local or non-web"):
        list(feed_documents(private.encode(), "private.rss", LIMITS))
    with pytest.raises(InputError, match="malformed or empty feed"):
        list(feed_documents(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "e.rss", LIMITS))
    with pytest.raises(InputError, match="no text"):
        list(feed_documents(rss_feed([("A", "https://a.example/1", "")]).encode(), "blank.rss", LIMITS))
    assert not looks_like_feed(b"<html><body>a page</body></html>")
