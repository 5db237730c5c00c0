"""Keyset pagination shared by the API's lists: opaque cursors (checked before they reach a
query) and the page of an in-memory list."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from countersight.errors import InputError

MAX_LIMIT = 500


def iso(value: Any) -> Any:
    """A date as ISO text; anything else unchanged."""
    return value.isoformat() if isinstance(value, dt.date) else value


def encode_cursor(parts: Sequence[Any]) -> str:
    """An opaque cursor: the last row's sort value and id, with the sort it belongs to."""
    return base64.urlsafe_b64encode(json.dumps(list(parts), separators=(",", ":")).encode()).decode().rstrip("=")


MAX_CURSOR_CHARS = 1000
_CURSOR_SCALARS = (str, int, float)


def decode_cursor(
    cursor: str, sort: str, descending: bool, value_types: tuple[type, ...] = _CURSOR_SCALARS
) -> tuple[Any, str]:
    """(sort value, id) of a cursor made by :func:`encode_cursor` for the same sort.

    Anything else is an :class:`InputError` (HTTP 400), never a server error: a cursor arrives
    from the client, so its size, nesting and types are checked before it reaches a query."""
    bad = InputError("bad cursor: pass back next_cursor from the previous page unchanged")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, RecursionError) as exc:
        raise bad from exc
    if not isinstance(parts, list) or len(parts) != 4:
        raise bad
    s, desc, value, last_id = parts
    if not isinstance(s, str) or not isinstance(desc, bool) or not isinstance(last_id, str):
        raise bad
    if isinstance(value, bool) or not isinstance(value, value_types):
        raise bad
    if s != sort or desc != descending:
        raise InputError("cursor belongs to another sort order")
    return value, last_id


def deployment_cursor_types(key: str) -> tuple[type, ...]:
    """What a deployment cursor's sort value may be for ``key`` (see :func:`store.api_queries.cursor_value`)."""
    return (int, float) if key == "confidence" else (str,)


Row = TypeVar("Row", bound=Mapping[str, object])


def sort_value(row: Mapping[str, object], key: str) -> Any:
    """A row's value of sort ``key`` ("" for None): text or a number, compared with its kind."""
    v = row.get(key)
    return "" if v is None else v


def paginate(
    items: Sequence[Row], key: str, cursor: str | None, limit: int, descending: bool = False
) -> tuple[list[Row], str | None]:
    """Keyset pagination of an in-memory list of JSON rows sorted by (key, id), both reversed when
    ``descending`` (the order :func:`store.api_queries.deployment_page` uses)."""

    def k(r: Row) -> Any:
        return sort_value(r, key)

    ordered = sorted(items, key=lambda r: (k(r), str(r["id"])), reverse=descending)
    start = 0
    if cursor:
        value, last_id = decode_cursor(cursor, key, descending)
        sample = next((k(r) for r in ordered), None)
        # A value of another type than the column's would not compare (TypeError, a 500).
        if sample is not None and isinstance(sample, int | float) != isinstance(value, int | float):
            raise InputError("bad cursor: pass back next_cursor from the previous page unchanged")
        for i, r in enumerate(ordered):
            pair, mark = (k(r), str(r["id"])), (value, last_id)
            if (pair < mark) if descending else (pair > mark):
                start = i
                break
        else:
            start = len(ordered)
    page = ordered[start : start + limit]
    more = start + limit < len(ordered)
    nxt = encode_cursor([key, descending, k(page[-1]), str(page[-1]["id"])]) if page and more else None
    return page, nxt


def clamp_limit(limit: int) -> int:
    """A page size between 1 and :data:`MAX_LIMIT`."""
    return max(1, min(MAX_LIMIT, limit))
