"""The text reader (sources/text.py): plain text and Markdown, front matter as metadata, dates the
document itself states."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.sources.base import Limits
from countersight.sources.text import front_matter, text_document

LIMITS = Limits()


def test_text_and_markdown() -> None:
    a = text_document(b"Title line\n\nBody about Nairobi.\r\n", "a.txt", LIMITS, path="a.txt")
    b = text_document(b"# Heading here\n\nSome *markdown*.", "b.md", LIMITS)
    assert a.title == "Title line" and a.text == "Title line\n\nBody about Nairobi.\n"
    assert a.id == content_hash(a.text) and a.source_kind == "text" and a.path == "a.txt"
    assert a.meta["encoding"] == "utf-8"
    assert b.title == "Heading here" and b.path is None


def test_empty_text_is_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        text_document(b"  \n\n ", "blank.txt", LIMITS)


def test_front_matter_keeps_known_keys_only() -> None:
    header, rest = front_matter("---\ntitle: 'A title'\n# a comment\ncolour: red\n---\nThe body.\n")
    assert header == {"title": "A title"} and rest == "The body.\n"
    assert front_matter("No header here.") == ({}, "No header here.")


def test_text_front_matter_is_metadata_not_text() -> None:
    data = (
        '---\nurl: https://news.example.org/item/77\ntitle: "Cameras for the capital"\n'
        "published: 2023-05-06\npublisher: Example Wire\nunknown: ignored\n---\nBody text about cameras.\n"
    )
    doc = text_document(data.encode(), "a.md", LIMITS)
    assert doc.text == "Body text about cameras.\n" and doc.id == content_hash(doc.text)
    assert (doc.url, doc.title, doc.publisher) == (
        "https://news.example.org/item/77",
        "Cameras for the capital",
        "Example Wire",
    )
    assert doc.published == dt.date(2023, 5, 6) and doc.meta["date_from"] == "front matter"
    # A Markdown rule is not a header; an unsafe address in a header is refused, not kept.
    rule = text_document(b"---\nJust a rule above some prose.\n---\nMore.\n", "b.md", LIMITS)
    assert rule.text.startswith("---\nJust a rule")
    c = text_document(b"---\nurl: file:///etc/passwd\n---\nText.\n", "c.txt", LIMITS)
    assert c.url is None and "url_refused" in c.meta


@pytest.mark.parametrize(
    "text, url, expected",
    [
        ("Nairobi, 2 February 2024 -- The police said cameras were installed.", None, dt.date(2024, 2, 2)),
        ("QUITO, February 2, 2024. Cameras.", None, dt.date(2024, 2, 2)),
        ("Cameras were bought. " * 40 + "On 2 February 2024 more came.", None, None),  # not a dateline
        ("No date in this text at all.", "https://news.example.org/2024/02/03/cameras", dt.date(2024, 2, 3)),
        ("Signed in 2023 under a Safe City deal.", None, None),
    ],
)
def test_text_dates_come_from_the_document(text: str, url: str | None, expected: dt.date | None) -> None:
    header = f"---\nurl: {url}\n---\n" if url else ""
    assert text_document((header + text).encode(), "a.txt", LIMITS).published == expected
