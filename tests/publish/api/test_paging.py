"""Keyset pagination (publish/api/paging.py): opaque cursors checked before they reach a query, and
pages of in-memory lists that are complete, without repeats, in either direction."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.errors import InputError
from countersight.publish.api.paging import (
    MAX_LIMIT,
    clamp_limit,
    decode_cursor,
    deployment_cursor_types,
    encode_cursor,
    iso,
    paginate,
)

ROWS = [{"id": f"r{i}", "n": i % 3, "name": None if i == 4 else f"n{9 - i}"} for i in range(7)]


def _walk(key: str, limit: int, descending: bool = False) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page, cursor = paginate(ROWS, key, cursor, limit, descending)
        ids += [r["id"] for r in page]
        if cursor is None:
            return ids


def test_a_cursor_round_trips_for_its_own_sort_only() -> None:
    cursor = encode_cursor(["n", True, 2, "r5"])
    assert "=" not in cursor and decode_cursor(cursor, "n", True) == (2, "r5")
    with pytest.raises(InputError, match="another sort"):
        decode_cursor(cursor, "n", False)
    with pytest.raises(InputError, match="another sort"):
        decode_cursor(cursor, "name", True)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "x" * 2000,
        encode_cursor(["n", True, 2]),
        encode_cursor(["n", True, True, "r1"]),
        encode_cursor(["n", "yes", 2, "r1"]),
        encode_cursor(["n", True, [1], "r1"]),
        encode_cursor(["n", True, 2, 5]),
    ],
)
def test_crafted_cursors_are_input_errors(cursor: str) -> None:
    with pytest.raises(InputError):
        decode_cursor(cursor, "n", True)


def test_cursor_value_types_follow_the_sort() -> None:
    assert deployment_cursor_types("confidence") == (int, float)
    assert deployment_cursor_types("first_seen") == (str,)
    with pytest.raises(InputError):
        decode_cursor(encode_cursor(["confidence", False, "high", "d1"]), "confidence", False, (int, float))


@pytest.mark.parametrize("key", ["id", "n", "name"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_are_complete_and_in_order(key: str, descending: bool) -> None:
    everything = [r["id"] for r in paginate(ROWS, key, None, 100, descending)[0]]
    assert sorted(everything) == sorted(r["id"] for r in ROWS)
    for limit in (1, 2, 3):
        assert _walk(key, limit, descending) == everything
    values = ["" if r[key] is None else r[key] for r in paginate(ROWS, key, None, 100, descending)[0]]
    assert values == sorted(values, reverse=descending)


def test_a_cursor_of_another_type_is_refused_not_a_crash() -> None:
    text_cursor = encode_cursor(["n", False, "abc", "r1"])
    with pytest.raises(InputError, match="bad cursor"):
        paginate(ROWS, "n", text_cursor, 2)


def test_limits_and_dates() -> None:
    assert (clamp_limit(0), clamp_limit(10), clamp_limit(10**6)) == (1, 10, MAX_LIMIT)
    assert iso(dt.date(2020, 5, 1)) == "2020-05-01" and iso(3) == 3 and iso(None) is None
