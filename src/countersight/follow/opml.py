"""OPML, the file feed readers import and export subscriptions as: followed sources in and out."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from countersight.errors import InputError
from countersight.follow.sources import new_source
from countersight.store.sources import SOURCE_KINDS, FeedSource

_NS = "https://countersight.org/ns/opml"  # our extension attributes: kind, period, language


def read_opml(data: bytes, name: str, every_seconds: int) -> list[FeedSource]:
    """Sources of every ``<outline>`` with an ``xmlUrl`` (nested folders included)."""
    try:
        root = safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, safe_et.ParseError) as exc:
        raise InputError(f"not an OPML file: {exc}", path=name) from exc
    out: list[FeedSource] = []
    for node in root.iter("outline"):
        url = node.get("xmlUrl")
        if not url:
            continue
        kind = node.get(f"{{{_NS}}}kind") or node.get("type", "rss").lower()
        period = node.get(f"{{{_NS}}}every")
        out.append(
            new_source(
                url,
                kind if kind in SOURCE_KINDS else "rss",
                int(period) if period and period.isdigit() else every_seconds,
                node.get(f"{{{_NS}}}lang") or node.get("language"),
                node.get("title") or node.get("text") or None,
            )
        )
    return out


def write_opml(sources: Sequence[FeedSource]) -> bytes:
    """OPML 2.0 of the sources (kind, period and language in countersight's namespace)."""
    root = Element("opml", {"version": "2.0", "xmlns:cs": _NS})
    head = SubElement(root, "head")
    SubElement(head, "title").text = "countersight sources"
    body = SubElement(root, "body")
    for s in sources:
        attrs = {
            "text": s.name,
            "title": s.name,
            "type": "rss" if s.kind in ("rss", "atom") else s.kind,
            "xmlUrl": s.url,
            "cs:kind": s.kind,
            "cs:every": str(s.every_seconds),
        }
        if s.language:
            attrs["cs:lang"] = s.language
        SubElement(body, "outline", attrs)
    xml: bytes = tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml + b"\n"
