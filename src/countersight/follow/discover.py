"""What a polled source points at: feed entries' links, sitemap ``<url>``s with their ``<lastmod>``
(and nested sitemaps), a page itself, or GDELT GKG rows filtered by themes and organisations.

Only addresses come out of here (never fetched here); XML is checked with defusedxml first
(entity declarations and external references refused), as the feed reader does.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import urljoin

import defusedxml.ElementTree as safe_et
import feedparser
import yaml
from defusedxml import DefusedXmlException

from countersight.errors import InputError
from countersight.sources.feed import _check_safe

MAX_INFLATED = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Item:
    """One address a source points at; ``sitemap`` when it is a nested sitemap to read in turn."""

    url: str
    lastmod: str | None = None
    title: str | None = None
    sitemap: bool = False


def feed_items(data: bytes, base_url: str) -> Iterator[Item]:
    """The links of an RSS or Atom feed's entries (relative links resolved against the feed)."""
    _check_safe(data, base_url)
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    entries = parsed.get("entries") or []
    if not entries and parsed.get("bozo"):
        raise InputError(f"malformed feed: {parsed.get('bozo_exception')}", path=base_url)
    for entry in entries:
        link = (entry.get("link") or "").strip()
        if link:
            yield Item(
                urljoin(base_url, link),
                entry.get("updated") or entry.get("published"),
                (entry.get("title") or "").strip() or None,
            )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sitemap_items(data: bytes, base_url: str) -> Iterator[Item]:
    """``<url>`` entries of a sitemap (with ``<lastmod>``), or the sitemaps of a sitemap index."""
    if data[:3] == b"\x1f\x8b\x08":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                data = fh.read(MAX_INFLATED + 1)
        except (OSError, EOFError) as exc:
            raise InputError(f"damaged gzip sitemap: {exc}", path=base_url) from exc
        if len(data) > MAX_INFLATED:
            raise InputError(f"sitemap inflates past {MAX_INFLATED:,} bytes", path=base_url)
    try:
        root = safe_et.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, safe_et.ParseError) as exc:
        raise InputError(f"not a sitemap: {exc}", path=base_url) from exc
    nested = _local(root.tag) == "sitemapindex"
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in node}
        if fields.get("loc"):
            yield Item(urljoin(base_url, fields["loc"]), fields.get("lastmod") or None, sitemap=nested)


@cache
def gkg_filter() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Themes and organisation names (lower case) that make a GKG row relevant: data/follow.yaml,
    plus the vendor registry's names and aliases (data/vendors.yaml)."""
    from importlib.resources import files

    from countersight.reference.vendors import registry

    data = yaml.safe_load(files("countersight").joinpath("data/follow.yaml").read_text("utf-8"))
    gkg = data["gdelt_gkg"]
    names = {o.lower() for o in gkg.get("organizations") or ()}
    for org in registry():
        if org.kind == "vendor":
            names.update(n.lower() for n in (org.name, *org.aliases) if len(n) > 3)
    return tuple(gkg.get("themes") or ()), tuple(sorted(names))


# GKG 2.1 columns (0-based): 1 date, 3 source name, 4 document URL, 7 V1 themes, 13 V1 organisations.
_GKG_URL, _GKG_THEMES, _GKG_ORGS = 4, 7, 13


def gkg_items(data: bytes, base_url: str) -> Iterator[Item]:
    """Article URLs of the GDELT GKG 2.1 rows (tab-separated, optionally zipped) whose themes or
    organisations match :func:`gkg_filter`."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if not names or archive.getinfo(names[0]).file_size > MAX_INFLATED:
                    raise InputError("GKG archive is empty or too large", path=base_url)
                data = archive.read(names[0])
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(f"damaged GKG archive: {exc}", path=base_url) from exc
    themes, orgs = gkg_filter()
    text = data.decode("utf-8", "replace")
    for row in csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        if len(row) <= _GKG_ORGS:
            continue
        row_themes = row[_GKG_THEMES].split(";")
        row_orgs = row[_GKG_ORGS].lower()
        if any(t in themes for t in row_themes) or any(o in row_orgs for o in orgs):
            url = row[_GKG_URL].strip()
            if url.startswith(("http://", "https://")):
                yield Item(url, row[1] or None)
