"""OPML in and out (follow/opml.py): sources of nested outlines with countersight's kind, period
and language, a round trip, and files that are not OPML (or carry entities) refused."""

from __future__ import annotations

import pytest

from countersight.errors import InputError
from countersight.follow.opml import read_opml, write_opml
from countersight.follow.sources import new_source


def test_outlines_become_sources() -> None:
    data = (
        b'<?xml version="1.0"?><opml version="2.0" xmlns:cs="https://countersight.org/ns/opml"><body>'
        b'<outline text="Folder"><outline title="Wire" xmlUrl="https://wire.example/feed.xml" language="fr"/>'
        b'<outline text="Map" type="sitemap" xmlUrl="https://site.example/sitemap.xml" cs:every="600"/></outline>'
        b'<outline text="No address"/><outline text="Odd" type="podcast" xmlUrl="https://pod.example/f"/>'
        b"</body></opml>"
    )
    sources = read_opml(data, "subs.opml", 3600)
    assert [(s.name, s.kind, s.every_seconds, s.language) for s in sources] == [
        ("Wire", "rss", 3600, "fr"),
        ("Map", "sitemap", 600, None),
        ("Odd", "rss", 3600, None),  # an unknown type is read as a feed
    ]


def test_round_trip_keeps_kind_period_and_language() -> None:
    sources = [
        new_source("https://wire.example/feed.atom", None, 1800, "EN", name="Wire"),
        new_source("https://site.example/sitemap.xml", None, 86400, name="Site"),
    ]
    again = read_opml(write_opml(sources), "export.opml", 60)
    assert [(s.id, s.name, s.url, s.kind, s.every_seconds, s.language) for s in again] == [
        (s.id, s.name, s.url, s.kind, s.every_seconds, s.language) for s in sources
    ]
    assert again[0].kind == "atom" and again[1].kind == "sitemap"


def test_not_opml_is_refused() -> None:
    with pytest.raises(InputError, match="not an OPML file"):
        read_opml(b"<opml><body>", "torn.opml", 60)
    bomb = b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaa">]><opml><body/></opml>'
    with pytest.raises(InputError, match="not an OPML file"):
        read_opml(bomb, "bomb.opml", 60)
    with pytest.raises(InputError, match="not an http"):
        read_opml(b'<opml><body><outline xmlUrl="file:///etc/passwd"/></body></opml>', "local.opml", 60)
