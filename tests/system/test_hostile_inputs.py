"""Hostile input: random bytes (hypothesis) through every reader, random text through the extractor:
nothing crashes, every failure names its file, evidence offsets always match the quoted text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from countersight.extract import extract_claims
from countersight.ids import content_hash
from countersight.model import Document
from countersight.sources import Limits, read_input
from countersight.sources.dispatch import InputFile
from hostile_report import tried
from source_fixtures import ARTICLE

LIMITS = Limits()
EXAMPLES = 40
KINDS = {"text": ".txt", "html": ".html", "pdf": ".pdf", "feed": ".rss", "warc": ".warc.gz"}


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096))
def test_random_bytes_never_crash_a_reader(tmp_path: Path, kind: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{KINDS[kind]}"
    path.write_bytes(data)
    item = InputFile(path=path, source=str(path), kind=kind, size=len(data), input_id=None)
    for result in read_input(item, LIMITS):
        assert (result.document is None) != (result.error is None)
        if result.error is not None:
            assert str(path) in result.error
    tried(f"random bytes ({kind})")


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(
    text=st.text(max_size=3000)
    | st.builds(
        " ".join,
        st.lists(
            st.sampled_from(
                ARTICLE + ["Huawei", "Kenya", "cameras", "installed", "police", ",", "and", "in", "not", "denied"]
            ),
            max_size=80,
        ),
    )
)
def test_random_text_never_crashes_the_extractor(text: str) -> None:
    doc = Document(id=content_hash(text or "empty"), text=text)
    for claim in extract_claims(doc):
        for ev in claim.evidence:
            assert ev.start is not None and ev.end is not None
            assert text[ev.start : ev.end] == ev.quote
    tried("random text (extractor)")
