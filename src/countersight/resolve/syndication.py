"""Syndication: one wire story republished by many outlets. Near-duplicate texts are found with
MinHash over word shingles (pure functions, no store): a signature per text, LSH band keys to
find candidates with a keyed lookup (bounded work per new text, whatever the store's size), and
the estimated Jaccard similarity that decides.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Sequence

import numpy as np

NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: texts with Jaccard 0.8 share a band with probability > 0.99
ROWS = NUM_PERM // BANDS
SHINGLE = 5
THRESHOLD = 0.7
# A Mersenne prime below 2**31: a * h + b stays below 2**63 for 32-bit shingle hashes, so numpy's
# int64 arithmetic is exact.
_PRIME = (1 << 31) - 1
_WORD = re.compile(r"\w+", re.UNICODE)


def _params() -> list[tuple[int, int]]:
    # Fixed, derived from a constant: signatures are comparable across machines and runs.
    out = []
    for i in range(NUM_PERM):
        digest = hashlib.sha256(f"countersight-minhash-{i}".encode()).digest()
        a, b = struct.unpack("<QQ", digest[:16])
        out.append((a % (_PRIME - 1) + 1, b % _PRIME))
    return out


_PERMS = _params()
_A = np.array([a for a, _ in _PERMS], dtype=np.int64)[:, None]
_B = np.array([b for _, b in _PERMS], dtype=np.int64)[:, None]


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping ``SHINGLE``-word sequences (case and punctuation folded)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    return {
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + SHINGLE]).encode(), digest_size=4).digest(), "little")
        for i in range(len(words) - SHINGLE + 1)
    }


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature (``NUM_PERM`` values) of a text."""
    hashes = np.fromiter(shingles(text), dtype=np.int64) & 0x7FFFFFFF
    return tuple(int(v) for v in ((_A * hashes[None, :] + _B) % _PRIME).min(axis=1))


def band_keys(sig: Sequence[int]) -> list[str]:
    """LSH band keys of a signature: texts sharing a key are candidates."""
    return [
        f"{band:02d}-"
        + hashlib.blake2b(struct.pack(f"<{ROWS}I", *sig[band * ROWS : (band + 1) * ROWS]), digest_size=12).hexdigest()
        for band in range(BANDS)
    ]


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def to_hex(sig: Sequence[int]) -> str:
    """A signature as hex (stored)."""
    return struct.pack(f"<{len(sig)}I", *sig).hex()


def from_hex(value: str) -> tuple[int, ...]:
    """A stored signature."""
    raw = bytes.fromhex(value)
    return struct.unpack(f"<{len(raw) // 4}I", raw)


def best_match(
    sig: Sequence[int], candidates: dict[str, tuple[str, str]], threshold: float = THRESHOLD
) -> tuple[str, str, float] | None:
    """The most similar candidate ``(document id, story id, similarity)`` at or above
    ``threshold``; ties go to the smallest document id (deterministic)."""
    best: tuple[str, str, float] | None = None
    for doc_id, (story_id, stored) in sorted(candidates.items()):
        score = similarity(sig, from_hex(stored))
        if score >= threshold and (best is None or score > best[2]):
            best = (doc_id, story_id, score)
    return best
