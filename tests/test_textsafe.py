"""textsafe: the one sanitiser for text entering the store, and the output guards (XML, CSV,
terminal, HTML)."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from countersight.model import Document, ReviewEvent
from countersight.textsafe import (
    FORMULA_START,
    clean_document,
    clean_review_event,
    clean_text,
    formula_safe,
    terminal_safe,
    visible_unicode,
    xml_safe,
)

RLO = "\u202e"


def test_clean_text_removes_controls_bidi_and_invisible_characters_and_composes() -> None:
    dirty = f"Safe\x01 City\x1b[31m {RLO}gnp.exe\u2066x\u2069 zero\u200bwidth\ufeff\x7f\x85 Cafe\u0301"
    clean = clean_text(dirty)
    assert clean == "Safe City[31m gnp.exex zerowidth Café"
    assert clean_text(clean) == clean  # idempotent
    # Layout and joiners that scripts need survive.
    kept = "line one\n\tline two \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 👩\u200d💻"
    assert clean_text(kept) == kept
    text = "already clean"
    assert clean_text(text) is text


def test_clean_document_and_review_event_touch_only_what_needs_it() -> None:
    doc = Document(id="d1", text=f"A{RLO}B\x00C", title="T\x01", meta={"k": "v\x02"})
    cleaned = clean_document(doc)
    assert (cleaned.text, cleaned.title, cleaned.meta, cleaned.id) == ("ABC", "T", {"k": "v"}, "d1")
    good = Document(id="d2", text="fine", published=dt.date(2024, 1, 1))
    assert clean_document(good) is good
    ev = ReviewEvent(target_id="t", action="note", actor="Rita\x1b[2J", reason="ok\x01", changes={"by": "[x]\x02"})
    out = clean_review_event(ev)
    assert (out.actor, out.reason, out.changes) == ("Rita[2J", "ok", {"by": "[x]"})


def test_xml_safe_output_always_parses() -> None:
    hostile = "a\x01b\x0bc\ufffed\x00e"
    el = ET.Element("t")
    el.text = xml_safe(hostile)
    assert ET.fromstring(ET.tostring(el)).text == "abcde"
    # Without the guard the same text gives XML that no parser accepts.
    el.text = hostile
    try:
        ET.fromstring(ET.tostring(el))
    except ET.ParseError:
        pass
    else:  # pragma: no cover - the guard would be pointless
        raise AssertionError("control characters should break XML")


def test_terminal_safe_strips_escape_sequences_and_controls() -> None:
    text = "quote \x1b[2J\x1b[31mred\x1b[0m \x1b]0;owned\x07title \x9b31m ok\r\x08\n[bold]kept[/bold]"
    assert terminal_safe(text) == "quote red title  ok\n[bold]kept[/bold]"


def test_formula_safe_neutralises_every_formula_start() -> None:
    for first in FORMULA_START:
        value = f'{first}HYPERLINK("http://x.example")'
        assert formula_safe(value) == "'" + value
    assert formula_safe("Huawei") == "Huawei" and formula_safe("") == ""


def test_visible_unicode_shows_what_would_reorder_text() -> None:
    assert visible_unicode(f"/files/{RLO}gnp.exe") == "/files/⟦U+202E⟧gnp.exe"
    plain = "Nairobi"
    assert visible_unicode(plain) is plain
