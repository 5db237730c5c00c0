"""Deterministic ids (:mod:`countersight.ids`): the same natural key gives the same id on any
machine, a different key a different id."""

from __future__ import annotations

import hashlib
import re

from countersight.ids import content_hash, stable_id


def test_content_hash_is_the_sha256_of_the_text() -> None:
    assert content_hash("Acme sold cameras.") == hashlib.sha256(b"Acme sold cameras.").hexdigest()
    assert content_hash("a") != content_hash("a ")
    # A lone surrogate (from a badly decoded file) still hashes instead of raising.
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash("bad \ud800 text"))


def test_stable_id_is_a_short_prefixed_hash_of_its_parts() -> None:
    one = stable_id("dep", ["KEN", "Huawei", 2019])
    assert re.fullmatch(r"dep-[0-9a-f]{16}", one)
    assert stable_id("dep", ("KEN", "Huawei", 2019)) == one  # any iterable, same key
    assert stable_id("dep", ["KEN", "Huawei", "2019"]) == one  # parts are compared as text
    assert stable_id("cl", ["KEN", "Huawei", 2019]) != one
    assert stable_id("dep", ["KEN", None]) == stable_id("dep", ["KEN", ""])
    # Parts are joined with a separator no text holds: moving a boundary makes another id.
    assert stable_id("x", ["ab", "c"]) != stable_id("x", ["a", "bc"])
